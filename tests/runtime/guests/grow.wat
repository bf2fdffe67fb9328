;; Asks for 100 MiB more memory; reports whether it got it.
(module
  (import "asml" "success" (func $success (param i32 i32)))
  (import "asml" "failure" (func $failure (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\"grew\"")
  (data (i32.const 32) "out of memory")
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handler") (param i32 i32) (result i32)
    (if (result i32) (i32.eq (memory.grow (i32.const 1600)) (i32.const -1))
      (then (call $failure (i32.const 32) (i32.const 13)) (i32.const 1))
      (else (call $success (i32.const 16) (i32.const 6)) (i32.const 0)))))
