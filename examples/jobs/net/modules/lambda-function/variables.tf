variable "function_name" {
  description = "Name of the Lambda function; its log group is /aws/lambda/<function_name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "The name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "role_arn" {
  description = "ARN of the execution role (see the iam-role module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "The role must be an IAM role ARN, arn:aws:iam::<account>:role/<name>."
  }
}

variable "filename" {
  description = "Path of the function's zip, built before Terraform runs (Terraform never builds it)."
  type        = string
}

variable "source_code_hash" {
  description = "Base64 SHA-256 of the zip: a new value deploys new code."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.source_code_hash))
    error_message = "The hash must be a base64 SHA-256 (44 characters ending in \"=\"), e.g. from filebase64sha256()."
  }
}

variable "runtime" {
  description = "Lambda runtime that hosts the WebAssembly engine: provided.al2023 (asml's custom runtime, whose layers bring CPython 3.10) or python3.10 for the wasmer engines, python3.12 or newer for wasmtime."
  type        = string

  validation {
    condition     = can(regex("^(python3\\.[0-9]+|provided\\.al2023)$", var.runtime))
    error_message = "The runtime must be \"provided.al2023\" (asml's custom runtime) or a Lambda Python runtime such as \"python3.12\": the asml runtime is Python."
  }
}

variable "handler" {
  description = "Entry point in the runtime layer that loads and runs the WebAssembly guest."
  type        = string
  default     = "asml_runtime.lambda_handler.handler"
}

variable "architecture" {
  description = "CPU architecture: x86_64 or arm64. Precompiled guests only run on the one they were built for."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "The architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "layers" {
  description = "Layer version ARNs, in order: on provided.al2023 the interpreter layer, then the asml runtime layer, then the IOmod layer if the function calls IOmods."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layers) <= 5
    error_message = "Lambda allows at most 5 layers per function."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240); CPU share grows with it."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "Memory must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900)."
  type        = number
  default     = 5

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "The timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "environment" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.environment) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", key))])
    error_message = "Environment variable names start with a letter and hold only letters, digits and underscores."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; -1 leaves it unreserved, 0 stops all invocations."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "Reserved concurrency is a whole number: -1 (unreserved), 0, or more."
  }
}

variable "log_retention_in_days" {
  description = "How long the log group keeps logs; 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "CloudWatch Logs accepts 0 (forever), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "log_format" {
  description = "Lambda's log format: \"JSON\" (one JSON object per line, with level and request id: searchable in CloudWatch Logs Insights) or \"Text\"; null leaves it unset (Lambda's default, Text)."
  type        = string
  default     = "JSON"

  validation {
    condition     = var.log_format == null || contains(["JSON", "Text"], coalesce(var.log_format, "JSON"))
    error_message = "The log format is \"JSON\" or \"Text\", or null."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing: \"Active\" traces every invocation (the role needs xray:PutTraceSegments, which the iam-role module's tracing adds), \"PassThrough\" only requests that arrive traced."
  type        = string
  default     = "PassThrough"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "The tracing mode is \"Active\" or \"PassThrough\"."
  }
}

variable "kms_key_arn" {
  description = "A customer-managed KMS key for the environment variables and the log group; null uses AWS-owned keys. Its key policy must let CloudWatch Logs use it, and the role must be able to decrypt with it (the iam-role module's kms_key_arn)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn is the ARN of a KMS key (arn:aws:kms:...)."
  }
}

variable "code_signing_config_arn" {
  description = "A Lambda code-signing configuration the function's zips must satisfy; null requires no signature."
  type        = string
  default     = null

  validation {
    condition     = var.code_signing_config_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[^:]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]+$", var.code_signing_config_arn))
    error_message = "code_signing_config_arn is the ARN of a code-signing configuration (arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-...)."
  }
}

variable "vpc_subnet_ids" {
  description = "Subnets to place the function in (its role then needs the ENI permissions the iam-role module's vpc_access adds); empty keeps it outside any VPC."
  type        = list(string)
  default     = []
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function in its VPC; required when vpc_subnet_ids is set."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.vpc_security_group_ids) > 0 || length(var.vpc_subnet_ids) == 0
    error_message = "A function placed in subnets needs at least one security group."
  }
}

variable "tags" {
  description = "Tags for the function and its log group."
  type        = map(string)
  default     = {}
}

variable "async_invoke" {
  description = "Retries and a failure destination for asynchronous invocations; null: Lambda's defaults (2 retries, 6 hours, no destination). create_failure_queue makes an SQS queue (<function_name>-failures) the destination; the role must be allowed to send to it (failure_destination_arn)."
  type = object({
    maximum_retry_attempts       = optional(number, 2)
    maximum_event_age_in_seconds = optional(number, 21600)
    on_failure_arn               = optional(string)
    create_failure_queue         = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.async_invoke == null || (try(var.async_invoke.maximum_retry_attempts >= 0 && var.async_invoke.maximum_retry_attempts <= 2, false) && try(var.async_invoke.maximum_event_age_in_seconds >= 60 && var.async_invoke.maximum_event_age_in_seconds <= 21600, false))
    error_message = "Lambda retries 0-2 times and keeps an event 60-21600 seconds."
  }

  validation {
    condition     = var.async_invoke == null || !(try(var.async_invoke.create_failure_queue, false) && try(var.async_invoke.on_failure_arn, null) != null)
    error_message = "Give on_failure_arn or create_failure_queue, not both."
  }
}
