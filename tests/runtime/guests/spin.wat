;; Never returns: only a deadline can stop it.
(module
  (memory (export "memory") 1)
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handler") (param i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
