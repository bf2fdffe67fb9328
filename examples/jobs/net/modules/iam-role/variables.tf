variable "name" {
  description = "Name of the role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "The name must be 1-64 characters: letters, digits and +=,.@_-."
  }
}

variable "description" {
  description = "Description of the role."
  type        = string
  default     = ""
}

variable "log_group_name" {
  description = "The function's log group: the only log group the role may write to."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#-]{1,512}$", var.log_group_name))
    error_message = "A log group name is 1-512 letters, digits and _-./#, e.g. /aws/lambda/<function>."
  }
}

variable "statements" {
  description = "More permissions, keyed by a readable name of letters and digits that becomes the statement's Sid: the actions the function's IOmods declare on the resources the manifest names, and any the user adds."
  type = map(object({
    actions   = list(string)
    resources = list(string)
    effect    = optional(string, "Allow")
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.statements) : can(regex("^[A-Za-z0-9]+$", key)) && key != "Logs"])
    error_message = "Statement keys hold only letters and digits (they become the statement's Sid), e.g. \"IomodDb\"; \"Logs\" is taken by the log statement."
  }

  validation {
    condition = alltrue([
      for s in values(var.statements) :
      length(s.actions) > 0 && length(s.resources) > 0 && contains(["Allow", "Deny"], s.effect)
    ])
    error_message = "Every statement needs at least one action and one resource, and an effect of \"Allow\" or \"Deny\"."
  }

  validation {
    condition = alltrue(flatten([
      for s in values(var.statements) : [for action in s.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9*]+$", action))]
    ]))
    error_message = "Actions are written service:Action, e.g. \"dynamodb:PutItem\"."
  }
}

variable "permissions_boundary" {
  description = "ARN of a policy that bounds the role's permissions, where the account requires one."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/", var.permissions_boundary))
    error_message = "permissions_boundary is the ARN of a managed policy (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

variable "path" {
  description = "IAM path of the role, e.g. \"/asml/\", where the estate files roles by path (boundaries and SCPs often match on it)."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.path)) && length(var.path) <= 512
    error_message = "An IAM path starts and ends with /, e.g. \"/asml/\"."
  }
}

variable "kms_key_arn" {
  description = "The customer-managed KMS key of the function's environment variables: the role may decrypt with it (kms:Decrypt), nothing more. null: none."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn is the ARN of a KMS key (arn:aws:kms:...)."
  }
}

variable "tracing" {
  description = "Whether the function sends X-Ray traces: the role may then write them (xray:PutTraceSegments, xray:PutTelemetryRecords)."
  type        = bool
  default     = false
}

variable "vpc_access" {
  description = "Whether the function runs in a VPC: the role may then manage the network interfaces Lambda attaches (the actions of AWSLambdaVPCAccessExecutionRole)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
