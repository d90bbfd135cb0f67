;; A pointer past the end of linear memory: WAMR checks every pointer argument before the call
;; and ends the instance with "out of bounds memory access"; the firmware reports a trap and
;; keeps running (the next test is unaffected).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0xfffff0) (i32.const 1) (i32.const 0)))))
