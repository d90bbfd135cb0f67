;; The fixed part of a graphics call's cost: 1000 calls with function number 727, one past
;; Xila's table, which the proxy refuses (error 1) before any LVGL code runs; between the
;; xila_bench marks, as dispatch_cost measures a call that reaches LVGL. LVGL is started (by
;; window_create) before the marks, as it is there.
(module
  (import "host" "xila_graphics_call"
    (func $call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "xila_bench" "begin" (func $begin))
  (import "xila_bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (if (call $call (i32.const 721) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 256))
      (then (call $exit (i32.const 1))))
    (call $begin)
    (loop $again
      (if (i32.ne (call $call (i32.const 727) (i32.const 1) (i32.const 100) (i32.const 0) (i32.const 0)
                              (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 0))
                  (i32.const 1))
        (then (call $exit (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))
    (call $end)))
