;; A WASI guest: writes a line to stdout and one to stderr, then answers.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "asml" "success" (func $success (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello from wasi stdout\n")
  (data (i32.const 200) "hello from wasi stderr\n")
  (data (i32.const 300) "\"printed\"")
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func $print (param $fd i32) (param $text i32) (param $len i32)
    ;; one iovec at offset 8: {pointer, length}; bytes written go to offset 0
    (i32.store (i32.const 8) (local.get $text))
    (i32.store (i32.const 12) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 8) (i32.const 1) (i32.const 0))))
  (func (export "handler") (param i32 i32) (result i32)
    (call $print (i32.const 1) (i32.const 100) (i32.const 23))
    (call $print (i32.const 2) (i32.const 200) (i32.const 23))
    (call $success (i32.const 300) (i32.const 9))
    (i32.const 0)))
