;; A pointer past the end of linear memory, given in hand-written WebAssembly (no libc in the
;; way): fd_write answers EFAULT (21), the instance goes on and says so on stdout.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec {buf = 32, len = 14} at 16; the text at 32.
  (data (i32.const 16) "\20\00\00\00\0e\00\00\00")
  (data (i32.const 32) "EFAULT, going\0a")
  (func (export "_start")
    (if (i32.ne (call $fd_write (i32.const 1) (i32.const 0xfffff0) (i32.const 1) (i32.const 0))
                (i32.const 21))
      (then unreachable))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))))
