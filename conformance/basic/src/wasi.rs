//! Raw preview-1 imports for what Rust's std does not expose, so that tests can check errno
//! values and resolutions directly.
#![allow(dead_code)]

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn clock_res_get(id: u32, resolution: *mut u64) -> u16;
    pub fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    pub fn random_get(buffer: *mut u8, length: usize) -> u16;
    pub fn sched_yield() -> u16;
    pub fn fd_fdstat_get(fd: u32, stat: *mut u8) -> u16;
    pub fn fd_close(fd: u32) -> u16;
    pub fn fd_prestat_get(fd: u32, prestat: *mut u8) -> u16;
    pub fn path_open(
        fd: u32,
        dirflags: u32,
        path: *const u8,
        path_len: usize,
        oflags: u16,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u16,
        opened: *mut u32,
    ) -> u16;
}

pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const ERRNO_BADF: u16 = 8;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
