;; An iovec whose length runs past the end of linear memory: fd_write answers EFAULT (21)
;; without writing a byte, and the instance goes on.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; At 16: iovec {buf = 0xff00, len = 0x1000}, which ends 0xf00 bytes past the 64 KiB page.
  (data (i32.const 16) "\00\ff\00\00\00\10\00\00")
  ;; At 24: iovec {buf = 48, len = 14}; the text at 48.
  (data (i32.const 24) "\30\00\00\00\0e\00\00\00")
  (data (i32.const 48) "EFAULT, going\0a")
  (func (export "_start")
    (if (i32.ne (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32))
                (i32.const 21))
      (then unreachable))
    (drop (call $fd_write (i32.const 1) (i32.const 24) (i32.const 1) (i32.const 32)))))
