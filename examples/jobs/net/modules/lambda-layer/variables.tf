variable "name" {
  description = "Name of the layer. Each apply that changes the zip publishes a new version under it."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,140}$", var.name))
    error_message = "The name must be 1-140 letters, digits, hyphens or underscores."
  }
}

variable "filename" {
  description = "Path of the layer's zip, built before Terraform runs (Terraform never builds it)."
  type        = string
}

variable "source_code_hash" {
  description = "Base64 SHA-256 of the zip: a new value publishes a new layer version."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", var.source_code_hash))
    error_message = "The hash must be a base64 SHA-256 (44 characters ending in \"=\"), e.g. from filebase64sha256()."
  }
}

variable "description" {
  description = "Description of the layer version."
  type        = string
  default     = ""
}

variable "compatible_runtimes" {
  description = "Lambda runtimes the layer works with, e.g. [\"python3.12\"]."
  type        = list(string)
  default     = []
}

variable "compatible_architectures" {
  description = "CPU architectures the layer works with: x86_64, arm64 or both."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.compatible_architectures : contains(["x86_64", "arm64"], a)])
    error_message = "Architectures are \"x86_64\" or \"arm64\"."
  }
}

variable "skip_destroy" {
  description = "Keep old layer versions when they are replaced or destroyed, for functions outside this state that still use them."
  type        = bool
  default     = false
}
