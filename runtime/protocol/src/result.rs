//! How a run ended: the status, the exit code and the metrics, as `key value` text lines.
//!
//! ```text
//! status trap
//! exit_code 0
//! message wasm trap: unreachable
//! instructions 183402
//! heap_peak 91244
//! stack_peak 2216
//! ```
//! Benchmark runs add `measured_instructions` (between the guest's `xila_bench` begin and end
//! marks, or around a native workload) and `startup_instructions` (from the firmware's start of
//! the run to the first begin mark: runtime start-up, module load and instantiation).
//! Text keeps the record readable in a job directory left behind by a failed run. Unknown keys
//! are ignored when parsing, so that new metrics do not break an older harness.

use core::fmt;

/// How a run ended. Each variant but [`Status::Exited`] has a reserved process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The guest returned from `_start` or called `proc_exit`; the exit code is the guest's.
    Exited,
    /// The guest trapped (unreachable, out-of-bounds access, stack overflow, ...).
    Trap,
    /// The CPU faulted inside the firmware; the message names the cause and the address.
    Fault,
    /// The firmware panicked.
    Panic,
    /// The runtime ran out of heap.
    OutOfMemory,
    /// The module failed to load, validate or instantiate.
    LoadError,
    /// The job could not be read or decoded.
    JobError,
    /// The guest waited for input with every injected event delivered and none pending, and the
    /// job asked to end there ([`crate::flags::UNTIL_IDLE`]): an application that never exits,
    /// stopped where it would wait for ever. Its stdout, stderr and frame are kept as for an exit.
    Idle,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Exited,
        Status::Trap,
        Status::Fault,
        Status::Panic,
        Status::OutOfMemory,
        Status::LoadError,
        Status::JobError,
        Status::Idle,
    ];

    /// The process exit status for this outcome. `guest_exit_code` is used for
    /// [`Status::Exited`] only; the OS keeps its low eight bits.
    pub fn process_exit_status(self, guest_exit_code: u32) -> u32 {
        match self {
            Status::Exited => guest_exit_code,
            Status::Trap => 240,
            Status::Fault => 241,
            Status::Panic => 242,
            Status::OutOfMemory => 243,
            Status::LoadError => 244,
            Status::JobError => 245,
            Status::Idle => 246,
        }
    }

    /// The name used in the result record and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Exited => "exit",
            Status::Trap => "trap",
            Status::Fault => "fault",
            Status::Panic => "panic",
            Status::OutOfMemory => "out-of-memory",
            Status::LoadError => "load-error",
            Status::JobError => "job-error",
            Status::Idle => "idle",
        }
    }

    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.name() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The record the firmware writes when a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResultRecord<'a> {
    pub status: Option<Status>,
    pub exit_code: u32,
    /// One line: the trap message, the fault cause, the panic message.
    pub message: &'a str,
    /// Guest instructions spent running the module, where the board can count them.
    pub instructions: Option<u64>,
    /// Peak heap use in bytes, WAMR and linear memory included.
    pub heap_peak: Option<u64>,
    /// Peak heap use of the runtime itself (WAMR, WASI, bindings), the guest's linear memory
    /// left out.
    pub runtime_heap_peak: Option<u64>,
    /// Peak native stack use in bytes.
    pub stack_peak: Option<u64>,
    /// Bytes of the WebAssembly operand stack (WAMR's frames, locals and operands) the run used.
    pub operand_stack_peak: Option<u64>,
    /// Guest instructions inside the measured region of a benchmark (optional; bench runs only).
    pub measured_instructions: Option<u64>,
    /// Guest instructions from the start of the run to the first begin mark (bench runs only).
    pub startup_instructions: Option<u64>,
    /// Instructions to render one full frame of the display after the run (graphics runs only).
    pub render_instructions: Option<u64>,
}

impl<'a> ResultRecord<'a> {
    /// Writes the record as `key value` lines. Line breaks in the message become spaces, so that
    /// the record stays one field per line.
    pub fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let status = self.status.unwrap_or(Status::Panic);
        writeln!(out, "status {}", status.name())?;
        writeln!(out, "exit_code {}", self.exit_code)?;
        out.write_str("message ")?;
        for c in self.message.chars() {
            out.write_char(if c == '\n' || c == '\r' { ' ' } else { c })?;
        }
        out.write_char('\n')?;
        for (key, value) in [
            ("instructions", self.instructions),
            ("heap_peak", self.heap_peak),
            ("runtime_heap_peak", self.runtime_heap_peak),
            ("stack_peak", self.stack_peak),
            ("operand_stack_peak", self.operand_stack_peak),
            ("measured_instructions", self.measured_instructions),
            ("startup_instructions", self.startup_instructions),
            ("render_instructions", self.render_instructions),
        ] {
            if let Some(value) = value {
                writeln!(out, "{key} {value}")?;
            }
        }
        Ok(())
    }

    /// Parses a record written by [`ResultRecord::write_to`]. A record without a valid
    /// `status` line is an error: the run did not finish writing it.
    pub fn parse(text: &'a str) -> Result<Self, RecordError> {
        let mut record = ResultRecord::default();
        for line in text.lines() {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            let number = || value.parse::<u64>().map_err(|_| RecordError::BadNumber(key_name(key)));
            match key {
                "status" => {
                    record.status = Some(Status::from_name(value).ok_or(RecordError::UnknownStatus)?)
                }
                "exit_code" => record.exit_code = number()? as u32,
                "message" => record.message = value,
                "instructions" => record.instructions = Some(number()?),
                "heap_peak" => record.heap_peak = Some(number()?),
                "runtime_heap_peak" => record.runtime_heap_peak = Some(number()?),
                "stack_peak" => record.stack_peak = Some(number()?),
                "operand_stack_peak" => record.operand_stack_peak = Some(number()?),
                "measured_instructions" => record.measured_instructions = Some(number()?),
                "startup_instructions" => record.startup_instructions = Some(number()?),
                "render_instructions" => record.render_instructions = Some(number()?),
                _ => {}
            }
        }
        if record.status.is_none() {
            return Err(RecordError::MissingStatus);
        }
        Ok(record)
    }
}

fn key_name(key: &str) -> &'static str {
    match key {
        "exit_code" => "exit_code",
        "instructions" => "instructions",
        "heap_peak" => "heap_peak",
        "runtime_heap_peak" => "runtime_heap_peak",
        "operand_stack_peak" => "operand_stack_peak",
        "measured_instructions" => "measured_instructions",
        "startup_instructions" => "startup_instructions",
        "render_instructions" => "render_instructions",
        _ => "stack_peak",
    }
}

/// Why a result record could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    MissingStatus,
    UnknownStatus,
    BadNumber(&'static str),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::MissingStatus => f.write_str("result record has no status line"),
            RecordError::UnknownStatus => f.write_str("result record has an unknown status"),
            RecordError::BadNumber(key) => write!(f, "result record field `{key}` is not a number"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buffer {
        bytes: [u8; 512],
        len: usize,
    }

    impl fmt::Write for Buffer {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    fn written(record: &ResultRecord<'_>) -> Buffer {
        let mut buffer = Buffer { bytes: [0; 512], len: 0 };
        record.write_to(&mut buffer).expect("fits");
        buffer
    }

    #[test]
    fn a_record_round_trips() {
        let record = ResultRecord {
            status: Some(Status::Trap),
            exit_code: 0,
            message: "Exception: unreachable",
            instructions: Some(123_456),
            heap_peak: Some(70_000),
            runtime_heap_peak: Some(5_000),
            stack_peak: None,
            operand_stack_peak: Some(2_048),
            measured_instructions: Some(99_000),
            startup_instructions: None,
            render_instructions: Some(1_234_567),
        };
        let buffer = written(&record);
        let text = core::str::from_utf8(&buffer.bytes[..buffer.len]).unwrap();
        assert_eq!(ResultRecord::parse(text), Ok(record));
    }

    #[test]
    fn a_multi_line_message_stays_on_one_line() {
        let record = ResultRecord { status: Some(Status::Panic), message: "a\nb", ..Default::default() };
        let buffer = written(&record);
        let text = core::str::from_utf8(&buffer.bytes[..buffer.len]).unwrap();
        assert_eq!(ResultRecord::parse(text).unwrap().message, "a b");
    }

    #[test]
    fn an_older_record_without_bench_fields_still_parses() {
        let record = ResultRecord::parse("status exit\nexit_code 0\nmessage \ninstructions 5\nfuture_key 1\n").unwrap();
        assert_eq!(record.instructions, Some(5));
        assert_eq!(record.measured_instructions, None);
        assert_eq!(record.startup_instructions, None);
    }

    #[test]
    fn reserved_statuses_are_distinct_and_named() {
        let mut seen = [0u32; Status::ALL.len()];
        for (i, status) in Status::ALL.into_iter().enumerate() {
            seen[i] = status.process_exit_status(7);
            assert_eq!(Status::from_name(status.name()), Some(status));
        }
        for i in 0..seen.len() {
            for j in i + 1..seen.len() {
                assert_ne!(seen[i], seen[j]);
            }
        }
        assert_eq!(Status::Exited.process_exit_status(33), 33);
    }

    #[test]
    fn an_idle_ending_has_its_own_name_and_exit_status() {
        assert_eq!(Status::Idle.name(), "idle");
        assert_eq!(Status::from_name("idle"), Some(Status::Idle));
        assert_eq!(Status::Idle.process_exit_status(0), 246);
        let record = ResultRecord {
            status: Some(Status::Idle),
            message: "waiting for input after every injected event",
            instructions: Some(42),
            ..Default::default()
        };
        let buffer = written(&record);
        let text = core::str::from_utf8(&buffer.bytes[..buffer.len]).unwrap();
        assert!(text.starts_with("status idle\nexit_code 0\n"), "{text}");
        assert_eq!(ResultRecord::parse(text), Ok(record));
    }

    #[test]
    fn incomplete_records_are_errors() {
        assert_eq!(ResultRecord::parse(""), Err(RecordError::MissingStatus));
        assert_eq!(ResultRecord::parse("status melted\n"), Err(RecordError::UnknownStatus));
        assert_eq!(
            ResultRecord::parse("status exit\nexit_code x\n"),
            Err(RecordError::BadNumber("exit_code"))
        );
    }
}
