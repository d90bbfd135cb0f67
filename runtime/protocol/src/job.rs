//! The job: everything a run needs, in one little-endian, length-prefixed buffer.
//!
//! Layout (all integers little-endian):
//! ```text
//! magic        8 bytes  "XILAJOB1"
//! seed         u64      seed of the guest's random_get generator
//! start_time   u64      realtime clock at boot, nanoseconds since the Unix epoch
//! heap_budget  u32      bytes of heap the runtime may use (0: everything the board has)
//! stack_size   u32      WAMR's per-instance operand stack, bytes
//! flags        u32      requests to the firmware, see [`flags`]
//! args         u32 count, then per item: u32 length + bytes (args[0] is the program name)
//! env          u32 count, then per item: u32 length + bytes ("NAME=value")
//! stdin        u32 length + bytes
//! module       u32 length + bytes (the WebAssembly binary)
//! ```
//! A job with a file system starts with `"XILAJOB2"` instead and has two more fields after the
//! module (a job without one is still written as `"XILAJOB1"`, so old jobs decode as before):
//! ```text
//! image        u32 length + bytes (a [`crate::Image`]; empty: no file system)
//! preopens     u32 count, then per item: u32 length + "guest-name\0image-directory"
//! ```
//! A job with injected input events starts with `"XILAJOB3"`: the XILAJOB2 layout (image and
//! preopens, possibly empty), then the events (jobs without events keep the older magics):
//! ```text
//! events       u32 count, then per event: u32 kind, i32 x, i32 y (see [`InputEvent`])
//! ```
//! Requests that carry no data (the self-tests, ending the run when the guest goes idle) are
//! bits of `flags`, the same in every layout, so they need no new magic.
//! Decoding borrows from the buffer, so the firmware needs no second copy of the module.

/// Bits of [`Job::flags`]: requests to the firmware, which a guest can never set (only the
/// harness writes the job). A bit outside [`flags::ALL`] is refused when the job is decoded
/// ([`JobError::UnknownFlags`]), so that a firmware that does not know a later request ends
/// the run as a job error instead of running without it.
pub mod flags {
    /// Fault the CPU (an access to an unmapped address) before loading the module.
    pub const SELF_TEST_FAULT: u32 = 1 << 0;
    /// Panic the firmware before loading the module.
    pub const SELF_TEST_PANIC: u32 = 1 << 1;
    /// End the run as [`crate::Status::Idle`] when the guest waits for input (Xila's
    /// `window_pop_event`) after every injected event was delivered and none is pending: for
    /// applications that never exit. Without it such a guest waits until the run's timeout.
    pub const UNTIL_IDLE: u32 = 1 << 2;
    /// Every bit this version knows.
    pub const ALL: u32 = SELF_TEST_FAULT | SELF_TEST_PANIC | UNTIL_IDLE;
}

/// The first eight bytes of every job.
pub const JOB_MAGIC: &[u8; 8] = b"XILAJOB1";
/// The first eight bytes of a job that carries a file-system image and preopens.
pub const JOB_MAGIC_FS: &[u8; 8] = b"XILAJOB2";

/// The first eight bytes of a job that carries injected input events (and an image, maybe empty).
pub const JOB_MAGIC_EVENTS: &[u8; 8] = b"XILAJOB3";

/// What an injected pointer event does, at its point, on LVGL's pointer input device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum InputKind {
    /// Press, then release at the same point: a click.
    Click = 1,
    /// Press (and stay pressed) at the point.
    Press = 2,
    /// Release at the point.
    Release = 3,
}

impl InputKind {
    pub fn from_u32(raw: u32) -> Option<InputKind> {
        Some(match raw {
            1 => InputKind::Click,
            2 => InputKind::Press,
            3 => InputKind::Release,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            InputKind::Click => "click",
            InputKind::Press => "press",
            InputKind::Release => "release",
        }
    }
}

/// One injected pointer event, in display coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputEvent {
    pub kind: InputKind,
    pub x: i32,
    pub y: i32,
}

/// Bytes of one encoded [`InputEvent`].
const EVENT_SIZE: usize = 12;

/// A decoded job, borrowing from its buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job<'a> {
    pub seed: u64,
    pub start_time_ns: u64,
    pub heap_budget: u32,
    pub stack_size: u32,
    pub flags: u32,
    args: List<'a>,
    env: List<'a>,
    pub stdin: &'a [u8],
    pub module: &'a [u8],
    /// The encoded file-system image; empty when the job has none.
    pub image: &'a [u8],
    preopens: List<'a>,
    /// The encoded events, [`EVENT_SIZE`] bytes each (checked when decoded).
    events: &'a [u8],
}

/// Why a buffer is not a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobError {
    /// The buffer does not start with [`JOB_MAGIC`].
    BadMagic,
    /// The buffer ends inside the named field.
    Truncated(&'static str),
    /// Bytes follow the module.
    TrailingBytes,
    /// An injected event has an unknown kind.
    BadEvent,
    /// The flags have a bit this firmware does not know (outside [`flags::ALL`]).
    UnknownFlags(u32),
}

impl core::fmt::Display for JobError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            JobError::BadMagic => write!(f, "job file does not start with {:?}", "XILAJOB1"),
            JobError::Truncated(field) => write!(f, "job file ends inside field `{field}`"),
            JobError::TrailingBytes => write!(f, "job file has bytes after the module"),
            JobError::BadEvent => write!(f, "job file has an injected event of an unknown kind"),
            JobError::UnknownFlags(bits) => {
                write!(f, "job file asks for flags {bits:#x}, which this firmware does not know (rebuild it)")
            }
        }
    }
}

/// A length-prefixed list of byte strings, kept encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct List<'a> {
    count: u32,
    encoded: &'a [u8],
}

impl<'a> List<'a> {
    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let mut rest = self.encoded;
        (0..self.count).map(move |_| {
            // The list was validated when it was decoded, so these reads cannot fail.
            let mut reader = Reader { rest };
            let item = reader.bytes("list item").unwrap_or_default();
            rest = reader.rest;
            item
        })
    }
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], JobError> {
        if self.rest.len() < n {
            return Err(JobError::Truncated(field));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, JobError> {
        let mut raw = [0u8; 4];
        raw.copy_from_slice(self.take(4, field)?);
        Ok(u32::from_le_bytes(raw))
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, JobError> {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(self.take(8, field)?);
        Ok(u64::from_le_bytes(raw))
    }

    fn bytes(&mut self, field: &'static str) -> Result<&'a [u8], JobError> {
        let len = self.u32(field)? as usize;
        self.take(len, field)
    }

    fn list(&mut self, field: &'static str) -> Result<List<'a>, JobError> {
        let count = self.u32(field)?;
        let start = self.rest;
        for _ in 0..count {
            self.bytes(field)?;
        }
        let used = start.len() - self.rest.len();
        Ok(List { count, encoded: &start[..used] })
    }
}

impl<'a> Job<'a> {
    /// Decodes a job, checking every length against the buffer.
    pub fn decode(buffer: &'a [u8]) -> Result<Self, JobError> {
        let mut reader = Reader { rest: buffer };
        let magic = reader.take(JOB_MAGIC.len(), "magic").map_err(|_| JobError::BadMagic)?;
        let (with_fs, with_events) = match magic {
            m if m == JOB_MAGIC => (false, false),
            m if m == JOB_MAGIC_FS => (true, false),
            m if m == JOB_MAGIC_EVENTS => (true, true),
            _ => return Err(JobError::BadMagic),
        };
        let mut job = Job {
            seed: reader.u64("seed")?,
            start_time_ns: reader.u64("start_time")?,
            heap_budget: reader.u32("heap_budget")?,
            stack_size: reader.u32("stack_size")?,
            flags: reader.u32("flags")?,
            args: reader.list("args")?,
            env: reader.list("env")?,
            stdin: reader.bytes("stdin")?,
            module: reader.bytes("module")?,
            image: &[],
            preopens: List { count: 0, encoded: &[] },
            events: &[],
        };
        if job.flags & !flags::ALL != 0 {
            return Err(JobError::UnknownFlags(job.flags & !flags::ALL));
        }
        if with_fs {
            job.image = reader.bytes("image")?;
            job.preopens = reader.list("preopens")?;
        }
        if with_events {
            let count = reader.u32("events")? as usize;
            job.events = reader.take(count.checked_mul(EVENT_SIZE).ok_or(JobError::Truncated("events"))?, "events")?;
            for event in job.events.chunks_exact(EVENT_SIZE) {
                let kind = u32::from_le_bytes([event[0], event[1], event[2], event[3]]);
                InputKind::from_u32(kind).ok_or(JobError::BadEvent)?;
            }
        }
        if !reader.rest.is_empty() {
            return Err(JobError::TrailingBytes);
        }
        Ok(job)
    }

    /// The guest's arguments; the first is the program name.
    pub fn args(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.args.iter()
    }

    pub fn arg_count(&self) -> usize {
        self.args.count as usize
    }

    /// The guest's environment, as `NAME=value` strings.
    pub fn env(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.env.iter()
    }

    pub fn env_count(&self) -> usize {
        self.env.count as usize
    }

    /// The injected pointer events, in order.
    pub fn events(&self) -> impl Iterator<Item = InputEvent> + 'a {
        self.events.chunks_exact(EVENT_SIZE).map(|event| {
            let word = |at: usize| [event[at], event[at + 1], event[at + 2], event[at + 3]];
            InputEvent {
                // Checked by `decode`.
                kind: InputKind::from_u32(u32::from_le_bytes(word(0))).unwrap_or(InputKind::Click),
                x: i32::from_le_bytes(word(4)),
                y: i32::from_le_bytes(word(8)),
            }
        })
    }

    pub fn event_count(&self) -> usize {
        self.events.len() / EVENT_SIZE
    }

    /// Whether the run ends as [`crate::Status::Idle`] once the guest waits for input with
    /// nothing left to deliver ([`flags::UNTIL_IDLE`]).
    pub fn until_idle(&self) -> bool {
        self.flags & flags::UNTIL_IDLE != 0
    }

    /// The preopened directories: (guest name, directory in the image), in fd order from 3.
    pub fn preopens(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.preopens.iter().map(|item| {
            let cut = item.iter().position(|&b| b == 0).unwrap_or(item.len());
            (&item[..cut], item.get(cut + 1..).unwrap_or_default())
        })
    }
}

/// The parts of a job the harness fills in, before encoding.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobSpec {
    pub seed: u64,
    pub start_time_ns: u64,
    pub heap_budget: u32,
    pub stack_size: u32,
    pub flags: u32,
    pub args: alloc::vec::Vec<alloc::vec::Vec<u8>>,
    pub env: alloc::vec::Vec<alloc::vec::Vec<u8>>,
    pub stdin: alloc::vec::Vec<u8>,
    pub module: alloc::vec::Vec<u8>,
    /// An encoded [`crate::Image`]; empty for none.
    pub image: alloc::vec::Vec<u8>,
    /// (guest name, directory in the image), preopened as fds 3, 4, ...
    pub preopens: alloc::vec::Vec<(alloc::vec::Vec<u8>, alloc::vec::Vec<u8>)>,
}

#[cfg(feature = "alloc")]
impl Job<'_> {
    /// Encodes a job in the layout described at the top of this module.
    pub fn encode(spec: &JobSpec) -> alloc::vec::Vec<u8> {
        Self::encode_with_events(spec, &[])
    }

    /// Encodes a job with pointer events injected into the display's input device (a
    /// `"XILAJOB3"` job when there are any). Apart from [`JobSpec`], so that every place that
    /// builds a `JobSpec` field by field keeps compiling.
    pub fn encode_with_events(spec: &JobSpec, events: &[InputEvent]) -> alloc::vec::Vec<u8> {
        use alloc::vec::Vec;
        fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        fn put_list(out: &mut Vec<u8>, items: &[Vec<u8>]) {
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for item in items {
                put_bytes(out, item);
            }
        }
        let with_events = !events.is_empty();
        let with_fs = with_events || !spec.image.is_empty() || !spec.preopens.is_empty();
        let mut out = Vec::with_capacity(64 + spec.module.len() + spec.stdin.len() + spec.image.len());
        out.extend_from_slice(if with_events {
            JOB_MAGIC_EVENTS
        } else if with_fs {
            JOB_MAGIC_FS
        } else {
            JOB_MAGIC
        });
        out.extend_from_slice(&spec.seed.to_le_bytes());
        out.extend_from_slice(&spec.start_time_ns.to_le_bytes());
        out.extend_from_slice(&spec.heap_budget.to_le_bytes());
        out.extend_from_slice(&spec.stack_size.to_le_bytes());
        out.extend_from_slice(&spec.flags.to_le_bytes());
        put_list(&mut out, &spec.args);
        put_list(&mut out, &spec.env);
        put_bytes(&mut out, &spec.stdin);
        put_bytes(&mut out, &spec.module);
        if with_fs {
            put_bytes(&mut out, &spec.image);
            let preopens: Vec<Vec<u8>> = spec
                .preopens
                .iter()
                .map(|(guest, dir)| {
                    let mut item = guest.clone();
                    item.push(0);
                    item.extend_from_slice(dir);
                    item
                })
                .collect();
            put_list(&mut out, &preopens);
        }
        if with_events {
            out.extend_from_slice(&(events.len() as u32).to_le_bytes());
            for event in events {
                out.extend_from_slice(&(event.kind as u32).to_le_bytes());
                out.extend_from_slice(&event.x.to_le_bytes());
                out.extend_from_slice(&event.y.to_le_bytes());
            }
        }
        out
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn sample() -> JobSpec {
        JobSpec {
            seed: 0x1234_5678_9abc_def0,
            start_time_ns: 1_700_000_000_000_000_000,
            heap_budget: 65536,
            stack_size: 16384,
            flags: flags::SELF_TEST_PANIC,
            args: vec![b"prog.wasm".to_vec(), b"a \"quoted\"\narg".to_vec(), vec![0xff, 0x00, 0xc3]],
            env: vec![b"KEY=value with\nnewline".to_vec()],
            stdin: b"line one\nline two\n".to_vec(),
            module: b"\0asm\x01\0\0\0".to_vec(),
            ..JobSpec::default()
        }
    }

    fn sample_with_fs() -> JobSpec {
        let mut image = crate::ImageBuilder::new();
        image.push(crate::EntryKind::File, b"a.txt", b"hello");
        JobSpec {
            image: image.finish(),
            preopens: vec![(b"/".to_vec(), b"".to_vec()), (b"data".to_vec(), b"data".to_vec())],
            ..sample()
        }
    }

    #[test]
    fn a_job_without_a_file_system_keeps_the_first_layout() {
        let encoded = Job::encode(&sample());
        assert_eq!(&encoded[..8], JOB_MAGIC);
        let job = Job::decode(&encoded).unwrap();
        assert!(job.image.is_empty());
        assert_eq!(job.preopens().count(), 0);
    }

    #[test]
    fn a_job_with_a_file_system_survives_encoding_and_truncation() {
        let spec = sample_with_fs();
        let encoded = Job::encode(&spec);
        assert_eq!(&encoded[..8], JOB_MAGIC_FS);
        let job = Job::decode(&encoded).unwrap();
        assert_eq!(job.image, &spec.image[..]);
        assert_eq!(job.module, &spec.module[..]);
        let preopens: Vec<_> = job.preopens().collect();
        assert_eq!(preopens, [(&b"/"[..], &b""[..]), (&b"data"[..], &b"data"[..])]);
        for len in 0..encoded.len() {
            assert!(Job::decode(&encoded[..len]).is_err(), "a job cut at {len} bytes decoded");
        }
    }

    #[test]
    fn a_job_with_events_survives_encoding_and_truncation() {
        let events = vec![
            InputEvent { kind: InputKind::Click, x: 60, y: 80 },
            InputEvent { kind: InputKind::Press, x: -1, y: 239 },
        ];
        let spec = sample();
        let encoded = Job::encode_with_events(&spec, &events);
        assert_eq!(&encoded[..8], JOB_MAGIC_EVENTS);
        let job = Job::decode(&encoded).unwrap();
        assert_eq!(job.events().collect::<Vec<_>>(), events);
        assert_eq!(job.event_count(), 2);
        assert!(job.image.is_empty() && job.preopens().count() == 0);
        assert_eq!(job.module, &spec.module[..]);
        for len in 0..encoded.len() {
            assert!(Job::decode(&encoded[..len]).is_err(), "a job cut at {len} bytes decoded");
        }
        let with_fs = Job::encode_with_events(&sample_with_fs(), &events);
        let job = Job::decode(&with_fs).unwrap();
        assert_eq!(job.preopens().count(), 2);
        assert_eq!(job.events().count(), 2);
        // An unknown kind is refused, not guessed.
        let mut bad = encoded.clone();
        let kind_at = bad.len() - 2 * EVENT_SIZE;
        bad[kind_at] = 9;
        assert_eq!(Job::decode(&bad), Err(JobError::BadEvent));
        // Jobs without events keep their magics.
        assert_eq!(&Job::encode(&sample())[..8], JOB_MAGIC);
        assert_eq!(&Job::encode(&sample_with_fs())[..8], JOB_MAGIC_FS);
    }

    #[test]
    fn a_job_survives_encoding_byte_for_byte() {
        let spec = sample();
        let encoded = Job::encode(&spec);
        let job = Job::decode(&encoded).expect("decodes");
        assert_eq!(job.seed, spec.seed);
        assert_eq!(job.start_time_ns, spec.start_time_ns);
        assert_eq!(job.heap_budget, spec.heap_budget);
        assert_eq!(job.stack_size, spec.stack_size);
        assert_eq!(job.flags, spec.flags);
        assert_eq!(job.args().map(<[u8]>::to_vec).collect::<Vec<_>>(), spec.args);
        assert_eq!(job.env().map(<[u8]>::to_vec).collect::<Vec<_>>(), spec.env);
        assert_eq!(job.arg_count(), 3);
        assert_eq!(job.env_count(), 1);
        assert_eq!(job.stdin, &spec.stdin[..]);
        assert_eq!(job.module, &spec.module[..]);
    }

    #[test]
    fn every_truncation_is_reported_not_panicked() {
        let encoded = Job::encode(&sample());
        for len in 0..encoded.len() {
            assert!(Job::decode(&encoded[..len]).is_err(), "a job cut at {len} bytes decoded");
        }
    }

    #[test]
    fn wrong_magic_and_trailing_bytes_are_errors() {
        let mut encoded = Job::encode(&sample());
        encoded.push(0);
        assert_eq!(Job::decode(&encoded), Err(JobError::TrailingBytes));
        encoded[0] = b'Y';
        assert_eq!(Job::decode(&encoded), Err(JobError::BadMagic));
    }

    #[test]
    fn the_idle_flag_survives_every_layout_and_leaves_the_layout_alone() {
        let events = [InputEvent { kind: InputKind::Click, x: 5, y: 5 }];
        let with_flag = |spec: JobSpec| JobSpec { flags: spec.flags | flags::UNTIL_IDLE, ..spec };
        for (spec, events, magic) in [
            (sample(), &[][..], JOB_MAGIC),
            (sample_with_fs(), &[][..], JOB_MAGIC_FS),
            (sample(), &events[..], JOB_MAGIC_EVENTS),
        ] {
            let plain = Job::encode_with_events(&spec, events);
            let idle = Job::encode_with_events(&with_flag(spec.clone()), events);
            // The flag is one bit of the flags word: same magic, same length, nothing else moves.
            assert_eq!(&idle[..8], magic);
            assert_eq!(idle.len(), plain.len());
            let differing: Vec<usize> = (0..idle.len()).filter(|&i| idle[i] != plain[i]).collect();
            assert_eq!(differing, [8 + 8 + 8 + 4 + 4], "only the flags' first byte differs");
            let job = Job::decode(&idle).unwrap();
            assert!(job.until_idle());
            assert_eq!(job.flags, spec.flags | flags::UNTIL_IDLE);
            assert_eq!(job.events().collect::<Vec<_>>(), events);
            assert_eq!(job.module, &spec.module[..]);
            assert!(!Job::decode(&plain).unwrap().until_idle());
        }
        // An old job (no idle bit) still decodes as before.
        assert_eq!(Job::decode(&Job::encode(&sample())).unwrap().flags, flags::SELF_TEST_PANIC);
    }

    #[test]
    fn an_unknown_flag_is_refused_not_ignored() {
        let unknown = 1 << 31;
        let encoded = Job::encode(&JobSpec { flags: flags::UNTIL_IDLE | unknown, ..sample() });
        assert_eq!(Job::decode(&encoded), Err(JobError::UnknownFlags(unknown)));
        assert_eq!(flags::ALL & unknown, 0);
    }

    #[test]
    fn a_huge_length_prefix_is_a_truncation() {
        let mut encoded = Job::encode(&JobSpec::default());
        // The args count sits after magic, seed, start time, heap budget, stack size and flags.
        let args_at = 8 + 8 + 8 + 4 + 4 + 4;
        encoded[args_at..args_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Job::decode(&encoded), Err(JobError::Truncated("args")));
    }
}
