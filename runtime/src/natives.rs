//! Host functions for the float-ABI round trip (import module "xila_test"). A wrong WAMR target
//! name corrupts float arguments silently; these let a test module see it.
//!
//! And the bench's marks (import module "xila_bench"): `begin()` and `end()` read the board's
//! instruction counter, so that a benchmark measures its workload only ([`bench_marks`]).

use crate::global::Global;
use core::ffi::c_void;
use xila_wamr_sys::{wasm_exec_env_t, wasm_runtime_register_natives, NativeSymbol};

extern "C" fn echo_i32(_env: wasm_exec_env_t, value: i32) -> i32 {
    value
}

extern "C" fn echo_i64(_env: wasm_exec_env_t, value: i64) -> i64 {
    value
}

extern "C" fn echo_f32(_env: wasm_exec_env_t, value: f32) -> f32 {
    value
}

extern "C" fn echo_f64(_env: wasm_exec_env_t, value: f64) -> f64 {
    value
}

extern "C" fn mix(_env: wasm_exec_env_t, a: i32, b: i64, c: f32, d: f64) -> f64 {
    a as f64 + b as f64 + c as f64 + d
}

fn symbol(name: &'static [u8], func: *mut c_void, signature: &'static [u8]) -> NativeSymbol {
    NativeSymbol {
        symbol: name.as_ptr().cast(),
        func_ptr: func,
        signature: signature.as_ptr().cast(),
        attachment: core::ptr::null_mut(),
    }
}

/// WAMR sorts the array in place and keeps pointing at it, so it lives in a static.
static SYMBOLS: Global<Option<[NativeSymbol; 5]>> = Global::new(None);

/// What the guest's `xila_bench` marks recorded during the current run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BenchMarks {
    /// The instruction counter at the first `begin()`.
    pub first_begin: Option<u64>,
    /// The instruction counter at the last `begin()` not yet ended.
    open: Option<u64>,
    /// Instructions between each `begin()` and the `end()` after it, summed.
    pub measured: Option<u64>,
}

static MARKS: Global<BenchMarks> = Global::new(BenchMarks { first_begin: None, open: None, measured: None });

/// The marks of the last run (all `None` when the guest called neither, or the board cannot
/// count instructions).
pub fn bench_marks() -> BenchMarks {
    MARKS.with(|marks| *marks)
}

fn counter() -> Option<u64> {
    crate::board().and_then(|board| board.instructions())
}

extern "C" fn bench_begin(_env: wasm_exec_env_t) {
    let now = counter();
    MARKS.with(|marks| {
        marks.first_begin = marks.first_begin.or(now);
        marks.open = now;
    });
}

extern "C" fn bench_end(_env: wasm_exec_env_t) {
    let now = counter();
    MARKS.with(|marks| {
        if let (Some(start), Some(now)) = (marks.open.take(), now) {
            marks.measured = Some(marks.measured.unwrap_or(0) + now.saturating_sub(start));
        }
    });
}

static BENCH_SYMBOLS: Global<Option<[NativeSymbol; 2]>> = Global::new(None);

/// Registers the natives with a freshly initialised runtime.
pub(crate) fn register() -> bool {
    MARKS.with(|marks| *marks = BenchMarks::default());
    let bench = BENCH_SYMBOLS.with(|slot| {
        let symbols = slot.insert([
            symbol(b"begin\0", bench_begin as *mut c_void, b"()\0"),
            symbol(b"end\0", bench_end as *mut c_void, b"()\0"),
        ]);
        // SAFETY: as below.
        unsafe { wasm_runtime_register_natives(c"xila_bench".as_ptr(), symbols.as_mut_ptr(), symbols.len() as u32) }
    });
    bench && SYMBOLS.with(|slot| {
        let symbols = slot.insert([
            symbol(b"echo_i32\0", echo_i32 as *mut c_void, b"(i)i\0"),
            symbol(b"echo_i64\0", echo_i64 as *mut c_void, b"(I)I\0"),
            symbol(b"echo_f32\0", echo_f32 as *mut c_void, b"(f)f\0"),
            symbol(b"echo_f64\0", echo_f64 as *mut c_void, b"(F)F\0"),
            symbol(b"mix\0", mix as *mut c_void, b"(iIfF)F\0"),
        ]);
        // SAFETY: the array and its strings are 'static; the runtime is initialised.
        unsafe { wasm_runtime_register_natives(c"xila_test".as_ptr(), symbols.as_mut_ptr(), symbols.len() as u32) }
    }) && crate::bindings::register()
}
