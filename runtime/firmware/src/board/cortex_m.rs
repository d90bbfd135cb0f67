//! Arm Cortex-M (Armv7-M and Armv8-M Mainline) on QEMU's MPS2/MPS3 boards: the vector table,
//! start-up, the fault handler, and SysTick as the clock.
//!
//! The core starts by reading the initial stack pointer and the reset vector from the vector
//! table at VTOR, which is the flash origin of the target file (the linker script places
//! `.vector_table` first). On the Armv8-M boards the core starts in the Secure state and stays
//! there; nothing here switches to the Non-secure world.

use core::fmt::Write;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use bench_protocol::Status;

use super::config::{TIMER_ADDRESS, TIMER_FREQUENCY_HZ};
use crate::finish::{finish, Ending};

core::arch::global_asm!(
    r#"
    .syntax unified
    .thumb

    /* Exceptions 0..15: the stack pointer, reset, the system exceptions. No external interrupt
       is enabled, so the table stops at SysTick. */
    .section .vector_table, "a"
    .global __vector_table
    .p2align 7
__vector_table:
    .word __stack_top
    .word _start
    .rept 13
    .word xila_fault_entry
    .endr
    .word xila_systick_handler

    .section .text.start, "ax"
    .global _start
    .type _start, %function
    .thumb_func
_start:
    ldr r0, =__stack_top
    msr msp, r0
    bl xila_stack_limit

    /* Copy .data and .tdata from their load address in FLASH. */
    ldr r0, =__data_load
    ldr r1, =__data_start
    ldr r2, =__data_end
1:  cmp r1, r2
    bhs 2f
    ldr r3, [r0], #4
    str r3, [r1], #4
    b 1b
    /* Zero .tbss and .bss. */
2:  ldr r1, =__zero_start
    ldr r2, =__zero_end
    movs r3, #0
3:  cmp r1, r2
    bhs 4f
    str r3, [r1], #4
    b 3b
    /* The FPU must be on before the first floating-point instruction. */
4:  bl xila_enable_fpu
    /* picolibc keeps errno in thread-local storage; it finds the block through `__tls`,
       which `_set_tls` sets (after .bss is zeroed, since `__tls` lives there). */
    ldr r0, =__tls_start
    bl _set_tls
    bl xila_cortex_m_init
    bl firmware_main
5:  b 5b
    .pool

    /* Every exception but SysTick: switch to the fault stack (the main stack may be what
       overflowed) and report. r0 = the stack pointer the core stacked the frame on. */
    .section .text.xila_fault_entry, "ax"
    .global xila_fault_entry
    .type xila_fault_entry, %function
    .thumb_func
xila_fault_entry:
    mrs r0, msp
    mov r1, lr
    ldr r2, =__trap_stack_top
    msr msp, r2
    bl xila_fault_handler
6:  b 6b
    .pool
"#
);

#[cfg(target_abi = "eabihf")]
core::arch::global_asm!(
    r#"
    .syntax unified
    .thumb
    .section .text.xila_enable_fpu, "ax"
    .type xila_enable_fpu, %function
    .thumb_func
xila_enable_fpu:
    /* CPACR: full access to CP10 and CP11. */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    bx lr
    .pool
"#
);

#[cfg(not(target_abi = "eabihf"))]
core::arch::global_asm!(
    r#"
    .syntax unified
    .thumb
    .section .text.xila_enable_fpu, "ax"
    .type xila_enable_fpu, %function
    .thumb_func
xila_enable_fpu:
    bx lr
"#
);

// Armv8-M checks the main stack against MSPLIM in hardware: an overflow is a UsageFault
// (STKOF) before anything below the stack is written.
#[cfg(armv8m)]
core::arch::global_asm!(
    r#"
    .syntax unified
    .thumb
    .section .text.xila_stack_limit, "ax"
    .type xila_stack_limit, %function
    .thumb_func
xila_stack_limit:
    ldr r0, =__stack_bottom
    msr msplim, r0
    bx lr
    .pool
"#
);

// Armv7-M has no stack limit register: the stack sits at the bottom of RAM, so an overflow
// runs into unmapped memory and is a BusFault.
#[cfg(not(armv8m))]
core::arch::global_asm!(
    r#"
    .syntax unified
    .thumb
    .section .text.xila_stack_limit, "ax"
    .type xila_stack_limit, %function
    .thumb_func
xila_stack_limit:
    bx lr
"#
);

// System control block registers.
const CCR: usize = 0xE000_ED14;
const SHCSR: usize = 0xE000_ED24;
const CFSR: usize = 0xE000_ED28;
const HFSR: usize = 0xE000_ED2C;
const MMFAR: usize = 0xE000_ED34;
const BFAR: usize = 0xE000_ED38;
const ICSR: usize = 0xE000_ED04;
#[cfg(armv8m)]
const SFSR: usize = 0xE000_EDE4;
#[cfg(armv8m)]
const SFAR: usize = 0xE000_EDE8;

/// SysTick's registers, from the target file's timer address.
const SYST_CSR: usize = TIMER_ADDRESS;
const SYST_RVR: usize = TIMER_ADDRESS + 4;
const SYST_CVR: usize = TIMER_ADDRESS + 8;
/// SysTick counts down from this reload value (its 24-bit maximum) to 0.
const SYST_RELOAD: u32 = 0x00FF_FFFF;
const SYST_PERIOD: u64 = SYST_RELOAD as u64 + 1;

fn read(address: usize) -> u32 {
    // SAFETY: the addresses used here are Cortex-M system registers, present on every core.
    unsafe { (address as *const u32).read_volatile() }
}

fn write(address: usize, value: u32) {
    // SAFETY: as for `read`.
    unsafe { (address as *mut u32).write_volatile(value) }
}

/// Called by start-up before `firmware_main`: fault handlers on, SysTick running.
#[no_mangle]
extern "C" fn xila_cortex_m_init() {
    // MemManage, BusFault and UsageFault get handlers of their own instead of escalating to
    // HardFault, which keeps their cause registers meaningful; on Armv8-M also SecureFault.
    let mut enable = (1 << 16) | (1 << 17) | (1 << 18);
    if cfg!(armv8m) {
        enable |= 1 << 19;
    }
    write(SHCSR, read(SHCSR) | enable);
    // DIV_0_TRP: an integer division by zero in C code is a UsageFault rather than a silent 0.
    // Unaligned accesses stay allowed: WAMR's interpreter reads its code stream unaligned.
    write(CCR, read(CCR) | (1 << 4));
    // SysTick on the processor clock (CLKSOURCE), interrupting (TICKINT) on each wrap.
    write(SYST_RVR, SYST_RELOAD);
    write(SYST_CVR, 0);
    write(SYST_CSR, 0b111);
}

/// SysTick wraps so far, counted by the SysTick exception.
static WRAPS: AtomicU32 = AtomicU32::new(0);
/// The last reading handed out, so that the clock can never go backwards.
static LAST_TICKS: Ticks = Ticks(core::cell::UnsafeCell::new(0));

struct Ticks(core::cell::UnsafeCell<u64>);
// SAFETY: only read and written with interrupts masked, on the one core.
unsafe impl Sync for Ticks {}

#[no_mangle]
extern "C" fn xila_systick_handler() {
    WRAPS.store(WRAPS.load(Relaxed).wrapping_add(1), Relaxed);
}

/// SysTick ticks since start-up, extended past its 24 bits by the wrap count.
///
/// A wrap is when the counter reaches 0, which pends the SysTick exception. A reading is taken
/// with interrupts masked, and a wrap that is pending (not yet counted by the handler) is
/// counted here; the pending bit is read before and after the counter so that the counter
/// value and the pending state agree.
fn ticks() -> u64 {
    let primask: u32;
    // SAFETY: reads PRIMASK and masks interrupts; restored below.
    unsafe { core::arch::asm!("mrs {0}, primask", "cpsid i", out(reg) primask, options(nomem, nostack)) };
    let pending = || read(ICSR) & (1 << 26) != 0;
    let (pended, count) = loop {
        let before = pending();
        let count = read(SYST_CVR);
        if pending() == before {
            break (before, count);
        }
    };
    let wraps = WRAPS.load(Relaxed) as u64 + pended as u64;
    // After the wrap at 0 the counter reloads to SYST_RELOAD: 0 is the period's first tick.
    let within = if count == 0 { 0 } else { SYST_PERIOD - count as u64 };
    let mut ticks = wraps * SYST_PERIOD + within;
    // SAFETY: interrupts are masked and there is one core.
    unsafe {
        let last = &mut *LAST_TICKS.0.get();
        ticks = ticks.max(*last);
        *last = ticks;
    }
    if primask & 1 == 0 {
        // SAFETY: interrupts were enabled on entry.
        unsafe { core::arch::asm!("cpsie i", options(nomem, nostack)) };
    }
    ticks
}

pub fn monotonic_ns() -> u64 {
    (ticks() as u128 * 1_000_000_000 / TIMER_FREQUENCY_HZ as u128) as u64
}

/// One SysTick period, rounded up to whole nanoseconds.
pub fn resolution_ns() -> u64 {
    1_000_000_000u64.div_ceil(TIMER_FREQUENCY_HZ).max(1)
}

/// Guest instructions, from virtual time: QEMU models no cycle counter on these boards (DWT
/// CYCCNT reads 0), but the harness always runs them with `-icount shift=0`, where each
/// instruction advances virtual time by exactly 1 ns. So elapsed SysTick time in nanoseconds is
/// the instruction count, repeatable run after run, to within one tick (31-50 instructions).
pub fn instructions() -> Option<u64> {
    Some(monotonic_ns())
}

/// The address `fault_now` loads from: nothing is mapped there on the MPS2/MPS3 boards, so the
/// load is a precise BusFault with BFAR holding this address.
pub const FAULT_ADDRESS: usize = 0xF000_0000;

/// Faults the CPU on purpose (a job's self-test request).
pub fn fault_now() {
    // SAFETY: not safe at all, by design: the access faults and the fault handler ends the run.
    unsafe { core::ptr::read_volatile(FAULT_ADDRESS as *const u32) };
}

fn exception_name(number: u32) -> &'static str {
    match number {
        2 => "NMI",
        3 => "HardFault",
        4 => "MemManage",
        5 => "BusFault",
        6 => "UsageFault",
        7 => "SecureFault",
        11 => "SVCall",
        12 => "DebugMonitor",
        14 => "PendSV",
        _ => "unexpected exception",
    }
}

/// The Configurable Fault Status Register's bits, by name.
const CFSR_BITS: &[(u32, &str)] = &[
    (0, "IACCVIOL"),
    (1, "DACCVIOL"),
    (3, "MUNSTKERR"),
    (4, "MSTKERR"),
    (5, "MLSPERR"),
    (8, "IBUSERR"),
    (9, "PRECISERR"),
    (10, "IMPRECISERR"),
    (11, "UNSTKERR"),
    (12, "STKERR"),
    (13, "LSPERR"),
    (16, "UNDEFINSTR"),
    (17, "INVSTATE"),
    (18, "INVPC"),
    (19, "NOCP"),
    (20, "STKOF"),
    (24, "UNALIGNED"),
    (25, "DIVBYZERO"),
];
const MMARVALID: u32 = 1 << 7;
const BFARVALID: u32 = 1 << 15;
/// Stacking failed (MSTKERR, STKERR, STKOF): there is no exception frame to read.
const STACKING_FAILED: u32 = (1 << 4) | (1 << 12) | (1 << 20);

extern "C" {
    static __stack_bottom: u8;
    static __stack_top: u8;
}

/// Every exception but SysTick lands here, on the fault stack: nothing is enabled that could
/// fault and resume. `frame` is the main stack pointer at the exception.
#[no_mangle]
extern "C" fn xila_fault_handler(frame: usize, _exc_return: usize) -> ! {
    let number: u32;
    // SAFETY: reading IPSR has no side effects.
    unsafe { core::arch::asm!("mrs {0}, ipsr", out(reg) number, options(nomem, nostack)) };
    let number = number & 0x1FF;
    let cfsr = read(CFSR);
    let hfsr = read(HFSR);
    let mut ending = Ending::new(Status::Fault, 0, "");
    let m = &mut ending.message;
    let _ = write!(m, "CPU fault: {}", exception_name(number));
    if number == 3 || !(4..=7).contains(&number) {
        let _ = write!(m, " (exception {number}");
        if hfsr & (1 << 30) != 0 {
            let _ = write!(m, ", FORCED");
        }
        if hfsr & (1 << 1) != 0 {
            let _ = write!(m, ", VECTTBL");
        }
        let _ = write!(m, ")");
    }
    let mut first = true;
    for &(bit, name) in CFSR_BITS {
        if cfsr & (1 << bit) != 0 {
            let _ = write!(m, "{}{name}", if first { " " } else { "|" });
            first = false;
        }
    }
    let (bottom, top) = (&raw const __stack_bottom as usize, &raw const __stack_top as usize);
    if cfsr & STACKING_FAILED == 0 && frame >= bottom && frame + 32 <= top {
        // SAFETY: the frame lies within the stack and the core stacked it (no stacking error):
        // r0-r3, r12, lr, pc, xPSR.
        let pc = unsafe { ((frame + 24) as *const u32).read_volatile() };
        let _ = write!(m, " at pc {pc:#010x}");
    } else {
        let _ = write!(m, " with no exception frame (stack pointer {frame:#010x}; stack {bottom:#010x}..{top:#010x})");
    }
    let address = if cfsr & BFARVALID != 0 {
        Some(read(BFAR))
    } else if cfsr & MMARVALID != 0 {
        Some(read(MMFAR))
    } else {
        secure_fault_address()
    };
    let _ = match address {
        Some(address) => write!(m, ", address {address:#010x}"),
        None => write!(m, ", address unknown"),
    };
    finish(ending)
}

/// SecureFault's address register, when valid (SFSR.SFARVALID).
#[cfg(armv8m)]
fn secure_fault_address() -> Option<u32> {
    (read(SFSR) & (1 << 6) != 0).then(|| read(SFAR))
}

#[cfg(not(armv8m))]
fn secure_fault_address() -> Option<u32> {
    None
}
