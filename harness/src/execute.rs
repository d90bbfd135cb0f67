//! One run: pack the job, start the firmware, read back its channels and its result record.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use anyhow::bail;
use bench_protocol::{files, EntryKind, ImageBuilder, Job, JobSpec, ResultRecord, Status};

use crate::launch::{self, Ended, Invocation};
use crate::frame::Frame;
use crate::spec::Spec;
use crate::target::Target;

/// The seed of the guest's random generator unless the user sets one: runs are reproducible.
pub const DEFAULT_SEED: u64 = 0x5849_4c41_4245_4e43;
/// The realtime clock at boot unless the user sets one: 2026-01-01T00:00:00Z. Fixed, so that
/// a run repeats exactly (a guest that prints the date prints the same date).
pub const DEFAULT_START_TIME_NS: u64 = 1_767_225_600 * 1_000_000_000;
/// WAMR's operand stack (frames, locals, operands) per instance unless the user sets one
/// (`--wasm-stack`). Each run reports how much it used (`operand_stack_peak`).
/// 8 KiB: every suite and bench workload here peaks at 3.2 KiB or less (host, 64-bit frames),
/// and the fast interpreter wants twice a frame free before it pushes one.
pub const DEFAULT_STACK_SIZE: u32 = 8 * 1024;

/// The host's realtime clock now, in nanoseconds since the Unix epoch.
pub fn host_time_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos() as u64
}

/// Settings shared by every run of a session.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub seed: u64,
    /// The realtime clock at boot, in nanoseconds since the Unix epoch.
    pub start_time_ns: u64,
    pub heap_budget: u32,
    /// Keep each job directory (for debugging) instead of deleting it.
    pub keep_job_dirs: bool,
    /// Self-test requests for the firmware ([`bench_protocol::flags`]); a spec's `until_idle`
    /// adds its own flag per test.
    pub flags: u32,
    /// WAMR's operand stack per instance, in bytes.
    pub stack_size: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            seed: DEFAULT_SEED,
            start_time_ns: DEFAULT_START_TIME_NS,
            heap_budget: 0,
            keep_job_dirs: false,
            flags: 0,
            stack_size: DEFAULT_STACK_SIZE,
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub diagnostics: String,
    pub end: RunEnd,
    pub wall: Duration,
    pub invocation: Invocation,
    /// Kept only when asked for.
    pub job_dir: Option<PathBuf>,
    /// The guest's file system as the run left it (an encoded [`bench_protocol::Image`]), when
    /// the test had one and the firmware wrote it back.
    pub fs_image: Option<Vec<u8>>,
    /// The display's last frame, when the guest used the graphics bindings (the job's `frame`
    /// file), or why that file could not be read.
    pub frame: Option<Result<Frame, String>>,
}

/// How a run ended, as far as the harness can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    /// The firmware wrote its result record.
    Finished(Record),
    /// The run was killed at its timeout.
    TimedOut(Duration),
    /// The run did not get as far as the guest: QEMU failed, or the firmware left no record.
    Infrastructure(String),
}

/// An owned copy of the firmware's [`ResultRecord`].
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub status: Status,
    pub exit_code: u32,
    pub message: String,
    pub instructions: Option<u64>,
    pub heap_peak: Option<u64>,
    pub runtime_heap_peak: Option<u64>,
    /// Instructions to render one full frame, for runs that drew.
    pub render_instructions: Option<u64>,
    /// Instructions between the guest's `xila_bench` begin and end marks, for runs that set them.
    pub measured_instructions: Option<u64>,
    pub stack_peak: Option<u64>,
    /// Bytes of WAMR's operand stack the run used.
    pub operand_stack_peak: Option<u64>,
}

/// A job that cannot fit the target's memory, found before QEMU starts.
#[derive(Debug)]
pub struct DoesNotFit(pub String);

impl std::fmt::Display for DoesNotFit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DoesNotFit {}

/// Runs `module` on `target` as `spec` says.
pub fn run_module(
    target: &Target,
    executable: &Path,
    module_name: &str,
    module: Vec<u8>,
    spec: &Spec,
    settings: &RunSettings,
) -> anyhow::Result<RunOutput> {
    let (image, preopens) = pack_file_system(spec)?;
    let heap = if settings.heap_budget != 0 {
        u64::from(settings.heap_budget)
    } else {
        target.heap_budget.map(u64::from).or(target.memory.as_ref().map(|m| m.heap_size)).unwrap_or(0)
    };
    // The firmware holds the job (image included) and the mounted copy of the image at once.
    let needed = 2 * image.len() as u64 + module.len() as u64;
    if heap != 0 && !image.is_empty() && needed > heap {
        return Err(DoesNotFit(format!(
            "the test's root directory ({}) packs into a {} byte file-system image; with its mounted copy and the module the firmware needs {needed} bytes, more than target {}'s {heap} byte heap (found before boot)",
            spec.dirs.join(", "),
            image.len(),
            target.name
        ))
        .into());
    }
    let job_dir = tempfile::Builder::new().prefix("xbench-job-").tempdir().context("creating a job directory")?;
    let mut args = vec![module_name.as_bytes().to_vec()];
    args.extend(spec.args.iter().map(|a| a.as_bytes().to_vec()));
    let job = JobSpec {
        seed: settings.seed,
        start_time_ns: settings.start_time_ns,
        heap_budget: if settings.heap_budget != 0 { settings.heap_budget } else { target.heap_budget.unwrap_or(0) },
        stack_size: spec.wasm_stack.unwrap_or(settings.stack_size),
        flags: settings.flags | if spec.until_idle { bench_protocol::flags::UNTIL_IDLE } else { 0 },
        args,
        env: spec.env.iter().map(|(k, v)| format!("{k}={v}").into_bytes()).collect(),
        stdin: spec.stdin.clone(),
        module,
        image,
        preopens,
    };
    std::fs::write(job_dir.path().join(files::JOB), Job::encode_with_events(&job, &spec.events))
        .context("writing the job file")?;

    let invocation = launch::invocation(target, executable, job_dir.path())?;
    let timeout = Duration::from_secs_f64(spec.timeout_seconds * target.timeout_multiplier);
    let finished = launch::run(&invocation, job_dir.path(), timeout)?;

    let read = |name: &str| std::fs::read(job_dir.path().join(name)).unwrap_or_default();
    let end = match finished.ended {
        Ended::TimedOut => RunEnd::TimedOut(timeout),
        ended => read_record(job_dir.path(), ended),
    };
    let output = RunOutput {
        stdout: read(files::STDOUT),
        stderr: read(files::STDERR),
        diagnostics: String::from_utf8_lossy(&read(files::DIAGNOSTICS)).into_owned(),
        end,
        wall: finished.wall,
        invocation,
        job_dir: None,
        fs_image: std::fs::read(job_dir.path().join(files::FS)).ok(),
        frame: std::fs::read(job_dir.path().join(files::FRAME))
            .ok()
            .map(|bytes| Frame::from_frame_file(&bytes).map_err(|e| format!("{e:#}"))),
    };
    if let (true, Some(Ok(frame))) = (target.is_host(), &output.frame) {
        bless(spec, frame)?;
    }
    if settings.keep_job_dirs {
        if let Some(Ok(frame)) = &output.frame {
            std::fs::write(job_dir.path().join("frame.png"), frame.to_png()).context("writing frame.png")?;
        }
        let kept = job_dir.keep();
        return Ok(RunOutput { job_dir: Some(kept), ..output });
    }
    Ok(output)
}

/// `XBENCH_BLESS` set (to `1`, or to a directory): the host's frame becomes the test's golden,
/// written where the spec's `frame` names it (relative to the spec, so in the suite directory
/// that ran: for a built suite, `build/suites/<suite>/...`); given a directory, also under that
/// directory at the same relative path (the source suite, say
/// `XBENCH_BLESS=conformance/bindings`), so that the golden can be committed.
fn bless(spec: &Spec, frame: &Frame) -> anyhow::Result<()> {
    let (Some(value), Some(name), Some(path)) = (std::env::var_os("XBENCH_BLESS"), &spec.frame, spec.frame_path()) else {
        return Ok(());
    };
    if value.is_empty() || value == "0" {
        return Ok(());
    }
    let mut paths = vec![path];
    if value != "1" {
        paths.push(PathBuf::from(value).join(name));
    }
    let png = frame.to_png();
    for path in paths {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, &png).with_context(|| format!("writing the golden {}", path.display()))?;
        eprintln!("xbench: XBENCH_BLESS: wrote the golden frame {}", path.display());
    }
    Ok(())
}

/// Packs the spec's `root` (as the guest's `/`) or `dirs` (each under its own name) into a
/// file-system image, with the preopens that go with it. Scratch files (`*.cleanup`) are left
/// out, so every run starts from the directory as committed; nothing is ever written back to it.
/// (guest name, directory in the image) for each preopen.
pub type Preopens = Vec<(Vec<u8>, Vec<u8>)>;

pub fn pack_file_system(spec: &Spec) -> anyhow::Result<(Vec<u8>, Preopens)> {
    if spec.dirs.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let base = spec.base_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut image = ImageBuilder::new();
    let mut preopens = Vec::new();
    for dir in &spec.dirs {
        let source = base.join(dir);
        if !source.is_dir() {
            bail!("the test's {} directory {} does not exist", if spec.root { "root" } else { "dirs" }, source.display());
        }
        let name = dir.trim_start_matches("./").trim_end_matches('/');
        if spec.root {
            preopens.push((b"/".to_vec(), Vec::new()));
            pack_dir(&source, "", &mut image)?;
        } else {
            image.push(EntryKind::Directory, name.as_bytes(), &[]);
            preopens.push((name.as_bytes().to_vec(), name.as_bytes().to_vec()));
            pack_dir(&source, name, &mut image)?;
        }
    }
    Ok((image.finish(), preopens))
}

fn pack_dir(source: &Path, prefix: &str, image: &mut ImageBuilder) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(source)
        .with_context(|| format!("listing {}", source.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".cleanup") {
            continue;
        }
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let file_type = entry.file_type().with_context(|| format!("reading {}", entry.path().display()))?;
        if file_type.is_symlink() {
            let target = std::fs::read_link(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?;
            image.push(EntryKind::Symlink, path.as_bytes(), target.to_string_lossy().as_bytes());
        } else if file_type.is_dir() {
            image.push(EntryKind::Directory, path.as_bytes(), &[]);
            pack_dir(&entry.path(), &path, image)?;
        } else {
            let bytes = std::fs::read(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?;
            image.push(EntryKind::File, path.as_bytes(), &bytes);
        }
    }
    Ok(())
}

/// Reads the result record and checks it against the process's exit status.
fn read_record(job_dir: &Path, ended: Ended) -> RunEnd {
    let process_said = || {
        let log = std::fs::read_to_string(job_dir.join("process.stderr")).unwrap_or_default();
        let log = log.trim();
        let how = match ended {
            Ended::Exited(code) => format!("exited with status {code}"),
            Ended::Signalled(signal) => format!("was killed by signal {signal}"),
            Ended::TimedOut => "timed out".to_string(),
        };
        if log.is_empty() {
            how
        } else {
            format!("{how}; it said: {log}")
        }
    };
    let Ok(text) = std::fs::read_to_string(job_dir.join(files::RESULT)) else {
        return RunEnd::Infrastructure(format!("the firmware left no result record; the process {}", process_said()));
    };
    let record = match ResultRecord::parse(&text) {
        Ok(record) => record,
        Err(e) => return RunEnd::Infrastructure(format!("{e}; the process {}", process_said())),
    };
    let status = record.status.unwrap_or(Status::Panic);
    let expected = status.process_exit_status(record.exit_code) & 0xff;
    if ended != Ended::Exited(expected as i32) {
        return RunEnd::Infrastructure(format!(
            "the result record says `{status}` (exit code {}), which must end the process with status {expected}, but the process {}",
            record.exit_code,
            process_said()
        ));
    }
    RunEnd::Finished(Record {
        status,
        exit_code: record.exit_code,
        message: record.message.to_string(),
        instructions: record.instructions,
        heap_peak: record.heap_peak,
        runtime_heap_peak: record.runtime_heap_peak,
        render_instructions: record.render_instructions,
        measured_instructions: record.measured_instructions,
        stack_peak: record.stack_peak,
        operand_stack_peak: record.operand_stack_peak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bench_protocol::Image;

    #[test]
    fn a_root_is_packed_without_cleanup_files_and_preopened_as_slash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("fs");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "A").unwrap();
        std::fs::write(root.join("old.cleanup"), "scratch").unwrap();
        std::os::unix::fs::symlink("sub/a.txt", root.join("link")).unwrap();
        let spec = Spec { dirs: vec!["fs".into()], root: true, base_dir: Some(dir.path().into()), ..Spec::default() };
        let (bytes, preopens) = pack_file_system(&spec).unwrap();
        assert_eq!(preopens, [(b"/".to_vec(), Vec::new())]);
        let image = Image::decode(&bytes).unwrap();
        let paths: Vec<_> = image.entries().map(|e| (e.kind, String::from_utf8_lossy(e.path).into_owned())).collect();
        assert_eq!(
            paths,
            [(EntryKind::Symlink, "link".into()), (EntryKind::Directory, "sub".into()), (EntryKind::File, "sub/a.txt".into())]
        );
        let legacy = Spec { dirs: vec!["fs".into()], base_dir: Some(dir.path().into()), ..Spec::default() };
        let (_, preopens) = pack_file_system(&legacy).unwrap();
        assert_eq!(preopens, [(b"fs".to_vec(), b"fs".to_vec())]);
        let missing = Spec { dirs: vec!["nope".into()], root: true, base_dir: Some(dir.path().into()), ..Spec::default() };
        assert!(format!("{:#}", pack_file_system(&missing).unwrap_err()).contains("does not exist"));
    }
}
