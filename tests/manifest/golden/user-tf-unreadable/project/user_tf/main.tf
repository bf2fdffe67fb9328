output "table_arn" {
  value = 
