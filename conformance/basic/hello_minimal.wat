;; The smallest WASI hello: one fd_write, no libc. Its runtime heap (what WAMR and the runtime
;; allocate beyond the guest's linear memory) is the VM's fixed cost per application; the Rust
;; `hello` adds the fast interpreter's rewritten copy of a std program's code.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec {buf = 32, len = 14} at 16; the text at 32.
  (data (i32.const 16) "\20\00\00\00\0e\00\00\00")
  (data (i32.const 32) "Hello, world!\0a")
  (func (export "_start")
    (if (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8))
      (then unreachable))))
