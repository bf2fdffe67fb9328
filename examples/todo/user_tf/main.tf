# The table the todo functions keep their items in. asml wires this folder into net/.

resource "aws_dynamodb_table" "todos" {
  name         = "todos"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

output "table" {
  value = aws_dynamodb_table.todos.name
}
