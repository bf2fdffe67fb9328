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

variable "tags" {
  description = "Tags for the function and its log group."
  type        = map(string)
  default     = {}
}
