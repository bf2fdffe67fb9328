output "table_arn" {
  value = aws_dynamodb_table.orders.arn
}

output "table_name" {
  value = aws_dynamodb_table.orders.name
}

output queue_arn {
  value = aws_sqs_queue.events.arn
}
