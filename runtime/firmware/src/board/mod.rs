//! The board layer: the only per-architecture code of the firmware. Each board gives start-up,
//! a fault handler, a timer and (where the core has one) an instruction counter; the console is
//! semihosting, which is the same on every board.

#[cfg(board = "riscv-virt")]
mod riscv_virt;
#[cfg(board = "riscv-virt")]
pub use riscv_virt::{fault_now, instructions, monotonic_ns, resolution_ns};

#[cfg(board = "cortex-m")]
mod cortex_m;
#[cfg(board = "cortex-m")]
pub use cortex_m::{fault_now, instructions, monotonic_ns, resolution_ns};

mod config {
    include!(concat!(env!("OUT_DIR"), "/board_config.rs"));
}

use crate::{host_io, stack};

/// What the runtime sees of the board.
pub struct FirmwareBoard;

pub static BOARD: FirmwareBoard = FirmwareBoard;

impl xila_runtime::Board for FirmwareBoard {
    fn write_stdout(&self, bytes: &[u8]) {
        host_io::write_stdout(bytes);
    }

    fn write_stderr(&self, bytes: &[u8]) {
        host_io::write_stderr(bytes);
    }

    fn write_diagnostics(&self, bytes: &[u8]) {
        host_io::write_diagnostics(bytes);
    }

    fn monotonic_ns(&self) -> u64 {
        monotonic_ns()
    }

    fn clock_resolution_ns(&self) -> u64 {
        resolution_ns()
    }

    fn stack_bottom(&self) -> usize {
        stack::bottom()
    }

    fn instructions(&self) -> Option<u64> {
        instructions()
    }
}
