;; Reports a failure with a message.
(module
  (import "asml" "failure" (func $failure (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "order 42 does not exist")
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handler") (param i32 i32) (result i32)
    (call $failure (i32.const 16) (i32.const 23))
    (i32.const 1)))
