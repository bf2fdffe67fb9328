# The table the jobs functions record their work in. asml wires this folder into net/.

resource "aws_dynamodb_table" "jobs" {
  # checkov:skip=CKV_AWS_119: an example's table; DynamoDB encrypts it at rest with an AWS-owned key, set server_side_encryption with a kms_key_arn where the estate requires its own
  name         = "jobs"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  # Restorable to any second of the last 35 days.
  point_in_time_recovery {
    enabled = true
  }
}

output "table" {
  value = aws_dynamodb_table.jobs.name
}

# services/jobs/service.toml names it as "${user_tf.table_arn}": the functions' roles may use
# this table, and nothing else.
output "table_arn" {
  value = aws_dynamodb_table.jobs.arn
}
