//! The one way out of the firmware: diagnostics line, result record, exit status.
//!
//! It runs after panics and CPU faults, so it allocates nothing: messages are formatted into
//! fixed buffers on the stack.

use core::fmt::{self, Write};

use bench_protocol::{ResultRecord, Status};

use crate::{heap, host_io, stack};

/// A message buffer that truncates instead of failing.
pub struct Line {
    bytes: [u8; 256],
    len: usize,
}

impl Line {
    pub fn new() -> Self {
        Line { bytes: [0; 256], len: 0 }
    }

    pub fn as_str(&self) -> &str {
        // Truncation may split a character; keep the valid prefix.
        match core::str::from_utf8(&self.bytes[..self.len]) {
            Ok(text) => text,
            Err(e) => core::str::from_utf8(&self.bytes[..e.valid_up_to()]).unwrap_or(""),
        }
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.bytes.len() - self.len;
        let take = s.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// How the run ended, before it is written out.
pub struct Ending {
    pub status: Status,
    pub exit_code: u32,
    pub message: Line,
    pub instructions: Option<u64>,
    /// Bench runs: instructions in the measured region, and before its first begin mark.
    pub measured_instructions: Option<u64>,
    pub startup_instructions: Option<u64>,
    /// Graphics runs: instructions to render one full frame after the guest ended.
    pub render_instructions: Option<u64>,
    /// The runtime has already written this ending to the diagnostics channel.
    pub reported: bool,
}

impl Ending {
    pub fn new(status: Status, exit_code: u32, message: impl fmt::Display) -> Self {
        let mut line = Line::new();
        let _ = write!(line, "{message}");
        Ending {
            status,
            exit_code,
            message: line,
            instructions: None,
            measured_instructions: None,
            startup_instructions: None,
            render_instructions: None,
            reported: false,
        }
    }
}

/// Writes the diagnostics line and the result record, then ends QEMU with the status.
pub fn finish(ending: Ending) -> ! {
    // An allocation that failed earlier explains a later panic or load failure.
    let status = match ending.status {
        Status::Panic | Status::LoadError | Status::Trap if xila_runtime::memory::allocation_failed() => {
            Status::OutOfMemory
        }
        status => status,
    };
    if status != Status::Exited && !ending.reported {
        let mut line = Line::new();
        let _ = writeln!(line, "{}: {}", status, ending.message.as_str());
        host_io::write_diagnostics(line.as_str().as_bytes());
    }
    let record = ResultRecord {
        status: Some(status),
        exit_code: ending.exit_code,
        message: ending.message.as_str(),
        instructions: ending.instructions,
        heap_peak: Some(heap::peak() as u64),
        runtime_heap_peak: Some(xila_runtime::memory::runtime_heap_peak() as u64),
        stack_peak: Some(stack::peak() as u64),
        operand_stack_peak: xila_runtime::operand_stack_peak(),
        measured_instructions: ending.measured_instructions,
        startup_instructions: ending.startup_instructions,
        render_instructions: ending.render_instructions,
    };
    let mut text = RecordText { bytes: [0; 512], len: 0 };
    let _ = record.write_to(&mut text);
    host_io::write_result(&text.bytes[..text.len]);
    semihosting::process::exit(status.process_exit_status(ending.exit_code) as i32)
}

struct RecordText {
    bytes: [u8; 512],
    len: usize,
}

impl Write for RecordText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    finish(Ending::new(Status::Panic, 0, info))
}
