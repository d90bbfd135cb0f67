//! Raw bindings to WAMR's `wasm_export.h`, built for the bench's targets by `build.rs`.
//!
//! The WAMR platform API (`os_*`) that these C sources call is not here: it is implemented by
//! the `xila-runtime` crate, which every user of this crate links.
#![no_std]
#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case, dead_code)]
#![allow(clippy::all)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

extern "C" {
    /// Registers the WASI address guard (`wasi/address_guard.c`) in front of WAMR's libc-wasi
    /// natives: a pointer or length outside linear memory answers EFAULT instead of trapping.
    /// Call after `wasm_runtime_full_init`, before loading a module; false means WAMR's
    /// libc-wasi table lacks a function the guard wraps.
    pub fn xila_wasi_guard_install() -> bool;
    /// Bytes of `instance`'s operand stack used so far (`probes/operand_stack.c`): the highest
    /// non-zero word of the zeroed stack WAMR allocated.
    pub fn xila_operand_stack_used(instance: wasm_module_inst_t) -> u32;
}
