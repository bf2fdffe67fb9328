output "arn" {
  description = "ARN of the role, for the function's role_arn. Known once the role's policy is attached, so that nothing uses the role (an SQS event source mapping checks it can receive) before it may."
  value       = aws_iam_role.this.arn
  depends_on  = [aws_iam_role_policy.this]
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The role's inline policy, for review."
  value       = data.aws_iam_policy_document.this.json
}
