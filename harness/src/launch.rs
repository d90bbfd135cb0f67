//! Starting the firmware: the QEMU (or host runner) command line, a process group of its own,
//! and a timeout that kills the whole group.

use std::ffi::OsString;
use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::target::Target;

/// A command line, kept as data so that it can be printed for reproduction.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

impl Invocation {
    /// The command line as a shell would take it.
    pub fn to_shell(&self) -> String {
        std::iter::once(self.program.as_os_str())
            .chain(self.args.iter().map(OsString::as_os_str))
            .map(|part| shell_quote(&part.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The QEMU arguments every emulated run gets, after the target's own:
/// - no display, no monitor, no serial: the firmware talks through semihosting only;
/// - `-icount shift=0,sleep=off`: one virtual nanosecond per guest instruction, so timers and
///   instruction counts are the same on every run, whatever the host is doing.
const COMMON_QEMU_ARGS: &[&str] =
    &["-nographic", "-monitor", "none", "-serial", "none", "-icount", "shift=0,sleep=off"];

/// The command that runs `firmware` on `target` with the job in `job_dir`.
pub fn invocation(target: &Target, firmware: &Path, job_dir: &Path) -> anyhow::Result<Invocation> {
    let job_dir_text = job_dir.to_str().context("the job directory's path is not UTF-8")?;
    let Some(qemu) = &target.qemu else {
        return Ok(Invocation { program: firmware.to_path_buf(), args: vec![job_dir.into()] });
    };
    // QEMU's option parser splits on commas; a doubled comma stands for one.
    let semihosting_arg = job_dir_text.replace(',', ",,");
    let mut args: Vec<OsString> = vec!["-machine".into(), qemu.machine.clone().into()];
    if let Some(cpu) = &qemu.cpu {
        args.extend(["-cpu".into(), cpu.into()]);
    }
    args.extend(qemu.args.iter().map(OsString::from));
    args.extend(COMMON_QEMU_ARGS.iter().map(OsString::from));
    args.extend([
        "-semihosting-config".into(),
        format!("enable=on,target=native,arg=xila-firmware,arg={semihosting_arg}").into(),
        "-kernel".into(),
        firmware.into(),
    ]);
    Ok(Invocation { program: PathBuf::from(&qemu.binary), args })
}

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this status.
    Exited(i32),
    /// A signal ended it (not one of ours).
    Signalled(i32),
    /// It ran past its timeout; its process group was killed.
    TimedOut,
}

#[derive(Debug, Clone)]
pub struct Finished {
    pub ended: Ended,
    pub wall: Duration,
}

/// Finds `program` on `PATH` (or checks it, if it is a path).
pub fn find_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Runs `invocation` with its stdout and stderr in `log_dir`, killing its whole process group
/// if it is still running after `timeout`.
pub fn run(invocation: &Invocation, log_dir: &Path, timeout: Duration) -> anyhow::Result<Finished> {
    if find_program(&invocation.program).is_none() {
        bail!(
            "`{}` was not found; run `make setup` to install QEMU and the cross toolchains",
            invocation.program.display()
        );
    }
    let stdout = File::create(log_dir.join("process.stdout")).context("creating the process's stdout log")?;
    let stderr = File::create(log_dir.join("process.stderr")).context("creating the process's stderr log")?;
    if interrupted() {
        bail!("interrupted before `{}` started", invocation.program.display());
    }
    let started = Instant::now();
    let mut child = Command::new(&invocation.program)
        .args(&invocation.args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        // A group of its own, so that a timeout kills QEMU and anything it started.
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting `{}`", invocation.program.display()))?;
    let group = child.id() as libc::pid_t;
    register(group);
    // A blocking wait on a thread of its own reports the exit at once; polling would add its
    // interval to every run.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait());
    });
    let waited = receiver.recv_timeout(timeout);
    // Anything the process left behind in its group goes too, and on a timeout the whole group.
    kill_group(group);
    unregister(group);
    let status = match waited {
        Ok(status) => status.context("waiting for the process")?,
        Err(_) => {
            // Reap the leader so that no zombie is left.
            let _ = receiver.recv();
            return Ok(Finished { ended: Ended::TimedOut, wall: started.elapsed() });
        }
    };
    let ended = match (status.code(), status.signal()) {
        (Some(code), _) => Ended::Exited(code),
        (None, Some(signal)) => Ended::Signalled(signal),
        (None, None) => Ended::Signalled(0),
    };
    Ok(Finished { ended, wall: started.elapsed() })
}

/// Process groups of the runs under way, so that an interruption can end them all.
static RUNNING: Mutex<Vec<libc::pid_t>> = Mutex::new(Vec::new());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn register(group: libc::pid_t) {
    if let Ok(mut running) = RUNNING.lock() {
        running.push(group);
    }
}

fn unregister(group: libc::pid_t) {
    if let Ok(mut running) = RUNNING.lock() {
        running.retain(|g| *g != group);
    }
}

/// Stops everything: kills every running process group, and no new run starts. Called from
/// the Ctrl-C handler; the runs under way end as infrastructure errors ("interrupted").
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    if let Ok(running) = RUNNING.lock() {
        for group in running.iter() {
            kill_group(*group);
        }
    }
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

fn kill_group(group: libc::pid_t) {
    // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory of ours.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_kills_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        // The shell starts a grandchild that would outlive a plain kill of the shell.
        let script = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        let invocation = Invocation { program: "/bin/sh".into(), args: vec!["-c".into(), script.into()] };
        let finished = run(&invocation, dir.path(), Duration::from_millis(300)).unwrap();
        assert_eq!(finished.ended, Ended::TimedOut);
        let pid: libc::pid_t = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // A killed process whose parent died may linger as a zombie until it is reaped; a
        // zombie runs nothing, so only a live state counts.
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let alive = state.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'));
        assert!(!alive, "the grandchild {pid} survived the timeout");
    }

    #[test]
    fn an_exit_status_is_returned() {
        let dir = tempfile::tempdir().unwrap();
        let invocation = Invocation { program: "/bin/sh".into(), args: vec!["-c".into(), "exit 33".into()] };
        let finished = run(&invocation, dir.path(), Duration::from_secs(10)).unwrap();
        assert_eq!(finished.ended, Ended::Exited(33));
    }

    #[test]
    fn a_missing_program_says_to_run_setup() {
        let dir = tempfile::tempdir().unwrap();
        let invocation = Invocation { program: "qemu-system-nonexistent".into(), args: vec![] };
        let message = run(&invocation, dir.path(), Duration::from_secs(1)).unwrap_err().to_string();
        assert!(message.contains("make setup"), "{message}");
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(shell_quote("plain-word"), "plain-word");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
