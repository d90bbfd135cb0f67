//! End-to-end: the real `xbench` on the real targets, fed bad input. Each case must end with a
//! clear message and the right status, never a hang or a stray QEMU.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, text, xbench};

fn write_wat(dir: &Path, name: &str, wat: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, wat).unwrap();
    file
}

/// A copy of the project's target files in which riscv32's QEMU is replaced by `program`.
fn targets_with_qemu(dir: &Path, program: &str) -> PathBuf {
    let targets = dir.join("targets");
    std::fs::create_dir_all(&targets).unwrap();
    for name in ["riscv32", "host"] {
        let mut text = std::fs::read_to_string(root().join("targets").join(format!("{name}.toml"))).unwrap();
        text = text.replace("binary = \"qemu-system-riscv32\"", &format!("binary = \"{program}\""));
        std::fs::write(targets.join(format!("{name}.toml")), text).unwrap();
    }
    targets
}

/// Processes whose command line mentions `needle`, other than zombies.
fn live_processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let state = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let zombie = state.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('Z'));
        if cmdline.contains(needle) && !zombie {
            found.push(cmdline);
        }
    }
    found
}

#[test]
fn an_unknown_target_names_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let module = write_wat(dir.path(), "ok.wat", "(module (func (export \"_start\")))");
    let output = xbench(&["run", "--target", "nosuch", module.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let said = text(&output);
    assert!(said.contains("unknown target `nosuch`; valid targets: "), "{said}");
    assert!(said.contains("host") && said.contains("riscv32"), "{said}");
}

#[test]
fn a_missing_module_is_an_error_before_qemu_starts() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("qemu-started");
    let fake_qemu = dir.path().join("fake-qemu");
    std::fs::write(&fake_qemu, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&fake_qemu, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let targets = targets_with_qemu(dir.path(), fake_qemu.to_str().unwrap());
    let output = xbench(&[
        "--targets-dir",
        targets.to_str().unwrap(),
        "run",
        "--target",
        "riscv32",
        dir.path().join("missing.wasm").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("cannot read module"), "{}", text(&output));
    assert!(!marker.exists(), "QEMU was started for a missing module");
}

#[test]
fn a_missing_qemu_says_to_run_setup() {
    let dir = tempfile::tempdir().unwrap();
    let targets = targets_with_qemu(dir.path(), "qemu-system-not-installed");
    let module = write_wat(dir.path(), "ok.wat", "(module (func (export \"_start\")))");
    let output = xbench(&["--targets-dir", targets.to_str().unwrap(), "run", "--target", "riscv32", module.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("qemu-system-not-installed` was not found; run `make setup`"), "{}", text(&output));
}

#[test]
fn a_broken_target_file_names_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let targets = targets_with_qemu(dir.path(), "qemu-system-riscv32");
    let file = targets.join("riscv32.toml");
    let broken = std::fs::read_to_string(&file).unwrap().replace("machine = \"virt\"", "");
    std::fs::write(&file, broken).unwrap();
    let output = xbench(&["--targets-dir", targets.to_str().unwrap(), "targets"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("riscv32.toml") && text(&output).contains("machine"), "{}", text(&output));
}

#[test]
fn a_broken_spec_names_the_file_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.wasm"), wat::parse_str("(module (func (export \"_start\")))").unwrap()).unwrap();
    std::fs::write(dir.path().join("t.json"), r#"{"exit_code": "zero"}"#).unwrap();
    let output = xbench(&["test", "--target", "host", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("t.json") && text(&output).contains("`exit_code`"), "{}", text(&output));
}

#[test]
fn a_preview2_spec_is_reported_as_not_supported_not_as_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p2.wasm"), wat::parse_str("(module (func (export \"_start\")))").unwrap()).unwrap();
    std::fs::write(dir.path().join("p2.json"), r#"{"operations": [{"type": "run"}, {"type": "wait", "exit_code": 0}]}"#).unwrap();
    let output = xbench(&["test", "--target", "host", dir.path().to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(said.contains("SKIP          host p2"), "{said}");
    assert!(said.contains("    not supported (preview 2/3 format): the spec has `operations`"), "{said}");
}

/// Cases that run on every target that exists.
mod on_each_target {
    use super::*;
    use rstest::rstest;

    #[rstest]
    fn the_exit_status_is_the_guests_exit_code(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let module = write_wat(
            dir.path(),
            "exit.wat",
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                 (memory (export "memory") 1)
                 (func (export "_start") (call $exit (i32.const 33))))"#,
        );
        let output = xbench(&["run", "--target", target, module.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(33), "{}", text(&output));
    }

    #[rstest]
    fn a_malformed_module_is_a_load_error_with_wamrs_message(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("bad.wasm");
        std::fs::write(&module, b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x0f").unwrap();
        let output = xbench(&["run", "--target", target, module.to_str().unwrap()]);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(244), "{said}");
        assert!(said.contains("load-error: WASM module load failed"), "{said}");
        assert!(said.contains("wasmparser:"), "{said}");
    }

    #[rstest]
    fn an_infinite_loop_times_out_and_leaves_no_process(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let module = write_wat(dir.path(), "spin.wat", "(module (memory (export \"memory\") 1) (func (export \"_start\") (loop (br 0))))");
        let output = xbench(&["run", "--keep", "--timeout", "2", "--target", target, module.to_str().unwrap()]);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(124), "{said}");
        assert!(said.contains("timeout"), "{said}");
        let job_dir = said
            .lines()
            .find_map(|line| line.strip_prefix("xbench: job directory kept at "))
            .expect("the job directory is printed");
        assert_eq!(live_processes_mentioning(job_dir), Vec::<String>::new(), "processes outlived the timeout");
        std::fs::remove_dir_all(job_dir).ok();
    }

    #[rstest]
    fn a_trap_is_reported_with_its_message(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let module = write_wat(dir.path(), "trap.wat", "(module (memory (export \"memory\") 1) (func (export \"_start\") unreachable))");
        let output = xbench(&["run", "--target", target, module.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(240), "{}", text(&output));
        assert!(text(&output).contains("trap: Exception: unreachable"), "{}", text(&output));
    }

    /// A module whose `_start` recurses `depth` calls deep, each frame holding a few locals.
    fn recursion(depth: u32) -> String {
        format!(
            "(module (memory (export \"memory\") 1)
               (func $down (param i32) (local i64 i64 i64 i64)
                 (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1))))))
               (func (export \"_start\") (call $down (i32.const {depth}))))"
        )
    }

    /// The `operand_stack_peak` a kept job directory's result record reports.
    fn operand_stack_peak(said: &str) -> u64 {
        let job_dir = said
            .lines()
            .find_map(|line| line.strip_prefix("xbench: job directory kept at "))
            .expect("the job directory is printed");
        let record = std::fs::read_to_string(Path::new(job_dir).join("result")).unwrap();
        std::fs::remove_dir_all(job_dir).ok();
        record
            .lines()
            .find_map(|line| line.strip_prefix("operand_stack_peak "))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no operand_stack_peak in {record}"))
    }

    #[rstest]
    fn runaway_recursion_is_an_operand_stack_overflow_trap(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let module = write_wat(dir.path(), "deep.wat", &recursion(1_000_000));
        let output = xbench(&["run", "--wasm-stack", "4096", "--target", target, module.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(240), "{}", text(&output));
        assert!(text(&output).contains("wasm operand stack overflow"), "{}", text(&output));
    }

    #[rstest]
    fn the_operand_stack_peak_follows_the_call_depth(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        let mut peaks = Vec::new();
        for depth in [10, 100] {
            let module = write_wat(dir.path(), &format!("depth{depth}.wat"), &recursion(depth));
            let output = xbench(&["run", "--keep", "--wasm-stack", "65536", "--target", target, module.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(0), "{}", text(&output));
            peaks.push(operand_stack_peak(&text(&output)));
        }
        let per_frame = (peaks[1] - peaks[0]) / 90;
        // Each frame holds at least its i32 parameter and four i64 locals (36 bytes).
        assert!(per_frame >= 36 && peaks[1] < 65536, "peaks {peaks:?}");
    }

    #[rstest]
    fn running_out_of_memory_is_reported_as_such(#[values("host", "riscv32")] target: &str) {
        let dir = tempfile::tempdir().unwrap();
        // 60000 pages is 3.7 GiB: more than any target's heap.
        let module = write_wat(dir.path(), "big.wat", "(module (memory (export \"memory\") 60000) (func (export \"_start\")))");
        let output = xbench(&["run", "--target", target, module.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(243), "{}", text(&output));
        assert!(text(&output).contains("out-of-memory"), "{}", text(&output));
    }
}

/// Each emulated target's `--self-test fault`: the cause the board names and the address it
/// loads from (riscv `virt`: 0x4, no memory there; the MPS2/MPS3 boards: 0xF000_0000, unmapped).
#[rstest::rstest]
#[case::riscv32("riscv32", "fault: CPU fault: load access fault", "address 0x00000004")]
#[case::riscv32imc("riscv32imc", "fault: CPU fault: load access fault", "address 0x00000004")]
#[case::cortex_m3("cortex-m3", "fault: CPU fault: BusFault PRECISERR at pc 0x", "address 0xf0000000")]
#[case::cortex_m4f("cortex-m4f", "fault: CPU fault: BusFault PRECISERR at pc 0x", "address 0xf0000000")]
#[case::cortex_m7("cortex-m7", "fault: CPU fault: BusFault PRECISERR at pc 0x", "address 0xf0000000")]
#[case::cortex_m33("cortex-m33", "fault: CPU fault: BusFault PRECISERR at pc 0x", "address 0xf0000000")]
#[case::cortex_m55("cortex-m55", "fault: CPU fault: BusFault PRECISERR at pc 0x", "address 0xf0000000")]
fn a_cpu_fault_is_reported_with_its_cause_and_address(#[case] target: &str, #[case] cause: &str, #[case] address: &str) {
    let dir = tempfile::tempdir().unwrap();
    let module = write_wat(dir.path(), "ok.wat", "(module (func (export \"_start\")))");
    let output = xbench(&["run", "--self-test", "fault", "--target", target, module.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(241), "{said}");
    assert!(said.contains(cause), "{said}");
    assert!(said.contains(address), "{said}");
}

#[rstest::rstest]
fn a_firmware_panic_is_reported_with_its_message(
    #[values("riscv32", "riscv32imc", "cortex-m3", "cortex-m4f", "cortex-m7", "cortex-m33", "cortex-m55")] target: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    let module = write_wat(dir.path(), "ok.wat", "(module (func (export \"_start\")))");
    let output = xbench(&["run", "--self-test", "panic", "--target", target, module.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(242), "{said}");
    assert!(said.contains("panic:") && said.contains("self-test panic requested by the job"), "{said}");
}

#[test]
fn ctrl_c_stops_every_qemu_and_keeps_the_partial_report() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    let spin = wat::parse_str("(module (memory (export \"memory\") 1) (func (export \"_start\") (loop (br 0))))").unwrap();
    let ok = wat::parse_str("(module (memory (export \"memory\") 1) (func (export \"_start\")))").unwrap();
    std::fs::write(suite.join("a_ok.wasm"), ok).unwrap();
    for name in ["b_spin", "c_spin", "d_spin"] {
        std::fs::write(suite.join(format!("{name}.wasm")), &spin).unwrap();
        std::fs::write(suite.join(format!("{name}.json")), r#"{"timeout": 60}"#).unwrap();
    }
    // Build first: compilers started by the build put temporary files in TMPDIR too.
    assert_eq!(xbench(&["build", "--target", "riscv32"]).status.code(), Some(0));
    // Job directories go under a directory of this test's own, to find any QEMU left behind.
    let jobs = dir.path().join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    let report = dir.path().join("report");
    let child = Command::new(env!("CARGO_BIN_EXE_xbench"))
        .arg("--root")
        .arg(root())
        .args(["test", "--target", "riscv32", "-j", "1", "--report"])
        .arg(&report)
        .arg(&suite)
        .env("TMPDIR", &jobs)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until a second QEMU runs (the first spinning guest: `a_ok` has finished by then),
    // then interrupt as a terminal's Ctrl-C would.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the second QEMU never started");
        seen.extend(live_processes_mentioning(jobs.to_str().unwrap()).into_iter().filter(|c| c.contains("qemu-system")));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    // SAFETY: sends SIGINT to the child we started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    let said = text(&output);
    assert_eq!(output.status.code(), Some(130), "{said}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(live_processes_mentioning(jobs.to_str().unwrap()), Vec::<String>::new(), "QEMU outlived Ctrl-C");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    let results = json["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["test"] == "a_ok" && r["outcome"] == "pass"), "{json}");
    assert!(results.len() < 4, "tests after the interruption must not run: {json}");
}
