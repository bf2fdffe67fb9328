variable "stage" {
  type = string
}

variable "functions" {
  type = map(object({ name = string, arn = string }))
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly-${var.stage}"
  schedule_expression = "cron(0 3 * * ? *)"
}
