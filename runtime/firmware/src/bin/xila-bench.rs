//! The native benchmark firmware: the bench's workloads (conformance/bench/workloads, the same
//! source the WebAssembly guest is built from) linked directly, on the same board layer, start-up,
//! heap and semihosting job I/O as the runtime firmware.
//!
//! The job is the one the harness gives the runtime firmware; its module is ignored and its first
//! argument names the workload. The result record carries `measured_instructions` (the board's
//! instruction counter around the workload only) and exits 0 when the workload's answer is
//! right, 1 when it is wrong, 2 for an unknown workload. Built only with the `bench` feature.
#![cfg_attr(target_os = "none", no_std, no_main)]
// The board layer and I/O modules are shared with the runtime firmware; this one uses part of them.
#![cfg_attr(target_os = "none", allow(dead_code, unused_imports))]

#[cfg(target_os = "none")]
#[path = "../board/mod.rs"]
mod board;
#[cfg(target_os = "none")]
#[path = "../finish.rs"]
mod finish;
#[cfg(target_os = "none")]
#[path = "../heap.rs"]
mod heap;
#[cfg(target_os = "none")]
#[path = "../host_io.rs"]
mod host_io;
#[cfg(target_os = "none")]
#[path = "../stack.rs"]
mod stack;
#[cfg(target_os = "none")]
#[allow(unused_attributes, dead_code)]
#[path = "../../../../conformance/bench/workloads/src/lib.rs"]
mod workloads;

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("xila-bench runs on MCU targets; `xbench bench` builds and runs it");
    std::process::exit(2);
}

#[cfg(target_os = "none")]
mod entry {
    use alloc::format;
    use bench_protocol::{Job, Status};

    use crate::finish::{finish, Ending};
    use crate::{board, heap, host_io, stack, workloads};

    /// Called by the board's start-up code once memory is set up.
    #[no_mangle]
    pub extern "C" fn firmware_main() -> ! {
        stack::paint();
        heap::init();
        let job_bytes = host_io::receive_job();
        let job = match Job::decode(&job_bytes) {
            Ok(job) => job,
            Err(e) => finish(Ending::new(Status::JobError, 0, format_args!("{e}"))),
        };
        let name = job.args().nth(1).and_then(|a| core::str::from_utf8(a).ok()).unwrap_or("");
        let started = board::instructions();
        let Some(workload) = workloads::find(name) else {
            host_io::write_stderr(format!("xila-bench: unknown workload {name:?}\n").as_bytes());
            finish(Ending::new(Status::Exited, 2, ""));
        };
        // Allocated and zeroed before the measured region, as the guest does.
        let mut scratch = alloc::vec![0u32; workloads::SCRATCH_WORDS];
        let begin = board::instructions();
        let result = workload.run(&mut scratch);
        let end = board::instructions();
        let code = match result {
            Ok(sum) => {
                host_io::write_stdout(format!("{name} ok {sum:#010x}\n").as_bytes());
                0
            }
            Err(sum) => {
                host_io::write_stderr(format!("{name}: wrong answer {sum:#010x}\n").as_bytes());
                1
            }
        };
        let mut ending = Ending::new(Status::Exited, code, "");
        ending.measured_instructions = begin.zip(end).map(|(b, e)| e - b);
        ending.startup_instructions = started.zip(begin).map(|(s, b)| b - s);
        ending.instructions = started.zip(end).map(|(s, e)| e - s);
        ending.reported = true;
        finish(ending)
    }
}
