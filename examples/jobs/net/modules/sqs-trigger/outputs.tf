output "queue_arn" {
  description = "ARN of the queue the function reads: for its role's sqs:ReceiveMessage."
  value       = local.queue_arn
}

output "queue_url" {
  description = "URL of the created queue, for senders; null with queue_arn."
  value       = try(aws_sqs_queue.this[0].id, null)
}

output "dead_letter_queue_arn" {
  description = "ARN of the created queue's dead-letter queue; null with queue_arn."
  value       = try(aws_sqs_queue.dead_letter[0].arn, null)
}
