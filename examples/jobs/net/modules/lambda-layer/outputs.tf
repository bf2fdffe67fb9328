output "arn" {
  description = "ARN of this layer version, to list in a function's layers."
  value       = aws_lambda_layer_version.this.arn
}

output "layer_arn" {
  description = "ARN of the layer, without the version."
  value       = aws_lambda_layer_version.this.layer_arn
}

output "version" {
  description = "The version number Lambda gave this zip."
  value       = aws_lambda_layer_version.this.version
}

output "source_code_size" {
  description = "Size of the zip in bytes."
  value       = aws_lambda_layer_version.this.source_code_size
}
