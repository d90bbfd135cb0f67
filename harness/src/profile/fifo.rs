//! A named pipe for QEMU's `-D` log, read by a thread of its own while QEMU runs. The log of a
//! run is about 20 bytes per guest instruction (480 MB for a 22 M-instruction hello), so it is
//! counted as it streams and never written to disk.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use super::trace::{self, Gate, TraceCounts};

/// How long [`TraceFifo::finish`] waits for the reader after QEMU is gone. The reader only has
/// the pipe's last buffered bytes left to read by then.
const READER_GRACE: Duration = Duration::from_secs(60);

/// The pipe, in a temporary directory of its own, and the thread counting what comes through.
pub struct TraceFifo {
    // Removed (with the pipe) when the fifo is dropped.
    _dir: tempfile::TempDir,
    path: PathBuf,
    reader: Option<JoinHandle<std::io::Result<TraceCounts>>>,
}

impl TraceFifo {
    /// Makes the pipe and starts its reader, which waits for QEMU to open the other end.
    pub fn start(gate: Option<Gate>) -> anyhow::Result<TraceFifo> {
        let dir = tempfile::Builder::new().prefix("xbench-trace-").tempdir().context("creating a directory for the trace pipe")?;
        let path = dir.path().join("qemu.log");
        let c_path = CString::new(path.as_os_str().as_bytes()).context("the trace pipe's path holds a NUL byte")?;
        // SAFETY: mkfifo(3) reads the NUL-terminated path, which outlives the call.
        if unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) } != 0 {
            return Err(std::io::Error::last_os_error()).with_context(|| format!("creating the pipe {}", path.display()));
        }
        let reader_path = path.clone();
        let reader = std::thread::Builder::new()
            .name("xbench-trace".into())
            .spawn(move || read(&reader_path, gate))
            .context("starting the trace reader")?;
        Ok(TraceFifo { _dir: dir, path, reader: Some(reader) })
    }

    /// Where QEMU writes (its `-D`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Once QEMU has exited: what the reader counted.
    pub fn finish(mut self) -> anyhow::Result<TraceCounts> {
        match self.join() {
            Some(Ok(Ok(counts))) => Ok(counts),
            Some(Ok(Err(e))) => Err(e).context("reading QEMU's log"),
            Some(Err(_)) => bail!("the trace reader panicked"),
            None => bail!("the trace reader did not finish within {} s after QEMU ended", READER_GRACE.as_secs()),
        }
    }

    /// Waits for the reader. A reader still waiting in `open` (QEMU never opened its end: it
    /// did not start, or failed first) is released by opening the pipe for writing once and
    /// closing it, which reads as an empty log.
    fn join(&mut self) -> Option<std::thread::Result<std::io::Result<TraceCounts>>> {
        let reader = self.reader.take()?;
        let started = Instant::now();
        while !reader.is_finished() {
            if started.elapsed() > READER_GRACE {
                return None;
            }
            // Non-blocking: fails (ENXIO) unless a reader is there, never waits.
            let _ = OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&self.path);
            std::thread::sleep(Duration::from_millis(5));
        }
        Some(reader.join())
    }
}

impl Drop for TraceFifo {
    fn drop(&mut self) {
        // On an error path the reader must not be left blocked on the pipe.
        let _ = self.join();
    }
}

/// The pipe's capacity asked for: Linux's default limit for unprivileged processes
/// (`/proc/sys/fs/pipe-max-size`).
const PIPE_BYTES: libc::c_int = 1 << 20;
/// A read shorter than this means the reader is keeping up: it then waits [`PATIENCE`] before
/// the next one.
const SHORT_READ: usize = 64 << 10;
/// QEMU writes its log one line per `write(2)` (it line-buffers the file). A reader that reads
/// as soon as a line arrives is woken millions of times, which costs more system time than the
/// whole parse; one that waits a moment reads hundreds of kilobytes at a time. QEMU writes about
/// 250 MB/s, so the pipe (1 MiB) does not fill in that time.
const PATIENCE: Duration = Duration::from_millis(1);

/// The pipe, read in large gulps (see [`PATIENCE`]).
struct Patient(File);

impl Read for Patient {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.0.read(buffer)?;
        if read > 0 && read < SHORT_READ.min(buffer.len()) {
            std::thread::sleep(PATIENCE);
        }
        Ok(read)
    }
}

/// The reader thread: opens the pipe (waiting for the writer), counts line by line to the end.
fn read(path: &Path, gate: Option<Gate>) -> std::io::Result<TraceCounts> {
    let file = File::open(path)?;
    // SAFETY: fcntl(2) on a descriptor this function owns; a refusal only leaves the default
    // 64 KiB pipe, which is slower, not wrong.
    unsafe {
        libc::fcntl(file.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES);
    }
    trace::count(BufReader::with_capacity(1 << 20, Patient(file)), gate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn what_is_written_to_the_pipe_is_counted() {
        let fifo = TraceFifo::start(None).unwrap();
        let mut writer = OpenOptions::new().write(true).open(fifo.path()).unwrap();
        writer
            .write_all(b"IN: f\n0x00000100:  4810       ldr r0, [pc, #0x40]\n\nTrace 0: 0x7f [0/0000000000000100/0/0] f\n")
            .unwrap();
        drop(writer);
        let counts = fifo.finish().unwrap();
        assert_eq!(counts.total, 1);
        assert!(counts.log_bytes > 50);
    }

    #[test]
    fn a_writer_that_never_came_gives_an_empty_log_not_a_hang() {
        let fifo = TraceFifo::start(None).unwrap();
        let started = Instant::now();
        let counts = fifo.finish().unwrap();
        assert_eq!(counts.total, 0);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
