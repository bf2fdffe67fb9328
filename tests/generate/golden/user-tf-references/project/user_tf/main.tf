variable "resource_prefix" {
  type = string
}

variable "stage" {
  type = string
}

variable "functions" {
  type = map(object({ name = string, arn = string }))
}

resource "aws_dynamodb_table" "orders" {
  name         = "${var.resource_prefix}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_s3_bucket" "files" {
  bucket = "${var.resource_prefix}-files"
}

resource "aws_sqs_queue" "events" {
  name = "${var.resource_prefix}-events"
}

# Uses asml's functions while their roles and environment use the outputs below: Terraform
# follows each output on its own, so there is no cycle.
resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${var.resource_prefix}-nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "report" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = var.functions["orders.report"].arn
}
