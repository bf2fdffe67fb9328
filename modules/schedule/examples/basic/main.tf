# A function run every night at 03:00 UTC with a fixed input.

provider "aws" {
  region = "eu-west-1"
}

variable "function_name" {
  description = "The function to run (made elsewhere, e.g. with the lambda-function module)."
  type        = string
  default     = "example-report"
}

variable "function_arn" {
  description = "Its ARN."
  type        = string
  default     = "arn:aws:lambda:eu-west-1:123456789012:function:example-report"
}

module "nightly" {
  source = "../.."

  name                = "example-nightly"
  description         = "The nightly report"
  schedule_expression = "cron(0 3 * * ? *)"
  function_name       = var.function_name
  function_arn        = var.function_arn
  input               = jsonencode({ kind = "nightly" })
}

output "rule_arn" {
  value = module.nightly.rule_arn
}
