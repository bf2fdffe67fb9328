# The role of a function that writes to one DynamoDB table through akkoro.aws.dynamodb.

provider "aws" {
  region = "eu-west-1"
}

module "create_role" {
  source = "../.."

  name           = "example-orders-create"
  log_group_name = "/aws/lambda/example-orders-create"
  statements = {
    IomodTable = {
      actions = ["dynamodb:GetItem", "dynamodb:PutItem"]
      resources = [
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
      ]
    }
  }
}

output "policy" {
  value = module.create_role.policy_json
}
