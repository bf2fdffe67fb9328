output "arn" {
  description = "ARN of the role, for the function's role_arn."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The role's inline policy, for review."
  value       = data.aws_iam_policy_document.this.json
}
