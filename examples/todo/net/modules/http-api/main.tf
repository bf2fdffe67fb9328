locals {
  # One invoke permission per function, however many routes lead to it.
  functions = toset([for route in values(var.routes) : route.function_name])
  # The Route 53 zone for the domain's records, or null. HCL's && does not short-circuit,
  # so var.domain.zone_id cannot be read behind a "var.domain != null" check.
  zone_name = try(var.domain.zone_name, null)
  zone_id   = try(coalesce(try(var.domain.zone_id, null), one(data.aws_route53_zone.named[*].zone_id)), null)
  # Whether there is a zone, from the inputs alone: a count cannot wait for a data source.
  has_zone = try(var.domain.zone_id, null) != null || local.zone_name != null
  # Without a certificate of its own, the domain gets one from ACM, validated through DNS
  # records in the zone (the variable's validation makes sure there is a zone).
  issue_certificate = var.domain != null && try(var.domain.certificate_arn, null) == null
  # One JSON object per request in the access log, with what a reviewer of an incident needs:
  # who called which route, what came back, and why an integration failed.
  access_log_format = jsonencode({
    requestId               = "$context.requestId"
    ip                      = "$context.identity.sourceIp"
    userAgent               = "$context.identity.userAgent"
    requestTime             = "$context.requestTime"
    httpMethod              = "$context.httpMethod"
    path                    = "$context.path"
    routeKey                = "$context.routeKey"
    status                  = "$context.status"
    protocol                = "$context.protocol"
    responseLength          = "$context.responseLength"
    responseLatency         = "$context.responseLatency"
    integrationStatus       = "$context.integrationStatus"
    integrationLatency      = "$context.integrationLatency"
    integrationErrorMessage = "$context.integrationErrorMessage"
    errorMessage            = "$context.error.message"
    authorizerError         = "$context.authorizer.error"
  })
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = var.description
  protocol_type = "HTTP"
  tags          = var.tags

  dynamic "cors_configuration" {
    for_each = var.cors == null ? [] : [var.cors]

    content {
      allow_origins     = length(cors_configuration.value.allow_origins) > 0 ? cors_configuration.value.allow_origins : null
      allow_methods     = length(cors_configuration.value.allow_methods) > 0 ? cors_configuration.value.allow_methods : null
      allow_headers     = length(cors_configuration.value.allow_headers) > 0 ? cors_configuration.value.allow_headers : null
      expose_headers    = length(cors_configuration.value.expose_headers) > 0 ? cors_configuration.value.expose_headers : null
      allow_credentials = cors_configuration.value.allow_credentials
      max_age           = cors_configuration.value.max_age
    }
  }
}

# The stage's access log: one JSON line per request. Created here, with a retention setting,
# so that Terraform removes it with the API.
resource "aws_cloudwatch_log_group" "access" {
  # checkov:skip=CKV_AWS_158: encrypted with CloudWatch Logs' own key unless kms_key_arn names a customer-managed one
  # checkov:skip=CKV_AWS_338: retention is the project's choice (log_retention_in_days, 30 days by default); a year is not every estate's rule
  # A log group's name allows fewer characters than an API's: the others become "_".
  name              = "/aws/apigateway/${replace(var.name, "/[^-A-Za-z0-9_./#]/", "_")}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# HTTP APIs deploy through a $default stage with auto_deploy: every change is live at once,
# with no deployment resource to trigger.
resource "aws_apigatewayv2_stage" "default" {
  api_id          = aws_apigatewayv2_api.this.id
  name            = "$default"
  auto_deploy     = true
  stage_variables = var.stage_variables
  tags            = var.tags

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }
}

resource "aws_apigatewayv2_authorizer" "this" {
  for_each = var.authorizers

  api_id           = aws_apigatewayv2_api.this.id
  name             = each.key
  authorizer_type  = "JWT"
  identity_sources = each.value.identity_sources

  jwt_configuration {
    issuer   = each.value.issuer
    audience = each.value.audience
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = each.value.timeout_milliseconds
}

resource "aws_apigatewayv2_route" "this" {
  # checkov:skip=CKV_AWS_309: a route without authorization (NONE) is public by design; set authorization_type JWT or AWS_IAM to guard one
  for_each = var.routes

  api_id               = aws_apigatewayv2_api.this.id
  route_key            = each.key
  target               = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
  authorization_type   = each.value.authorization_type
  authorizer_id        = each.value.authorizer == null ? null : aws_apigatewayv2_authorizer.this[each.value.authorizer].id
  authorization_scopes = length(each.value.authorization_scopes) > 0 ? each.value.authorization_scopes : null

  lifecycle {
    precondition {
      condition     = each.value.authorizer == null || contains(keys(var.authorizers), coalesce(each.value.authorizer, "-"))
      error_message = "Route \"${each.key}\" names an authorizer that is not in var.authorizers."
    }
  }
}

resource "aws_lambda_permission" "this" {
  for_each = local.functions

  statement_id  = "http-api-${aws_apigatewayv2_api.this.id}"
  action        = "lambda:InvokeFunction"
  function_name = each.key
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

data "aws_route53_zone" "named" {
  count = local.zone_name == null ? 0 : 1

  name         = local.zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  count = local.issue_certificate ? 1 : 0

  domain_name       = var.domain.name
  validation_method = "DNS"
  tags              = var.tags

  lifecycle {
    # A new certificate is ready before the old one goes, so the domain never lacks one.
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  # Keyed by domain name, which is known at plan time; the record values are not.
  for_each = local.issue_certificate ? toset([var.domain.name]) : toset([])

  zone_id         = local.zone_id
  name            = one([for option in aws_acm_certificate.this[0].domain_validation_options : option.resource_record_name if option.domain_name == each.key])
  type            = one([for option in aws_acm_certificate.this[0].domain_validation_options : option.resource_record_type if option.domain_name == each.key])
  records         = [one([for option in aws_acm_certificate.this[0].domain_validation_options : option.resource_record_value if option.domain_name == each.key])]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = local.issue_certificate ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain == null ? 0 : 1

  domain_name = var.domain.name
  tags        = var.tags

  domain_name_configuration {
    # The validated certificate, so that API Gateway never gets one that is still pending.
    certificate_arn = local.issue_certificate ? aws_acm_certificate_validation.this[0].certificate_arn : var.domain.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.domain == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.default.id
}

resource "aws_route53_record" "this" {
  count = local.has_zone ? 1 : 0

  zone_id = local.zone_id
  name    = aws_apigatewayv2_domain_name.this[0].domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
