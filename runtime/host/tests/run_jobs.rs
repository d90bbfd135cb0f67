//! End-to-end: encode a job, run the xila-host binary on it, check its files and exit status.

use bench_protocol::{files, Job, JobSpec, ResultRecord, Status};
use std::path::PathBuf;
use std::process::Command;

struct Ran {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    diagnostics: String,
    result: String,
}

fn job_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xila-host-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create job dir");
    dir
}

fn run_bytes(name: &str, job: &[u8]) -> Ran {
    let dir = job_dir(name);
    std::fs::write(dir.join(files::JOB), job).expect("write job");
    let status = Command::new(env!("CARGO_BIN_EXE_xila-host")).arg(&dir).status().expect("run xila-host");
    let read = |file: &str| std::fs::read(dir.join(file)).unwrap_or_default();
    let ran = Ran {
        code: status.code().expect("exit code"),
        stdout: read(files::STDOUT),
        stderr: read(files::STDERR),
        diagnostics: String::from_utf8_lossy(&read(files::DIAGNOSTICS)).into_owned(),
        result: String::from_utf8_lossy(&read(files::RESULT)).into_owned(),
    };
    let _ = std::fs::remove_dir_all(&dir);
    ran
}

fn run(name: &str, wat: &str, tweak: impl FnOnce(&mut JobSpec)) -> Ran {
    let mut spec = JobSpec {
        seed: 1,
        start_time_ns: 1_700_000_000_000_000_000,
        args: vec![format!("{name}.wasm").into_bytes()],
        module: wat::parse_str(wat).expect("valid WAT"),
        ..Default::default()
    };
    tweak(&mut spec);
    run_bytes(name, &Job::encode(&spec))
}

fn record(ran: &Ran) -> ResultRecord<'_> {
    ResultRecord::parse(&ran.result).expect("result record")
}

const WASI_IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
"#;

fn module(body: &str) -> String {
    format!("(module {WASI_IMPORTS} (memory (export \"memory\") 1) {body})")
}

#[test]
fn hello_reaches_stdout_and_exits_zero() {
    let wat = module(
        r#"(data (i32.const 16) "hello\n")
           (func (export "_start")
             (i32.store (i32.const 0) (i32.const 16))
             (i32.store (i32.const 4) (i32.const 6))
             (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))"#,
    );
    let ran = run("hello", &wat, |_| {});
    assert_eq!(ran.stdout, b"hello\n");
    assert_eq!(ran.code, 0, "diagnostics: {}", ran.diagnostics);
    let record = record(&ran);
    assert_eq!(record.status, Some(Status::Exited));
    assert!(record.heap_peak.unwrap_or(0) >= 65536, "linear memory counts: {:?}", record.heap_peak);
    // The runtime's own peak leaves the guest's one 64 KiB page of linear memory out.
    let (all, own) = (record.heap_peak.unwrap_or(0), record.runtime_heap_peak.unwrap_or(u64::MAX));
    assert!(own > 0 && all - own >= 65536, "runtime heap {own} of {all}: linear memory is not left out");
}

#[test]
fn stderr_is_separate() {
    let wat = module(
        r#"(data (i32.const 16) "oops")
           (func (export "_start")
             (i32.store (i32.const 0) (i32.const 16))
             (i32.store (i32.const 4) (i32.const 4))
             (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8))))"#,
    );
    let ran = run("stderr", &wat, |_| {});
    assert_eq!(ran.stderr, b"oops");
    assert!(ran.stdout.is_empty());
}

#[test]
fn proc_exit_code_reaches_the_status() {
    let wat = module(r#"(func (export "_start") (call $proc_exit (i32.const 33)))"#);
    let ran = run("exit33", &wat, |_| {});
    assert_eq!(ran.code, 33);
    let record = record(&ran);
    assert_eq!((record.status, record.exit_code), (Some(Status::Exited), 33));
    assert!(ran.diagnostics.is_empty());
}

#[test]
fn unreachable_is_a_trap() {
    let wat = module(r#"(func (export "_start") unreachable)"#);
    let ran = run("trap", &wat, |_| {});
    assert_eq!(ran.code, 240);
    let record = record(&ran);
    assert_eq!(record.status, Some(Status::Trap));
    assert!(record.message.contains("unreachable"), "message: {}", record.message);
    assert!(ran.diagnostics.contains("trap"), "diagnostics: {}", ran.diagnostics);
}

#[test]
fn floats_survive_the_native_call_abi() {
    let wat = r#"(module
      (import "xila_test" "echo_i32" (func $echo_i32 (param i32) (result i32)))
      (import "xila_test" "echo_i64" (func $echo_i64 (param i64) (result i64)))
      (import "xila_test" "echo_f32" (func $echo_f32 (param f32) (result f32)))
      (import "xila_test" "echo_f64" (func $echo_f64 (param f64) (result f64)))
      (import "xila_test" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (if (i32.ne (call $echo_i32 (i32.const -123456)) (i32.const -123456)) (then (call $proc_exit (i32.const 1))))
        (if (i64.ne (call $echo_i64 (i64.const 0x123456789abcdef0)) (i64.const 0x123456789abcdef0)) (then (call $proc_exit (i32.const 2))))
        (if (f32.ne (call $echo_f32 (f32.const 1.5)) (f32.const 1.5)) (then (call $proc_exit (i32.const 3))))
        (if (f64.ne (call $echo_f64 (f64.const -2.25e100)) (f64.const -2.25e100)) (then (call $proc_exit (i32.const 4))))
        (if (f64.ne (call $mix (i32.const 1) (i64.const 2) (f32.const 3.5) (f64.const 4.25)) (f64.const 10.75))
          (then (call $proc_exit (i32.const 5))))
        (call $proc_exit (i32.const 77))))"#;
    let ran = run("floats", wat, |_| {});
    assert_eq!(ran.code, 77, "diagnostics: {}", ran.diagnostics);
}

#[test]
fn stdin_is_echoed_then_eof() {
    // Reads into 100.., writes what it read, until a read returns 0 bytes.
    let wat = module(
        r#"(func (export "_start")
             (loop $again
               (i32.store (i32.const 0) (i32.const 100))
               (i32.store (i32.const 4) (i32.const 7))
               (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (then (call $proc_exit (i32.const 9))))
               (if (i32.load (i32.const 8))
                 (then
                   (i32.store (i32.const 4) (i32.load (i32.const 8)))
                   (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))
                   (br $again)))))"#,
    );
    let ran = run("stdin", &wat, |spec| spec.stdin = b"line one\nline two\n".to_vec());
    assert_eq!(ran.stdout, b"line one\nline two\n");
    assert_eq!(ran.code, 0, "diagnostics: {}", ran.diagnostics);
}

/// Writes 16 random bytes, the realtime clock and the result of fd_fdstat_get(1) and a
/// path_open on fd 3 (no preopens) to stdout.
fn probe_module() -> String {
    module(
        r#"(data (i32.const 200) "x")
           (func (export "_start")
             (drop (call $random_get (i32.const 64) (i32.const 16)))
             (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 80)))
             (i32.store (i32.const 88) (call $fd_fdstat_get (i32.const 1) (i32.const 96)))
             (i32.store (i32.const 92) (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 1)
                 (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 120)))
             (i32.store (i32.const 0) (i32.const 64))
             (i32.store (i32.const 4) (i32.const 32))
             (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))"#,
    )
}

#[test]
fn random_is_seeded_clocks_start_at_the_job_time_and_files_fail_cleanly() {
    let probe = probe_module();
    let a = run("probe-a", &probe, |spec| spec.seed = 5);
    let b = run("probe-b", &probe, |spec| spec.seed = 5);
    let c = run("probe-c", &probe, |spec| spec.seed = 6);
    for ran in [&a, &b, &c] {
        assert_eq!(ran.code, 0, "diagnostics: {}", ran.diagnostics);
        assert_eq!(ran.stdout.len(), 32);
    }
    assert_eq!(a.stdout[..16], b.stdout[..16]);
    assert_ne!(a.stdout[..16], c.stdout[..16]);
    let word = |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let realtime = u64::from_le_bytes(a.stdout[16..24].try_into().unwrap());
    let start = 1_700_000_000_000_000_000u64;
    assert!(realtime >= start && realtime < start + 60_000_000_000, "realtime {realtime}");
    assert_eq!(word(&a.stdout, 24), 0, "fd_fdstat_get(1) errno");
    assert_eq!(word(&a.stdout, 28), 8, "path_open without preopens is EBADF");
}

#[test]
fn a_bad_module_is_a_load_error() {
    let spec = JobSpec { module: b"\0asm\x01\0\0\0\xff".to_vec(), ..Default::default() };
    let ran = run_bytes("badmodule", &Job::encode(&spec));
    assert_eq!(ran.code, 244);
    let record = record(&ran);
    assert_eq!(record.status, Some(Status::LoadError));
    assert!(!record.message.is_empty());
}

#[test]
fn a_bad_job_is_a_job_error() {
    let ran = run_bytes("badjob", b"not a job");
    assert_eq!(ran.code, 245);
    assert_eq!(record(&ran).status, Some(Status::JobError));
}

#[test]
fn deep_recursion_traps_instead_of_crashing() {
    let wat = module(r#"(func $down (param i32) (result i32) (i32.add (call $down (local.get 0)) (i32.const 1)))
                        (func (export "_start") (drop (call $down (i32.const 0))))"#);
    let ran = run("recursion", &wat, |_| {});
    assert_eq!(ran.code, 240, "diagnostics: {}", ran.diagnostics);
    assert!(record(&ran).message.contains("stack overflow"), "{}", ran.result);
}

#[test]
fn a_heap_budget_too_small_for_linear_memory_is_out_of_memory() {
    let wat = module(r#"(func (export "_start"))"#);
    let ran = run("budget", &wat, |spec| spec.heap_budget = 32 * 1024);
    assert_eq!(ran.code, 243, "result: {} diagnostics: {}", ran.result, ran.diagnostics);
}
