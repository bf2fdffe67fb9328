variable "name" {
  description = "Name of the bucket the module creates (globally unique), and of its permissions; with bucket_arn, a name for the permissions only."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name))
    error_message = "A bucket's name is 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "bucket_arn" {
  description = "An existing bucket (arn:aws:s3:::NAME); null: the module creates one. Its event notifications are then all this module's: S3 keeps one configuration per bucket."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "The bucket must be an S3 bucket ARN, arn:aws:s3:::<name>."
  }
}

variable "notifications" {
  description = "Which functions S3 invokes, for which events (e.g. s3:ObjectCreated:*) and keys (prefix, suffix; null for any)."
  type = list(object({
    function_name = string
    function_arn  = string
    events        = list(string)
    prefix        = optional(string)
    suffix        = optional(string)
  }))

  validation {
    condition     = length(var.notifications) > 0 && alltrue([for n in var.notifications : length(n.events) > 0 && alltrue([for e in n.events : startswith(e, "s3:")])])
    error_message = "Give at least one notification, each with S3 event types such as s3:ObjectCreated:*."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key for the created bucket; null: S3-managed keys (SSE-S3)."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "A created bucket keeps an overwritten or deleted object's old version this many days."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "Keep old versions at least 1 day."
  }
}

variable "tags" {
  description = "Tags for the created bucket."
  type        = map(string)
  default     = {}
}
