;; Calls one host import with arguments taken from the event, for fuzzing the ABI boundary.
;; The event is five little-endian i32s: what to call (0-9, see the handler), then its arguments.
(module
  (import "asml" "success" (func $success (param i32 i32)))
  (import "asml" "failure" (func $failure (param i32 i32)))
  (import "asml" "log" (func $log (param i32 i32 i32)))
  (import "asml" "iomod_invoke" (func $invoke (param i32 i32 i32 i32) (result i32)))
  (import "asml" "iomod_poll" (func $poll (param i32) (result i32)))
  (import "asml" "iomod_wait" (func $wait (param i32 i32) (result i32)))
  (import "asml" "iomod_result_len" (func $result_len (param i32) (result i32)))
  (import "asml" "iomod_read" (func $read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\"ok\"")
  (func (export "asml_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handler") (param $e i32) (param $len i32) (result i32)
    (local $op i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $op (i32.load (local.get $e)))
    (local.set $a (i32.load offset=4 (local.get $e)))
    (local.set $b (i32.load offset=8 (local.get $e)))
    (local.set $c (i32.load offset=12 (local.get $e)))
    (local.set $d (i32.load offset=16 (local.get $e)))
    (block $done
      (block $9 (block $8 (block $7 (block $6 (block $5 (block $4 (block $3 (block $2 (block $1 (block $0
        (br_table $0 $1 $2 $3 $4 $5 $6 $7 $8 $9 $8 (local.get $op)))
        ;; 0: success, then the handler's own success below: a second report
        (call $success (local.get $a) (local.get $b)) (br $done))
        (call $failure (local.get $a) (local.get $b)) (return (i32.const 1)))
        (call $log (local.get $c) (local.get $a) (local.get $b)) (br $done))
        (drop (call $invoke (local.get $a) (local.get $b) (local.get $c) (local.get $d))) (br $done))
        (drop (call $poll (local.get $a))) (br $done))
        (drop (call $wait (local.get $a) (i32.const 0))) (br $done))
        (drop (call $result_len (local.get $a))) (br $done))
        (drop (call $read (local.get $a) (local.get $b))) (br $done))
        ;; 8 (and anything unknown): just answer
        (br $done))
      ;; 9: return 0 without reporting anything
      (return (i32.const 0)))
    (call $success (i32.const 16) (i32.const 4))
    (i32.const 0)))
