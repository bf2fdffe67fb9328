# One function on wasmtime (arm64): its role, its runtime layer, the function and its logs.

provider "aws" {
  region = "eu-west-1"
}

module "runtime_layer" {
  source = "../../../lambda-layer"

  name                     = "example-runtime-wasmtime-arm64"
  filename                 = "${path.module}/runtime-layer.zip"
  source_code_hash         = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

module "hello_role" {
  source = "../../../iam-role"

  name           = "example-api-hello"
  log_group_name = "/aws/lambda/example-api-hello"
}

module "hello" {
  source = "../.."

  function_name         = "example-api-hello"
  role_arn              = module.hello_role.arn
  runtime               = "python3.12"
  architecture          = "arm64"
  filename              = "${path.module}/hello.zip"
  source_code_hash      = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  layers                = [module.runtime_layer.arn]
  memory_size           = 512
  timeout               = 10
  environment           = { GREETING = "hello" }
  log_retention_in_days = 14
}

output "function_arn" {
  value = module.hello.arn
}
