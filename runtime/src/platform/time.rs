//! Clocks and sleeping, all from the board's monotonic timer.

use super::{errno, WasiErrno};
use crate::state;

const REALTIME: u32 = 0;
const MONOTONIC: u32 = 1;
const PROCESS_CPUTIME: u32 = 2;
const THREAD_CPUTIME: u32 = 3;

#[no_mangle]
pub extern "C" fn os_time_get_boot_us() -> u64 {
    state::monotonic_ns() / 1000
}

/// One thread, never descheduled by us: its CPU time is the elapsed time.
#[no_mangle]
pub extern "C" fn os_time_thread_cputime_us() -> u64 {
    state::monotonic_ns() / 1000
}

fn now(clock: u32) -> Option<u64> {
    match clock {
        REALTIME => Some(state::realtime_ns()),
        MONOTONIC | PROCESS_CPUTIME | THREAD_CPUTIME => Some(state::monotonic_ns()),
        _ => None,
    }
}

#[no_mangle]
pub unsafe extern "C" fn os_clock_res_get(clock_id: u32, resolution: *mut u64) -> WasiErrno {
    if now(clock_id).is_none() || resolution.is_null() {
        return errno::INVAL;
    }
    // SAFETY: checked non-null; libc-wasi passes a local.
    unsafe { *resolution = state::resolution_ns() };
    errno::SUCCESS
}

#[no_mangle]
pub unsafe extern "C" fn os_clock_time_get(clock_id: u32, _precision: u64, time: *mut u64) -> WasiErrno {
    match now(clock_id) {
        Some(value) if !time.is_null() => {
            // SAFETY: checked non-null; libc-wasi passes a local.
            unsafe { *time = value };
            errno::SUCCESS
        }
        _ => errno::INVAL,
    }
}

/// Busy-waits on the board timer: the firmware has nothing else to run meanwhile.
fn wait_until_monotonic(deadline: u64) {
    while state::monotonic_ns() < deadline {
        core::hint::spin_loop();
    }
}

/// Behind clock_nanosleep (xila_shims.c translates the libc's clock constants).
#[no_mangle]
pub extern "C" fn xila_platform_sleep(clock: u32, absolute: bool, nanoseconds: u64) -> bool {
    let Some(current) = now(clock) else { return false };
    let remaining = if absolute { nanoseconds.saturating_sub(current) } else { nanoseconds };
    wait_until_monotonic(state::monotonic_ns().saturating_add(remaining));
    true
}

#[no_mangle]
pub extern "C" fn os_usleep(usec: u32) -> core::ffi::c_int {
    wait_until_monotonic(state::monotonic_ns().saturating_add(u64::from(usec) * 1000));
    0
}

/// Waits `ms` milliseconds (poll timeouts).
pub(crate) fn sleep_ms(ms: u64) {
    wait_until_monotonic(state::monotonic_ns().saturating_add(ms.saturating_mul(1_000_000)));
}
