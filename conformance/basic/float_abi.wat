;; Host functions with i32, i64, f32 and f64 arguments and results. A wrong WAMR target name
;; for the ABI corrupts floats silently; each check exits with its own code when it fails.
(module
  (import "xila_test" "echo_i32" (func $echo_i32 (param i32) (result i32)))
  (import "xila_test" "echo_i64" (func $echo_i64 (param i64) (result i64)))
  (import "xila_test" "echo_f32" (func $echo_f32 (param f32) (result f32)))
  (import "xila_test" "echo_f64" (func $echo_f64 (param f64) (result f64)))
  (import "xila_test" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "float abi ok\n")
  (func $check (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))
  (func (export "_start")
    (call $check (i32.eq (call $echo_i32 (i32.const -123456789)) (i32.const -123456789)) (i32.const 11))
    (call $check (i64.eq (call $echo_i64 (i64.const 0x123456789abcdef0)) (i64.const 0x123456789abcdef0)) (i32.const 12))
    (call $check (f32.eq (call $echo_f32 (f32.const 3.25)) (f32.const 3.25)) (i32.const 13))
    (call $check (f32.eq (call $echo_f32 (f32.const -0.0078125)) (f32.const -0.0078125)) (i32.const 14))
    (call $check (f64.eq (call $echo_f64 (f64.const 6.02214076e23)) (f64.const 6.02214076e23)) (i32.const 15))
    ;; 7 + 10000000000 + 0.5 + 0.25
    (call $check (f64.eq (call $mix (i32.const 7) (i64.const 10000000000) (f32.const 0.5) (f64.const 0.25))
                         (f64.const 10000000007.75)) (i32.const 16))
    ;; iovec at 0: base 64, length 13
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
