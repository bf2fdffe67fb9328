# A runtime layer for wasmtime on arm64, from a zip built beforehand.

provider "aws" {
  region = "eu-west-1"
}

module "runtime_layer" {
  source = "../.."

  name                     = "example-runtime-wasmtime-arm64"
  description              = "asml runtime with wasmtime"
  filename                 = "${path.module}/runtime-layer.zip"
  source_code_hash         = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = ["arm64"]
}

output "layer_arn" {
  value = module.runtime_layer.arn
}
