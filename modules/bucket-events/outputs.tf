output "bucket_name" {
  description = "Name of the bucket."
  value       = local.bucket_name
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = local.bucket_arn
}
