//! The runtime as bare-metal firmware.
//!
//! Start-up (per board) calls [`firmware_main`], which reads the job the harness left in the
//! job directory named on the semihosting command line, runs it with the runtime, writes the
//! result record and ends QEMU with the run's exit status. Every way a run can end, including
//! CPU faults and panics, goes through [`finish::finish`], so each has a record and a status.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
mod board;
#[cfg(target_os = "none")]
mod finish;
#[cfg(target_os = "none")]
mod heap;
#[cfg(target_os = "none")]
mod host_io;
#[cfg(target_os = "none")]
mod stack;

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("xila-firmware runs on MCU targets; build and run it with `xbench build --target <name>`");
    std::process::exit(2);
}

#[cfg(target_os = "none")]
mod entry {
    use bench_protocol::{files, flags, Job, Status};

    use crate::finish::{finish, Ending};
    use crate::{board, heap, host_io, stack};

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
        self_test(job.flags);
        xila_runtime::install_board(&board::BOARD);
        // Pointer events for the display's input device, read when the guest pops events.
        xila_runtime::bindings::inject(job.events());
        let started = board::instructions();
        let outcome = xila_runtime::run(&job);
        let instructions = board::instructions().map(|end| end - started.unwrap_or(0));
        // Write-back of the file system, for the harness to check what the guest wrote.
        if !job.image.is_empty() || job.preopens().next().is_some() {
            if let Some(image) = xila_runtime::take_image() {
                host_io::write_job_file(files::FS, &image);
            }
        }
        // What one full frame costs to render, when the guest used the display.
        let render_started = board::instructions();
        let render_instructions = if xila_runtime::bindings::render_full_frame() {
            board::instructions().zip(render_started).map(|(end, start)| end.saturating_sub(start))
        } else {
            None
        };
        // The display as the run left it, when the guest used the graphics bindings, however
        // the run ended (an idle ending's frame is what the application shows while it waits);
        // before the record, so that a record means everything else is written.
        xila_runtime::bindings::with_frame(|width, height, pixels| {
            let header = bench_protocol::frame::header(width, height, bench_protocol::frame::FORMAT_RGB565);
            host_io::write_job_file_parts(files::FRAME, &[&header, pixels]);
        });
        let mut ending = Ending::new(outcome.status, outcome.exit_code, format_args!("{}", outcome.message));
        ending.instructions = instructions;
        // Benchmark guests mark their measured region (the `xila_bench` natives).
        let marks = xila_runtime::bench_marks();
        ending.measured_instructions = marks.measured;
        ending.startup_instructions = marks.first_begin.zip(started).map(|(begin, start)| begin.saturating_sub(start));
        ending.render_instructions = render_instructions;
        ending.reported = true;
        finish(ending)
    }

    /// Exercises the firmware's own failure paths when the harness asks for it.
    fn self_test(requested: u32) {
        if requested & flags::SELF_TEST_FAULT != 0 {
            board::fault_now();
        }
        if requested & flags::SELF_TEST_PANIC != 0 {
            panic!("self-test panic requested by the job");
        }
    }
}
