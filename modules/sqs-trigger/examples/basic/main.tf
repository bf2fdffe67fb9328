# A queue (with its dead-letter queue) whose messages a function receives in batches.

provider "aws" {
  region = "eu-west-1"
}

variable "function_name" {
  description = "The function that receives the batches (made elsewhere)."
  type        = string
  default     = "example-worker"
}

module "jobs" {
  source = "../.."

  name                               = "example-jobs"
  function_name                      = var.function_name
  visibility_timeout_seconds         = 180
  batch_size                         = 25
  maximum_batching_window_in_seconds = 5
}

output "queue_url" {
  value = module.jobs.queue_url
}
