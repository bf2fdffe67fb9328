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
  description = "A custom domain for the API, with its ACM certificate in the same region, and optionally the Route 53 zone to create its alias record in; null for none."
  type = object({
    name            = string
    certificate_arn = string
    zone_id         = optional(string)
  })
  default = null
}

variable "stage_variables" {
  description = "Stage variables: every event carries them in stageVariables."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags for the API, its stage and its domain."
  type        = map(string)
  default     = {}
}
