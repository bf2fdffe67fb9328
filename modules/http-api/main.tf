locals {
  # One invoke permission per function, however many routes lead to it.
  functions = toset([for route in values(var.routes) : route.function_name])
  # The Route 53 zone for the domain's record, or null. HCL's && does not short-circuit,
  # so var.domain.zone_id cannot be read behind a "var.domain != null" check.
  zone_id = try(var.domain.zone_id, null)
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

# HTTP APIs deploy through a $default stage with auto_deploy: every change is live at once,
# with no deployment resource to trigger.
resource "aws_apigatewayv2_stage" "default" {
  api_id          = aws_apigatewayv2_api.this.id
  name            = "$default"
  auto_deploy     = true
  stage_variables = var.stage_variables
  tags            = var.tags
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

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain == null ? 0 : 1

  domain_name = var.domain.name
  tags        = var.tags

  domain_name_configuration {
    certificate_arn = var.domain.certificate_arn
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
  count = local.zone_id == null ? 0 : 1

  zone_id = local.zone_id
  name    = aws_apigatewayv2_domain_name.this[0].domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
