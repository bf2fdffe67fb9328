variable "name" {
  description = "Name of the queue the module creates (its dead-letter queue adds -dead-letter); unused with queue_arn."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,68}$", var.name))
    error_message = "A queue's name is 1-80 letters, digits, '-' or '_' (68 here, for the -dead-letter of its dead-letter queue)."
  }
}

variable "queue_arn" {
  description = "An existing queue to read, in the function's region; null: the module creates one."
  type        = string
  default     = null

  validation {
    condition     = var.queue_arn == null || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", var.queue_arn))
    error_message = "The queue must be an SQS queue ARN, arn:aws:sqs:<region>:<account>:<name>."
  }
}

variable "function_name" {
  description = "Name of the function that receives the batches."
  type        = string
}

variable "batch_size" {
  description = "Most messages in one batch: 1-10000 (at most 10 for a FIFO queue)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "An SQS batch holds 1 to 10000 messages."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long to wait to fill a batch: 0-300 s; at least 1 when batch_size is over 10."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "The batching window is 0 to 300 seconds."
  }
}

variable "report_batch_item_failures" {
  description = "The function answers which messages failed (batchItemFailures) and only those are retried."
  type        = bool
  default     = true
}

variable "visibility_timeout_seconds" {
  description = "A created queue's visibility timeout: at least the function's timeout (AWS advises six times it)."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "A visibility timeout is 0 to 43200 seconds."
  }
}

variable "max_receive_count" {
  description = "A created queue's message moves to the dead-letter queue after this many receives."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "The receive count is 1 to 1000."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key for the created queues; null: SQS-managed encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the created queues."
  type        = map(string)
  default     = {}
}
