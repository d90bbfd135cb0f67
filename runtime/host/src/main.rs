//! `xila-host <job-dir>`: the runtime as a host process, the reference the MCU targets are
//! compared against. Reads `job.bin`, writes `stdout`, `stderr`, `diagnostics` and `result`
//! in the job directory, and exits with the status `bench_protocol::Status` prescribes.

use bench_protocol::{files, Job, ResultRecord, Status};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;
use xila_runtime::memory::{self, PeakTracking};

#[global_allocator]
static ALLOCATOR: PeakTracking<std::alloc::System> = PeakTracking::new(std::alloc::System);

/// The native stack WAMR runs on: a thread of known size, so its bottom is known exactly.
const RUN_STACK_SIZE: usize = 16 * 1024 * 1024;

struct HostBoard {
    stdout: Mutex<File>,
    stderr: Mutex<File>,
    diagnostics: Mutex<File>,
    origin: Instant,
    stack_bottom: usize,
}

fn append(file: &Mutex<File>, bytes: &[u8]) {
    // A poisoned lock still guards a usable file; a failed write has nowhere better to go.
    let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let _ = file.write_all(bytes);
}

impl xila_runtime::Board for HostBoard {
    fn write_stdout(&self, bytes: &[u8]) {
        append(&self.stdout, bytes);
    }
    fn write_stderr(&self, bytes: &[u8]) {
        append(&self.stderr, bytes);
    }
    fn write_diagnostics(&self, bytes: &[u8]) {
        append(&self.diagnostics, bytes);
    }
    fn monotonic_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }
    fn clock_resolution_ns(&self) -> u64 {
        1
    }
    fn stack_bottom(&self) -> usize {
        self.stack_bottom
    }
}

/// Lowest address of the calling thread's stack, from glibc.
fn current_stack_bottom() -> usize {
    // SAFETY: attr is initialised by pthread_getattr_np before use and destroyed after.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return 0;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if ok {
            addr as usize
        } else {
            0
        }
    }
}

fn create(dir: &Path, name: &str) -> Result<Mutex<File>, String> {
    let path = dir.join(name);
    OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&path)
        .map(Mutex::new)
        .map_err(|error| format!("cannot create {}: {error}", path.display()))
}

fn write_result(dir: &Path, record: &ResultRecord<'_>) -> Result<(), String> {
    let mut text = String::new();
    record.write_to(&mut text).map_err(|_| "cannot format the result record".to_string())?;
    let path = dir.join(files::RESULT);
    std::fs::write(&path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn job_error(dir: Option<&Path>, message: &str) -> ! {
    eprintln!("xila-host: {message}");
    if let Some(dir) = dir {
        let record = ResultRecord { status: Some(Status::JobError), message, ..Default::default() };
        let _ = write_result(dir, &record);
    }
    std::process::exit(Status::JobError.process_exit_status(0) as i32)
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        job_error(None, "usage: xila-host <job-dir>");
    };
    let dir = PathBuf::from(dir);
    let job_path = dir.join(files::JOB);
    let bytes = match std::fs::read(&job_path) {
        Ok(bytes) => bytes,
        Err(error) => job_error(None, &format!("cannot read {}: {error}", job_path.display())),
    };
    if let Err(error) = Job::decode(&bytes) {
        job_error(Some(&dir), &format!("{}: {error}", job_path.display()));
    }
    let streams = (|| Ok::<_, String>((create(&dir, files::STDOUT)?, create(&dir, files::STDERR)?, create(&dir, files::DIAGNOSTICS)?)))();
    let (stdout, stderr, diagnostics) = match streams {
        Ok(streams) => streams,
        Err(message) => job_error(None, &message),
    };

    let worker = std::thread::Builder::new().name("xila-run".into()).stack_size(RUN_STACK_SIZE).spawn(move || {
        let board: &'static HostBoard = Box::leak(Box::new(HostBoard {
            stdout,
            stderr,
            diagnostics,
            origin: Instant::now(),
            stack_bottom: current_stack_bottom(),
        }));
        xila_runtime::install_board(board);
        // Decoded again here: the job borrows from `bytes`, which moved into this thread.
        match Job::decode(&bytes) {
            Ok(job) => {
                xila_runtime::bindings::inject(job.events());
                let outcome = xila_runtime::run(&job);
                let has_fs = !job.image.is_empty() || job.preopens().next().is_some();
                let image = xila_runtime::take_image().filter(|_| has_fs);
                // The display as the run left it, when the guest used the graphics bindings,
                // however the run ended (idle included, as on the firmware).
                let frame = xila_runtime::bindings::with_frame(|width, height, pixels| {
                    let mut bytes = bench_protocol::frame::header(width, height, bench_protocol::frame::FORMAT_RGB565).to_vec();
                    bytes.extend_from_slice(pixels);
                    bytes
                });
                (outcome, image, frame)
            }
            Err(error) => (
                xila_runtime::Outcome { status: Status::JobError, exit_code: 0, message: error.to_string() },
                None,
                None,
            ),
        }
    });
    let (outcome, image, frame) = match worker.map_err(|e| e.to_string()).and_then(|h| h.join().map_err(|_| "the run thread panicked".to_string())) {
        Ok(ended) => ended,
        Err(message) => (xila_runtime::Outcome { status: Status::Panic, exit_code: 0, message }, None, None),
    };
    if let Some(frame) = frame {
        let path = dir.join(files::FRAME);
        if let Err(error) = std::fs::write(&path, frame) {
            eprintln!("xila-host: cannot write {}: {error}", path.display());
        }
    }
    // The file system as the guest left it, for the harness to check; before the record, so
    // that a record always means everything else is written.
    if let Some(image) = image {
        let path = dir.join(files::FS);
        if let Err(error) = std::fs::write(&path, image) {
            eprintln!("xila-host: cannot write {}: {error}", path.display());
        }
    }

    let record = ResultRecord {
        status: Some(outcome.status),
        exit_code: outcome.exit_code,
        message: &outcome.message,
        instructions: None,
        heap_peak: Some(memory::heap_peak() as u64),
        runtime_heap_peak: Some(memory::runtime_heap_peak() as u64),
        stack_peak: None,
        operand_stack_peak: xila_runtime::operand_stack_peak(),
        ..Default::default()
    };
    if let Err(message) = write_result(&dir, &record) {
        eprintln!("xila-host: {message}");
    }
    std::process::exit(outcome.status.process_exit_status(outcome.exit_code) as i32);
}
