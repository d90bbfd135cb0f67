//! The bench's VM core: WAMR's fast interpreter with libc-wasi (WASI preview 1), on a platform
//! layer written in Rust, for MCU firmware (`no_std`) and the host runner alike.
//!
//! Everything per-architecture sits behind [`Board`]; the firmware installs one with
//! [`install_board`] and calls [`run`] once per job.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

#[cfg(feature = "graphics")]
pub mod bindings;
/// Without the `graphics` feature: the same functions, answering "no display".
#[cfg(not(feature = "graphics"))]
#[path = "bindings/absent.rs"]
pub mod bindings;
mod engine;
pub mod fs;
mod global;
mod idle;
pub mod memory;
mod natives;
mod platform;
mod prng;
mod state;

pub use engine::{operand_stack_peak, run};
pub use natives::{bench_marks, BenchMarks};
pub use state::take_image;

use alloc::string::String;
use global::Global;

/// What the runtime needs from the machine it runs on.
pub trait Board {
    /// The guest's stdout, byte for byte.
    fn write_stdout(&self, bytes: &[u8]);
    /// The guest's stderr, byte for byte.
    fn write_stderr(&self, bytes: &[u8]);
    /// The runtime's own messages (WAMR's log, trap and load-error lines).
    fn write_diagnostics(&self, bytes: &[u8]);
    /// Nanoseconds from the target's timer; never goes backwards.
    fn monotonic_ns(&self) -> u64;
    fn clock_resolution_ns(&self) -> u64;
    /// Lowest address of the native stack WAMR runs on (0 = unknown: no overflow detection).
    fn stack_bottom(&self) -> usize;
    /// The guest instruction counter, where the board has one (the bench's `xila_bench` marks).
    fn instructions(&self) -> Option<u64> {
        None
    }
}

static BOARD: Global<Option<&'static dyn Board>> = Global::new(None);

/// Installs the board every later [`run`] uses. Call it before the first run.
pub fn install_board(board: &'static dyn Board) {
    BOARD.with(|slot| *slot = Some(board));
}

pub(crate) fn board() -> Option<&'static dyn Board> {
    BOARD.with(|slot| *slot)
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: bench_protocol::Status,
    /// The guest's exit code; meaningful for [`bench_protocol::Status::Exited`] only.
    pub exit_code: u32,
    /// One line: the trap or load-error text; empty for a clean exit.
    pub message: String,
}
