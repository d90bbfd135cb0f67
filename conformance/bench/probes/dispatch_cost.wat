;; Guest instructions per graphics dispatcher call (issue 6): 1000 calls of object_set_width
;; (function 520 in runtime/bindings/functions.txt) between the xila_bench marks, and, as a
;; second measurement selected by the first argument being absent, 1000 calls with function
;; number 0, which the proxy rejects before reaching LVGL: its fixed cost.
;; Run: xbench run --keep --target riscv32 conformance/bench/probes/dispatch_cost.wat
;;      (the job directory's `result` holds measured_instructions; divide by 1000)
(module
  (import "host" "xila_graphics_call"
    (func $call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "xila_bench" "begin" (func $begin))
  (import "xila_bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (local $i i32) (local $object i32) (local $function i32)
    ;; window_create (751) -> handle at 256; object_create (305) on it -> handle at 260
    (if (call $call (i32.const 751) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 256))
      (then (call $exit (i32.const 1))))
    (if (call $call (i32.const 305) (i32.load (i32.const 256)) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 260))
      (then (call $exit (i32.const 2))))
    (local.set $object (i32.load (i32.const 260)))
    ;; With an argument (argc 2): the invalid function 0; without: object_set_width (520).
    (drop (call $args_sizes (i32.const 264) (i32.const 268)))
    (local.set $function (select (i32.const 0) (i32.const 520) (i32.gt_u (i32.load (i32.const 264)) (i32.const 1))))
    (call $begin)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
        (drop (call $call (local.get $function) (local.get $object) (i32.const 100) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (call $end)))
