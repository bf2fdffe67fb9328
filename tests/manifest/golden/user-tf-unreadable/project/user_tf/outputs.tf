output "table_name" {
  value = "orders"
}
