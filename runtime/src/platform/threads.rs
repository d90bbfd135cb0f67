//! Threads and locks for a single-threaded runtime: WAMR is built without its thread manager,
//! so locks are never contended and a wait could never be satisfied.

use super::{BHT_ERROR, BHT_OK};
use core::ffi::{c_int, c_void};

type Lock = usize;

#[no_mangle]
pub extern "C" fn os_self_thread() -> usize {
    1
}

/// WAMR keeps its native-stack guard above this address and traps before the stack overflows.
#[no_mangle]
pub extern "C" fn os_thread_get_stack_boundary() -> *mut u8 {
    crate::board().map_or(0, |board| board.stack_bottom()) as *mut u8
}

#[no_mangle]
pub extern "C" fn os_thread_jit_write_protect_np(_enabled: bool) {}

#[no_mangle]
pub extern "C" fn os_mutex_init(_mutex: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_recursive_mutex_init(_mutex: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_mutex_destroy(_mutex: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_mutex_lock(_mutex: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_mutex_unlock(_mutex: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_cond_init(_cond: *mut c_void) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_cond_destroy(_cond: *mut c_void) -> c_int {
    BHT_OK
}

/// No other thread exists to signal: waiting forever would hang the run.
#[no_mangle]
pub extern "C" fn os_cond_wait(_cond: *mut c_void, _mutex: *mut Lock) -> c_int {
    BHT_ERROR
}

#[no_mangle]
pub extern "C" fn os_cond_reltimedwait(_cond: *mut c_void, _mutex: *mut Lock, useconds: u64) -> c_int {
    if useconds == u64::MAX {
        return BHT_ERROR;
    }
    super::time::os_usleep(useconds.min(u64::from(u32::MAX)) as u32);
    1 // BHT_TIMED_OUT
}

#[no_mangle]
pub extern "C" fn os_cond_signal(_cond: *mut c_void) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_cond_broadcast(_cond: *mut c_void) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_rwlock_init(_lock: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_rwlock_rdlock(_lock: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_rwlock_wrlock(_lock: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_rwlock_unlock(_lock: *mut Lock) -> c_int {
    BHT_OK
}

#[no_mangle]
pub extern "C" fn os_rwlock_destroy(_lock: *mut Lock) -> c_int {
    BHT_OK
}
