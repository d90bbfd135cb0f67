;; What one graphics call costs the guest: 1000 calls of object_set_width (460 in Xila's table)
;; between the xila_bench marks. The report's `measured_instructions` / 1000 is the cost of one
;; call: WAMR's native call, the proxy's checks and LVGL's lv_obj_set_width. dispatch_refused
;; measures the same loop with a number the proxy refuses before LVGL: the fixed part.
(module
  (import "host" "xila_graphics_call"
    (func $call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "xila_bench" "begin" (func $begin))
  (import "xila_bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32) (local $object i32)
    ;; window_create (721): the window's handle at 256; object_create (224) on it: at 260.
    (if (call $call (i32.const 721) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 256))
      (then (call $exit (i32.const 1))))
    (if (call $call (i32.const 224) (i32.load (i32.const 256)) (i32.const 0) (i32.const 0) (i32.const 0)
                    (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 260))
      (then (call $exit (i32.const 2))))
    (local.set $object (i32.load (i32.const 260)))
    (call $begin)
    (loop $again
      ;; Every call must succeed: a refused call would measure the proxy's checks only.
      (if (call $call (i32.const 460) (local.get $object) (i32.const 100) (i32.const 0) (i32.const 0)
                      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 0))
        (then (call $exit (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))
    (call $end)))
