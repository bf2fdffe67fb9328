variable "name" {
  description = "Name of the HTTP API."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 128
    error_message = "The name must be 1-128 characters."
  }
}

variable "description" {
  description = "Description of the HTTP API."
  type        = string
  default     = ""
}

variable "routes" {
  description = "Routes keyed \"VERB /path\" (or \"$default\"), each sent to a Lambda function through an AWS_PROXY integration with payload format 2.0. authorization_type is NONE, JWT (with the key of an entry in authorizers) or AWS_IAM (SigV4-signed requests)."
  type = map(object({
    function_name        = string
    invoke_arn           = string
    authorization_type   = optional(string, "NONE")
    authorizer           = optional(string)
    authorization_scopes = optional(list(string), [])
    timeout_milliseconds = optional(number, 30000)
  }))

  validation {
    condition     = alltrue([for key in keys(var.routes) : can(regex("^(\\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) /[^ ]*)$", key))])
    error_message = "Route keys are \"VERB /path\", e.g. \"GET /todos/{id}\", or \"$default\"."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : contains(["NONE", "JWT", "AWS_IAM"], route.authorization_type)])
    error_message = "authorization_type is \"NONE\", \"JWT\" or \"AWS_IAM\"."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : (route.authorization_type == "JWT") == (route.authorizer != null)])
    error_message = "A JWT route names its authorizer; other routes name none."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : route.timeout_milliseconds >= 50 && route.timeout_milliseconds <= 30000])
    error_message = "timeout_milliseconds is 50-30000: HTTP APIs stop waiting for an integration after 30 s."
  }
}

variable "authorizers" {
  description = "JWT authorizers keyed by name, for routes whose authorization_type is JWT."
  type = map(object({
    issuer           = string
    audience         = list(string)
    identity_sources = optional(list(string), ["$request.header.Authorization"])
  }))
  default = {}

  validation {
    condition     = alltrue([for authorizer in values(var.authorizers) : startswith(authorizer.issuer, "https://") && length(authorizer.audience) > 0])
    error_message = "A JWT authorizer needs an https:// issuer and at least one audience."
  }
}

variable "cors" {
  description = "CORS settings that API Gateway answers preflight requests with; null for none."
  type = object({
    allow_origins     = optional(list(string), [])
    allow_methods     = optional(list(string), [])
    allow_headers     = optional(list(string), [])
    expose_headers    = optional(list(string), [])
    allow_credentials = optional(bool, false)
    max_age           = optional(number, 0)
  })
  default = null
}

variable "domain" {
  description = "A custom domain for the API; null for none. With certificate_arn, that ACM certificate (in the API's region) serves it; without, the module requests one from ACM and validates it through DNS in the Route 53 zone. The zone (zone_id, or zone_name to look it up) also gets the domain's alias record."
  type = object({
    name            = string
    certificate_arn = optional(string)
    zone_id         = optional(string)
    zone_name       = optional(string)
  })
  default = null

  validation {
    condition     = var.domain == null || try(var.domain.certificate_arn, null) != null || try(var.domain.zone_id, null) != null || try(var.domain.zone_name, null) != null
    error_message = "A domain without certificate_arn needs zone_id or zone_name: ACM validates the certificate it issues through DNS records in that zone."
  }

  validation {
    condition     = var.domain == null || try(var.domain.zone_id, null) == null || try(var.domain.zone_name, null) == null
    error_message = "Give the domain's zone as zone_id or as zone_name, not both."
  }
}

variable "stage_variables" {
  description = "Stage variables: every event carries them in stageVariables."
  type        = map(string)
  default     = {}
}

variable "log_retention_in_days" {
  description = "How long the stage's access log group keeps logs; 0 keeps them forever."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "CloudWatch Logs accepts 0 (forever), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key that encrypts the access log group (its key policy must let CloudWatch Logs use it); null for CloudWatch Logs' own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn is the ARN of a KMS key, arn:aws:kms:<region>:<account>:key/<id>, or null."
  }
}

variable "tags" {
  description = "Tags for the API, its stage, its access log group and its domain."
  type        = map(string)
  default     = {}
}
