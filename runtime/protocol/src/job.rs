//! The job: everything a run needs, in one little-endian, length-prefixed buffer.
//!
//! Layout (all integers little-endian):
//! ```text
//! magic        8 bytes  "XILAJOB1"
//! seed         u64      seed of the guest's random_get generator
//! start_time   u64      realtime clock at boot, nanoseconds since the Unix epoch
//! heap_budget  u32      bytes of heap the runtime may use (0: everything the board has)
//! stack_size   u32      WAMR's per-instance operand stack, bytes
//! flags        u32      self-test requests, see [`flags`]
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
//! Decoding borrows from the buffer, so the firmware needs no second copy of the module.

/// Bits of [`Job::flags`]: requests that test the firmware's own failure paths. A guest can
/// never set them; only the harness writes the job.
pub mod flags {
    /// Fault the CPU (an access to an unmapped address) before loading the module.
    pub const SELF_TEST_FAULT: u32 = 1 << 0;
    /// Panic the firmware before loading the module.
    pub const SELF_TEST_PANIC: u32 = 1 << 1;
}

/// The first eight bytes of every job.
pub const JOB_MAGIC: &[u8; 8] = b"XILAJOB1";
/// The first eight bytes of a job that carries a file-system image and preopens.
pub const JOB_MAGIC_FS: &[u8; 8] = b"XILAJOB2";

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
}

impl core::fmt::Display for JobError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            JobError::BadMagic => write!(f, "job file does not start with {:?}", "XILAJOB1"),
            JobError::Truncated(field) => write!(f, "job file ends inside field `{field}`"),
            JobError::TrailingBytes => write!(f, "job file has bytes after the module"),
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
        let with_fs = match magic {
            m if m == JOB_MAGIC => false,
            m if m == JOB_MAGIC_FS => true,
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
        };
        if with_fs {
            job.image = reader.bytes("image")?;
            job.preopens = reader.list("preopens")?;
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
        let with_fs = !spec.image.is_empty() || !spec.preopens.is_empty();
        let mut out = Vec::with_capacity(64 + spec.module.len() + spec.stdin.len() + spec.image.len());
        out.extend_from_slice(if with_fs { JOB_MAGIC_FS } else { JOB_MAGIC });
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
    fn a_huge_length_prefix_is_a_truncation() {
        let mut encoded = Job::encode(&JobSpec::default());
        // The args count sits after magic, seed, start time, heap budget, stack size and flags.
        let args_at = 8 + 8 + 8 + 4 + 4 + 4;
        encoded[args_at..args_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Job::decode(&encoded), Err(JobError::Truncated("args")));
    }
}
