# Created here rather than by Lambda on first run, so that it has a retention setting (and, when
# given, a KMS key) and Terraform removes it with the function.
resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338: retention is the project's choice (log_retention_in_days, 30 days by default); a year is not every estate's rule
  # checkov:skip=CKV_AWS_158: encrypted with CloudWatch Logs' own key unless kms_key_arn names a customer-managed one
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116: a failure destination is for asynchronous invocations (async_invoke sets one); HTTP functions are invoked synchronously and their caller sees the error
  # checkov:skip=CKV_AWS_117: a public HTTP function needs no VPC; set vpc_subnet_ids and vpc_security_group_ids to place one in a VPC
  # checkov:skip=CKV_AWS_115: concurrency is left to the account's pool unless reserved_concurrent_executions sets it
  # checkov:skip=CKV_AWS_173: environment variables are encrypted at rest with Lambda's own key unless kms_key_arn names a customer-managed one
  # checkov:skip=CKV_AWS_272: code signing is for estates that sign their zips; set code_signing_config_arn to require it
  # checkov:skip=CKV_AWS_50: X-Ray tracing is an option (tracing_mode = "Active"); it costs per trace
  function_name                  = var.function_name
  description                    = var.description
  role                           = var.role_arn
  runtime                        = var.runtime
  handler                        = var.handler
  architectures                  = [var.architecture]
  filename                       = var.filename
  source_code_hash               = var.source_code_hash
  layers                         = var.layers
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn
  tags                           = var.tags

  # An empty environment block reads back as absent and would show as a change on every plan.
  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [var.environment] : []

    content {
      variables = environment.value
    }
  }

  dynamic "logging_config" {
    for_each = var.log_format != null ? [var.log_format] : []

    content {
      log_format = logging_config.value
      log_group  = aws_cloudwatch_log_group.this.name
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "vpc_config" {
    for_each = length(var.vpc_subnet_ids) > 0 ? [true] : []

    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }
}

# Asynchronous invocations (schedules, S3 events): how often Lambda retries, how old an event
# may get, and where one goes when it still fails.
resource "aws_sqs_queue" "failures" {
  count = try(var.async_invoke.create_failure_queue, false) ? 1 : 0

  name                              = "${var.function_name}-failures"
  message_retention_seconds         = 1209600 # 14 days, the most SQS keeps: time to look
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags
}

locals {
  failure_destination = try(aws_sqs_queue.failures[0].arn, var.async_invoke.on_failure_arn, null)
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count = var.async_invoke == null ? 0 : 1

  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.async_invoke.maximum_retry_attempts
  maximum_event_age_in_seconds = var.async_invoke.maximum_event_age_in_seconds

  dynamic "destination_config" {
    for_each = local.failure_destination == null ? [] : [local.failure_destination]

    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }
}
