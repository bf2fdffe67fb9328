# The table the task functions keep their items in.

resource "aws_dynamodb_table" "tasks" {
  # checkov:skip=CKV_AWS_119: a test table; DynamoDB encrypts it at rest with an AWS-owned key
  name         = "tasks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

output "table_arn" {
  value = aws_dynamodb_table.tasks.arn
}
