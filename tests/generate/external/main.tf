# An existing Terraform estate that uses asml's modules directly, without asml cast.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_role" "shared" {
  name = "estate-lambda"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

module "report" {
  source = "../modules/lambda-function"

  function_name    = "estate-report"
  role_arn         = aws_iam_role.shared.arn
  runtime          = "python3.12"
  filename         = "${path.module}/report.zip"
  source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  layers           = ["arn:aws:lambda:eu-west-1:123456789012:layer:asml-runtime-wasmtime:3"]
}

module "api" {
  source = "../modules/http-api"

  name = "estate-api"
  routes = {
    "GET /report" = {
      function_name      = module.report.function_name
      invoke_arn         = module.report.invoke_arn
      authorization_type = "AWS_IAM"
    }
  }
}
