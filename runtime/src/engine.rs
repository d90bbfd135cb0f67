//! One run: initialise WAMR, load, instantiate, run `_start`, classify the end, tear down.

use crate::{idle, memory, natives, state, Outcome};
use alloc::ffi::CString;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bench_protocol::{Job, Status};
use core::ffi::{c_char, CStr};
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use xila_wamr_sys as sys;

/// WAMR's operand stack when the job names none (the harness always does; see its
/// `DEFAULT_STACK_SIZE`).
const DEFAULT_STACK_SIZE: u32 = 8 * 1024;
const PROC_EXIT: &str = "wasi proc exit";

/// The operand stack high-water mark of the last run, plus one (0: no instance ran).
static OPERAND_STACK_PEAK: AtomicU32 = AtomicU32::new(0);

/// Bytes of WAMR's operand stack (frames, locals, operands) the last run's instance used; `None`
/// when no instance ran (load error, or a native run).
pub fn operand_stack_peak() -> Option<u64> {
    OPERAND_STACK_PEAK.load(Relaxed).checked_sub(1).map(u64::from)
}

/// Runs the job's module to the end and reports how it ended. Writes a one-line diagnostic for
/// every outcome but a guest exit.
pub fn run(job: &Job<'_>) -> Outcome {
    memory::begin_run(job.heap_budget as usize);
    OPERAND_STACK_PEAK.store(0, Relaxed);
    state::begin(job);
    let mut outcome = match state::mount(job) {
        Ok(()) => execute(job),
        Err(message) => failure(Status::JobError, message),
    };
    state::end();
    // A failed allocation explains a trap or a load error; a guest that went on to exit or to
    // wait for input had handled it.
    if !matches!(outcome.status, Status::Exited | Status::Idle) && memory::allocation_failed() {
        outcome.status = Status::OutOfMemory;
    }
    memory::end_run();
    if outcome.status != Status::Exited {
        if let Some(board) = crate::board() {
            let line = format!("{}: {}\n", outcome.status.name(), outcome.message);
            board.write_diagnostics(line.as_bytes());
        }
    }
    outcome
}

fn failure(status: Status, message: impl Into<String>) -> Outcome {
    Outcome { status, exit_code: 0, message: message.into() }
}

/// WAMR writes NUL-terminated messages into fixed buffers.
fn text_of(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

/// Arguments and environment as C strings. An interior NUL ends the string there, as it would
/// for a C program.
fn c_strings<'a>(items: impl Iterator<Item = &'a [u8]>) -> Vec<CString> {
    items
        .map(|item| {
            let end = item.iter().position(|&b| b == 0).unwrap_or(item.len());
            // No interior NUL remains after the cut, so this cannot fail.
            CString::new(&item[..end]).unwrap_or_default()
        })
        .collect()
}

fn execute(job: &Job<'_>) -> Outcome {
    // SAFETY: zero is a valid RuntimeInitArgs (all pointers null, all counts 0).
    let mut init: sys::RuntimeInitArgs = unsafe { core::mem::zeroed() };
    // WAMR allocates through os_malloc (our Rust heap), so there is one heap to budget and
    // measure, and no fixed pool to size per target.
    init.mem_alloc_type = sys::mem_alloc_type_t_Alloc_With_System_Allocator;
    // SAFETY: init is fully initialised.
    if !unsafe { sys::wasm_runtime_full_init(&mut init) } {
        return failure(Status::LoadError, "WAMR runtime initialisation failed");
    }
    let outcome = with_runtime(job);
    // SAFETY: every module and instance was released by with_runtime.
    unsafe { sys::wasm_runtime_destroy() };
    outcome
}

fn with_runtime(job: &Job<'_>) -> Outcome {
    // SAFETY: WAMR is initialised and no module is loaded yet.
    if !unsafe { sys::xila_wasi_guard_install() } {
        return failure(Status::LoadError, "installing the WASI address guard failed");
    }
    if !natives::register() {
        return failure(Status::LoadError, "registering the xila_test natives failed");
    }
    let mut error = [0u8; 256];
    let Ok(size) = u32::try_from(job.module.len()) else {
        return failure(Status::LoadError, "module larger than 4 GiB");
    };
    // SAFETY: the interpreter loader only reads the buffer (the pointer is not const in the C
    // API because the AOT loader patches relocations). `job` outlives the module.
    let module = unsafe {
        sys::wasm_runtime_load(job.module.as_ptr().cast_mut(), size, error.as_mut_ptr().cast(), error.len() as u32)
    };
    if module.is_null() {
        return failure(Status::LoadError, text_of(&error));
    }

    // Preopens as WAMR's "guest::host" mappings; the host side is a directory of the image.
    let maps = c_strings(job.preopens().map(|(guest, dir)| {
        let mut map = Vec::from(guest);
        map.extend_from_slice(b"::/");
        map.extend_from_slice(dir);
        map
    }).collect::<Vec<_>>().iter().map(Vec::as_slice));
    let mut map_list: Vec<*const c_char> = maps.iter().map(|m| m.as_ptr()).collect();
    let args = c_strings(job.args());
    let env = c_strings(job.env());
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr().cast_mut()).collect();
    let mut envp: Vec<*const c_char> = env.iter().map(|e| e.as_ptr()).collect();
    // SAFETY: the string arrays live until after the instance is gone (WAMR copies them at
    // instantiation anyway); 0/1/2 are our stdio handles (platform::files).
    unsafe {
        sys::wasm_runtime_set_wasi_args_ex(
            module,
            core::ptr::null_mut(),
            0,
            map_list.as_mut_ptr(),
            map_list.len() as u32,
            envp.as_mut_ptr(),
            envp.len() as u32,
            argv.as_mut_ptr(),
            argv.len() as i32,
            0,
            1,
            2,
        );
    }

    let stack_size = if job.stack_size == 0 { DEFAULT_STACK_SIZE } else { job.stack_size };
    // SAFETY: module is a live, loaded module.
    let instance = unsafe {
        sys::wasm_runtime_instantiate(module, stack_size, 0, error.as_mut_ptr().cast(), error.len() as u32)
    };
    let outcome = if instance.is_null() {
        failure(Status::LoadError, text_of(&error))
    } else {
        let outcome = run_start(instance);
        // SAFETY: instance is live; its execution environment outlives the run.
        let used = unsafe { sys::xila_operand_stack_used(instance) };
        OPERAND_STACK_PEAK.store(used.saturating_add(1), Relaxed);
        // SAFETY: instance is live and no longer executing.
        unsafe { sys::wasm_runtime_deinstantiate(instance) };
        outcome
    };
    // SAFETY: its only instance is gone.
    unsafe { sys::wasm_runtime_unload(module) };
    drop((argv, envp, args, env, map_list, maps));
    outcome
}

fn run_start(instance: sys::wasm_module_inst_t) -> Outcome {
    // SAFETY: instance is live; execute_main finds `_start` for a WASI command.
    let returned = unsafe { sys::wasm_application_execute_main(instance, 0, core::ptr::null_mut()) };
    // SAFETY: instance is live; the exception string is owned by the instance.
    let exception = unsafe {
        let text = sys::wasm_runtime_get_exception(instance);
        (!text.is_null()).then(|| CStr::from_ptr(text).to_string_lossy().into_owned())
    };
    // SAFETY: instance is live.
    let exit_code = unsafe { sys::wasm_runtime_get_wasi_exit_code(instance) };
    match exception {
        // A host function ended the run because the guest waits for input that will not come
        // (crate::idle); the exception it raised to unwind is not a trap.
        Some(_) if idle::requested() => Outcome { status: Status::Idle, exit_code: 0, message: idle::MESSAGE.into() },
        None => Outcome { status: Status::Exited, exit_code, message: String::new() },
        Some(text) if text.contains(PROC_EXIT) => {
            Outcome { status: Status::Exited, exit_code, message: String::new() }
        }
        Some(text) => failure(Status::Trap, text),
        // Kept for clarity: a false return always leaves an exception behind.
    }
    .with_returned(returned)
}

trait Returned {
    fn with_returned(self, returned: bool) -> Self;
}

impl Returned for Outcome {
    /// A false return with no exception text would be a WAMR bug; report it rather than
    /// calling it a clean exit.
    fn with_returned(self, returned: bool) -> Self {
        if !returned && self.status == Status::Exited && self.message.is_empty() && self.exit_code == 0 {
            return failure(Status::Trap, "execution failed without an exception");
        }
        self
    }
}
