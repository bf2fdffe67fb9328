# Deliver an SQS queue's messages to a function in batches. Without queue_arn the module
# creates the queue, encrypted, with a dead-letter queue for messages that keep failing.

locals {
  create    = var.queue_arn == null
  queue_arn = local.create ? aws_sqs_queue.this[0].arn : var.queue_arn
}

resource "aws_sqs_queue" "dead_letter" {
  count = local.create ? 1 : 0

  name                              = "${var.name}-dead-letter"
  message_retention_seconds         = 1209600 # 14 days, the most SQS keeps: time to look
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "this" {
  count = local.create ? 1 : 0

  name                              = var.name
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags

  lifecycle {
    ignore_changes = [redrive_policy] # aws_sqs_queue_redrive_policy.this owns it
  }
}

# Its own resource rather than the queue's redrive_policy argument: this one compares the
# policy as JSON, so a service that returns it reformatted does not show a change forever.
resource "aws_sqs_queue_redrive_policy" "this" {
  count = local.create ? 1 : 0

  queue_url = aws_sqs_queue.this[0].id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = local.queue_arn
  function_name                      = var.function_name
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  # Only the messages the function names in batchItemFailures come back, not the batch.
  function_response_types = var.report_batch_item_failures ? ["ReportBatchItemFailures"] : []
}
