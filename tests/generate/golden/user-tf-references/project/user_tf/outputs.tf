output "table_arn" {
  value = aws_dynamodb_table.orders.arn
}

output "table_name" {
  value = aws_dynamodb_table.orders.name
}

output "bucket_arn" {
  value = aws_s3_bucket.files.arn
}

output "bucket_name" {
  value = aws_s3_bucket.files.bucket
}

output "queue_arn" {
  value = aws_sqs_queue.events.arn
}

output "stage" {
  value = var.stage == "" ? "default" : var.stage
}
