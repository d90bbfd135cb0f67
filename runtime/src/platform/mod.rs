//! WAMR's platform API (`platform_api_vmcore.h`, `platform_api_extension.h`) in Rust.
//!
//! The C declarations come from WAMR's headers and our `wamr-sys/platform/platform_internal.h`
//! (handles are `int`, locks are machine words). A few functions need C varargs, errno or libc
//! constants and live in `wamr-sys/platform/xila_shims.c`.

mod files;
mod memory;
mod sockets;
mod threads;
mod time;

use core::ffi::{c_char, c_int};

/// `__wasi_errno_t`.
pub(crate) type WasiErrno = u16;

pub(crate) use crate::fs::errno;

const BHT_OK: c_int = 0;
const BHT_ERROR: c_int = -1;

extern "C" {
    /// Sets C `errno` to ENOTSUP (xila_shims.c): errno is a libc thread-local.
    fn xila_set_errno_not_supported();
    fn xila_set_errno_not_a_socket();
}

#[no_mangle]
pub extern "C" fn bh_platform_init() -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn bh_platform_destroy() {}

/// os_printf/os_vprintf's output (formatted in C).
#[no_mangle]
pub unsafe extern "C" fn xila_platform_print(text: *const c_char, length: usize) {
    if text.is_null() {
        return;
    }
    // SAFETY: xila_shims.c passes its formatting buffer and the length it wrote.
    let bytes = unsafe { core::slice::from_raw_parts(text.cast::<u8>(), length) };
    if let Some(board) = crate::board() {
        board.write_diagnostics(bytes);
    }
}

/// libc-wasi's `random_get` source (replaces sandboxed-system-primitives/src/random.c).
#[no_mangle]
pub unsafe extern "C" fn random_buf(buf: *mut u8, len: usize) -> WasiErrno {
    if len == 0 {
        return errno::SUCCESS;
    }
    if buf.is_null() {
        return errno::INVAL;
    }
    // SAFETY: libc-wasi passes a validated range of the guest's linear memory.
    crate::state::guest_random(unsafe { core::slice::from_raw_parts_mut(buf, len) });
    errno::SUCCESS
}

/// libc-wasi picks new fd numbers with this.
#[no_mangle]
pub unsafe extern "C" fn random_uniform(upper: u64, out: *mut u64) -> WasiErrno {
    if upper == 0 || out.is_null() {
        return errno::INVAL;
    }
    // SAFETY: checked non-null; libc-wasi passes a local.
    unsafe { *out = crate::state::fd_random_below(upper) };
    errno::SUCCESS
}

#[no_mangle]
pub extern "C" fn xila_sched_yield() -> c_int {
    0
}
