variable "stage" {
  type = string
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders-${var.stage}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "events" {
  name = "order-events-${var.stage}"
}
