# An HTTP API with a public route, a JWT-guarded route, CORS and access logs, in front of two
# functions.

provider "aws" {
  region = "eu-west-1"
}

module "runtime_layer" {
  source = "../../../lambda-layer"

  name                     = "example-runtime-wasmtime-x86_64"
  filename                 = "${path.module}/runtime-layer.zip"
  source_code_hash         = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["x86_64"]
}

module "list_role" {
  source = "../../../iam-role"

  name           = "example-orders-list"
  log_group_name = "/aws/lambda/example-orders-list"
}

module "list" {
  source = "../../../lambda-function"

  function_name    = "example-orders-list"
  role_arn         = module.list_role.arn
  runtime          = "python3.12"
  filename         = "${path.module}/list.zip"
  source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  layers           = [module.runtime_layer.arn]
}

module "get_role" {
  source = "../../../iam-role"

  name           = "example-orders-get"
  log_group_name = "/aws/lambda/example-orders-get"
}

module "get" {
  source = "../../../lambda-function"

  function_name    = "example-orders-get"
  role_arn         = module.get_role.arn
  runtime          = "python3.12"
  filename         = "${path.module}/get.zip"
  source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  layers           = [module.runtime_layer.arn]
}

module "api" {
  source = "../.."

  name = "example-orders"
  routes = {
    "GET /orders" = {
      function_name = module.list.function_name
      invoke_arn    = module.list.invoke_arn
    }
    "GET /orders/{id}" = {
      function_name        = module.get.function_name
      invoke_arn           = module.get.invoke_arn
      authorization_type   = "JWT"
      authorizer           = "customers"
      authorization_scopes = ["orders"]
    }
  }
  authorizers = {
    customers = {
      issuer   = "https://auth.example.com/"
      audience = ["orders-api"]
    }
  }
  cors = {
    allow_origins = ["https://shop.example.com"]
    allow_methods = ["GET"]
  }
  # The access logs: kept 90 days, encrypted with the estate's key for logs.
  log_retention_in_days = 90
  kms_key_arn           = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

output "endpoint" {
  value = module.api.api_endpoint
}

output "access_log_group" {
  value = module.api.access_log_group_name
}
