output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "The API's default endpoint, https://<id>.execute-api.<region>.amazonaws.com."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "execution_arn" {
  description = "Execution ARN of the API, for Lambda permissions and IAM policies of AWS_IAM routes."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "invoke_url" {
  description = "URL of the $default stage."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "route_ids" {
  description = "Route IDs keyed by route key."
  value       = { for key, route in aws_apigatewayv2_route.this : key => route.id }
}

output "authorizer_ids" {
  description = "Authorizer IDs keyed by name."
  value       = { for name, authorizer in aws_apigatewayv2_authorizer.this : name => authorizer.id }
}

output "domain_name" {
  description = "The custom domain, or null."
  value       = try(aws_apigatewayv2_domain_name.this[0].domain_name, null)
}

output "domain_target" {
  description = "The regional hostname a custom domain's DNS record points at, or null."
  value       = try(aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name, null)
}

output "access_log_group_name" {
  description = "Name of the CloudWatch log group that holds the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "access_log_group_arn" {
  description = "ARN of the CloudWatch log group that holds the stage's access logs."
  value       = aws_cloudwatch_log_group.access.arn
}
