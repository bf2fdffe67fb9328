;; Traps two calls deep, so the backtrace has frames to show.
(module
  (memory (export "memory") 1)
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func $validate_order (param i32)
    unreachable)
  (func $create_order (param i32)
    (call $validate_order (local.get 0)))
  (func (export "handler") (param i32 i32) (result i32)
    (call $create_order (local.get 0))
    (i32.const 0)))
