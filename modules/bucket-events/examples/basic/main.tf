# A bucket whose new images invoke a function.

provider "aws" {
  region = "eu-west-1"
}

variable "function_name" {
  description = "The function S3 invokes (made elsewhere)."
  type        = string
  default     = "example-thumbs"
}

variable "function_arn" {
  description = "Its ARN."
  type        = string
  default     = "arn:aws:lambda:eu-west-1:123456789012:function:example-thumbs"
}

module "uploads" {
  source = "../.."

  name = "example-uploads-0f7a1b2c"
  notifications = [{
    function_name = var.function_name
    function_arn  = var.function_arn
    events        = ["s3:ObjectCreated:*"]
    prefix        = "images/"
    suffix        = ".png"
  }]
}

output "bucket_name" {
  value = module.uploads.bucket_name
}
