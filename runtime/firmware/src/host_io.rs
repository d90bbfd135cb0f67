//! Talking to the harness through semihosting: the job directory from the command line, the
//! job file, and the output channels (guest stdout, guest stderr, diagnostics, result record),
//! each a file of its own in the job directory so that they stay byte-exact and apart.

use alloc::ffi::CString;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

use bench_protocol::files;
use semihosting::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use semihosting::sys::arm_compat::{sys_flen, sys_get_cmdline_uninit, sys_open, OpenMode};
use semihosting::sys::{read as sys_read, write as sys_write};

/// The open channel files. Written once at boot, read afterwards; one thread only.
struct Channels(UnsafeCell<[Option<RawFd>; 3]>);

// SAFETY: the firmware is single-threaded and no interrupt handler writes to the channels.
unsafe impl Sync for Channels {}

static CHANNELS: Channels = Channels(UnsafeCell::new([None; 3]));
static JOB_DIR: JobDir = JobDir(UnsafeCell::new(None));

struct JobDir(UnsafeCell<Option<String>>);
// SAFETY: as for `Channels`.
unsafe impl Sync for JobDir {}

#[derive(Clone, Copy)]
enum Channel {
    Stdout = 0,
    Stderr = 1,
    Diagnostics = 2,
}

/// The job directory: the last word of the semihosting command line.
pub fn job_dir() -> Result<String, &'static str> {
    let mut buffer = [MaybeUninit::<u8>::uninit(); 1024];
    let line = sys_get_cmdline_uninit(&mut buffer).map_err(|_| "the semihosting command line could not be read")?;
    let line = core::str::from_utf8(line).map_err(|_| "the semihosting command line is not UTF-8")?;
    let dir = line.split(' ').rfind(|w| !w.is_empty()).ok_or("the semihosting command line names no job directory")?;
    Ok(String::from(dir))
}

fn path(dir: &str, name: &str) -> Option<CString> {
    let mut text = String::with_capacity(dir.len() + name.len() + 1);
    text.push_str(dir);
    text.push('/');
    text.push_str(name);
    CString::new(text).ok()
}

fn open(dir: &str, name: &str, mode: OpenMode) -> Option<OwnedFd> {
    sys_open(&path(dir, name)?, mode).ok()
}

/// Creates the output channel files. A channel that cannot be opened stays closed; the run
/// goes on and the harness sees the missing output.
pub fn open_channels(dir: &str) {
    let names = [files::STDOUT, files::STDERR, files::DIAGNOSTICS];
    // SAFETY: single-threaded, and nothing holds a reference into these cells.
    let channels = unsafe { &mut *CHANNELS.0.get() };
    for (slot, name) in channels.iter_mut().zip(names) {
        *slot = open(dir, name, OpenMode::WRONLY_TRUNC_BINARY).map(OwnedFd::into_raw_fd);
    }
    // SAFETY: as above.
    unsafe { *JOB_DIR.0.get() = Some(String::from(dir)) };
}

/// The job's bytes, from the job directory the command line names, with the output channels
/// opened on the way. A job that cannot be read ends the run as a job error.
pub fn receive_job() -> Vec<u8> {
    use crate::finish::{finish, Ending};
    use bench_protocol::Status;
    let dir = match job_dir() {
        Ok(dir) => dir,
        Err(message) => finish(Ending::new(Status::JobError, 0, message)),
    };
    open_channels(&dir);
    match read_file(&dir, files::JOB) {
        Ok(bytes) => bytes,
        Err(message) => finish(Ending::new(Status::JobError, 0, message)),
    }
}

/// Reads a whole file of the job directory.
pub fn read_file(dir: &str, name: &str) -> Result<Vec<u8>, &'static str> {
    let file = open(dir, name, OpenMode::RDONLY_BINARY).ok_or("the job file could not be opened")?;
    let len = sys_flen(file.as_fd()).map_err(|_| "the job file's length could not be read")?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(|_| "the job file does not fit in the heap")?;
    bytes.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        match sys_read(file.as_fd(), &mut bytes[filled..]) {
            Ok(0) | Err(_) => return Err("the job file could not be read to its end"),
            Ok(n) => filled += n,
        }
    }
    Ok(bytes)
}

fn write_channel(channel: Channel, mut bytes: &[u8]) {
    // SAFETY: single-threaded reads of a slot written at boot.
    let Some(fd) = (unsafe { (*CHANNELS.0.get())[channel as usize] }) else { return };
    // SAFETY: the descriptor stays open for the whole run.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    while !bytes.is_empty() {
        match sys_write(fd, bytes) {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes = &bytes[n..],
        }
    }
}

pub fn write_stdout(bytes: &[u8]) {
    write_channel(Channel::Stdout, bytes);
}

pub fn write_stderr(bytes: &[u8]) {
    write_channel(Channel::Stderr, bytes);
}

pub fn write_diagnostics(bytes: &[u8]) {
    write_channel(Channel::Diagnostics, bytes);
}

/// Writes a whole file of the job directory (the file-system image after the run). A file that
/// cannot be written is missing, which the harness reports.
pub fn write_job_file(name: &str, mut bytes: &[u8]) {
    // SAFETY: single-threaded read of a cell written at boot.
    let Some(dir) = (unsafe { (*JOB_DIR.0.get()).as_deref() }) else { return };
    let Some(file) = open(dir, name, OpenMode::WRONLY_TRUNC_BINARY) else { return };
    while !bytes.is_empty() {
        match sys_write(file.as_fd(), bytes) {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes = &bytes[n..],
        }
    }
}

/// Writes a file of the job directory from several parts, each in as few semihosting calls
/// as it takes (one, normally): the frame's header, then its framebuffer straight from RAM.
pub fn write_job_file_parts(name: &str, parts: &[&[u8]]) {
    // SAFETY: single-threaded read of a cell written at boot.
    let Some(dir) = (unsafe { (*JOB_DIR.0.get()).as_deref() }) else { return };
    let Some(file) = open(dir, name, OpenMode::WRONLY_TRUNC_BINARY) else { return };
    for part in parts {
        let mut bytes = *part;
        while !bytes.is_empty() {
            match sys_write(file.as_fd(), bytes) {
                Ok(0) | Err(_) => return,
                Ok(n) => bytes = &bytes[n..],
            }
        }
    }
}

/// Writes the result record file. Without a job directory there is nowhere to write it; the
/// exit status alone then tells the harness what happened.
pub fn write_result(bytes: &[u8]) {
    // SAFETY: single-threaded read of a cell written at boot.
    let Some(dir) = (unsafe { (*JOB_DIR.0.get()).as_deref() }) else { return };
    if let Some(file) = open(dir, files::RESULT, OpenMode::WRONLY_TRUNC_BINARY) {
        let _ = sys_write(file.as_fd(), bytes);
    }
}
