variable "name" {
  description = "Name of the EventBridge rule."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.name))
    error_message = "A rule's name is 1-64 letters, digits, '.', '-' or '_'."
  }
}

variable "description" {
  description = "Description of the rule."
  type        = string
  default     = ""
}

variable "schedule_expression" {
  description = "When the function runs: rate(5 minutes), rate(1 day) or cron(0 3 * * ? *), in UTC."
  type        = string

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(([^ ]+ ){5}[^ ]+\\))$", var.schedule_expression))
    error_message = "The expression must be rate(N unit) or cron(minutes hours day-of-month month day-of-week year)."
  }
}

variable "function_name" {
  description = "Name of the function the rule invokes (for its permission)."
  type        = string
}

variable "function_arn" {
  description = "ARN of the function the rule invokes."
  type        = string
}

variable "input" {
  description = "The JSON event the function gets; null: EventBridge's scheduled event."
  type        = string
  default     = null

  validation {
    condition     = var.input == null || can(jsondecode(var.input))
    error_message = "The input must be JSON text, e.g. jsonencode({ kind = \"nightly\" })."
  }
}

variable "enabled" {
  description = "false keeps the rule but stops invoking the function."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the rule."
  type        = map(string)
  default     = {}
}
