//! QEMU `virt` with a RISC-V core in M-mode (`-bios none`): start-up, the trap handler, the
//! CLINT `mtime` timer and the `minstret` instruction counter.

use core::fmt::Write;

use bench_protocol::Status;

use super::config::{TIMER_ADDRESS, TIMER_FREQUENCY_HZ};
use crate::finish::{finish, Ending};

core::arch::global_asm!(
    r#"
    .section .text.start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    la t0, xila_trap_entry
    csrw mtvec, t0
    /* The trap handler runs on a stack of its own, so that a stack overflow can be reported. */
    la t0, __trap_stack_top
    csrw mscratch, t0

    /* Copy .data and .tdata from their load address in FLASH. */
    la t0, __data_load
    la t1, __data_start
    la t2, __data_end
1:  bgeu t1, t2, 2f
    lw t3, 0(t0)
    sw t3, 0(t1)
    addi t0, t0, 4
    addi t1, t1, 4
    j 1b
    /* Zero .tbss and .bss. */
2:  la t1, __zero_start
    la t2, __zero_end
3:  bgeu t1, t2, 4f
    sw zero, 0(t1)
    addi t1, t1, 4
    j 3b
    /* picolibc keeps errno in thread-local storage: tp points at the TLS block. */
4:  la tp, __tls_start
    call firmware_main
5:  j 5b

    .align 4
    .global xila_trap_entry
xila_trap_entry:
    csrrw sp, mscratch, sp
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call xila_trap_handler
6:  j 6b
"#
);

fn cause_name(code: usize) -> &'static str {
    match code {
        0 => "instruction address misaligned",
        1 => "instruction access fault",
        2 => "illegal instruction",
        3 => "breakpoint",
        4 => "load address misaligned",
        5 => "load access fault",
        6 => "store address misaligned",
        7 => "store access fault",
        8..=11 => "environment call",
        12 => "instruction page fault",
        13 => "load page fault",
        15 => "store page fault",
        _ => "unknown exception",
    }
}

/// Every exception lands here: nothing is enabled that could trap and resume.
#[no_mangle]
extern "C" fn xila_trap_handler(mcause: usize, mepc: usize, mtval: usize) -> ! {
    let mut ending = Ending::new(Status::Fault, 0, "");
    let interrupt = mcause & (1 << (usize::BITS - 1)) != 0;
    let code = mcause & !(1 << (usize::BITS - 1));
    let _ = if interrupt {
        write!(ending.message, "CPU fault: unexpected interrupt {code} at pc {mepc:#010x}")
    } else {
        write!(ending.message, "CPU fault: {} (mcause {code}) at pc {mepc:#010x}, address {mtval:#010x}", cause_name(code))
    };
    finish(ending)
}

/// Faults the CPU on purpose (a job's self-test request): a load from address 0, where `virt`
/// has no memory.
pub fn fault_now() {
    // SAFETY: not safe at all, by design: the access faults and the trap handler ends the run.
    unsafe { core::ptr::read_volatile(core::ptr::null::<u32>().wrapping_add(1)) };
}

/// CLINT `mtime`, read high-low-high because an RV32 core reads it in two halves.
fn mtime() -> u64 {
    let low = TIMER_ADDRESS as *const u32;
    let high = (TIMER_ADDRESS + 4) as *const u32;
    loop {
        // SAFETY: the target file names the CLINT mtime register of this machine.
        let (h1, l, h2) = unsafe { (high.read_volatile(), low.read_volatile(), high.read_volatile()) };
        if h1 == h2 {
            return ((h1 as u64) << 32) | l as u64;
        }
    }
}

pub fn monotonic_ns() -> u64 {
    (mtime() as u128 * 1_000_000_000 / TIMER_FREQUENCY_HZ as u128) as u64
}

pub fn resolution_ns() -> u64 {
    (1_000_000_000 / TIMER_FREQUENCY_HZ).max(1)
}

/// Instructions retired, from `minstret`; exact under QEMU's `-icount`.
pub fn instructions() -> Option<u64> {
    loop {
        let (h1, l, h2): (u32, u32, u32);
        // SAFETY: reading the counters has no side effects; M-mode may read them.
        unsafe {
            core::arch::asm!("csrr {0}, minstreth", "csrr {1}, minstret", "csrr {2}, minstreth",
                out(reg) h1, out(reg) l, out(reg) h2);
        }
        if h1 == h2 {
            return Some(((h1 as u64) << 32) | l as u64);
        }
    }
}
