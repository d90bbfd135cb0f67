//! End-to-end: the real `xbench test` across real targets — comparison, skipping, repeatability.

mod common;

use std::path::{Path, PathBuf};

use common::{root, text, xbench};

/// A suite directory with one WAT module and its spec.
fn suite_with(dir: &Path, name: &str, wat: &str, spec: &str) -> PathBuf {
    let suite = dir.join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::write(suite.join(format!("{name}.wasm")), wat::parse_str(wat).unwrap()).unwrap();
    std::fs::write(suite.join(format!("{name}.json")), spec).unwrap();
    suite
}

/// Prints "hi" and exits 0, the same on every target.
const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Exits with the monotonic clock's resolution in nanoseconds: a real property of each
/// target's timer, so the targets must disagree.
const RESOLUTION_AS_EXIT_CODE: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_res_get" (func $res (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $res (i32.const 1) (i32.const 0)))
    (call $exit (i32.wrap_i64 (i64.load (i32.const 0))))))"#;

#[test]
fn outputs_that_differ_across_targets_are_reported_as_a_divergence() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite_with(dir.path(), "resolution", RESOLUTION_AS_EXIT_CODE, "{}");
    let report = dir.path().join("report");
    let output = xbench(&["test", "--target", "host,riscv32", "--report", report.to_str().unwrap(), suite.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("DIVERGENCE    resolution (host vs riscv32)"), "{said}");
    assert!(said.contains("ending: host: exit 1; riscv32: exit 100"), "{said}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["divergences"][0]["targets"][0], "riscv32");
    assert_eq!(json["passed"], false);
}

#[test]
fn an_unavailable_target_is_skipped_in_all_but_an_error_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir_all(&targets).unwrap();
    std::fs::copy(root().join("targets/host.toml"), targets.join("host.toml")).unwrap();
    let riscv = std::fs::read_to_string(root().join("targets/riscv32.toml"))
        .unwrap()
        .replace("binary = \"qemu-system-riscv32\"", "binary = \"qemu-system-not-here\"");
    std::fs::write(targets.join("riscv32.toml"), riscv).unwrap();
    let suite = suite_with(dir.path(), "ok", "(module (memory (export \"memory\") 1) (func (export \"_start\")))", "{}");
    let targets = targets.to_str().unwrap();

    let output = xbench(&["--targets-dir", targets, "test", "--target", "all", suite.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(said.contains("SKIP          riscv32 (every test): `qemu-system-not-here` is not installed"), "{said}");
    assert!(said.contains("PASS          host ok"), "{said}");

    let output = xbench(&["--targets-dir", targets, "test", "--target", "riscv32", suite.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("target `riscv32` cannot run here"), "{}", text(&output));
}

#[test]
fn a_run_repeats_exactly_outputs_and_instruction_counts() {
    let dir = tempfile::tempdir().unwrap();
    // Reads the clock and random bytes, so that only a fixed start time and seed make it repeat.
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (drop (call $time (i32.const 0) (i64.const 1) (i32.const 100)))
        (drop (call $time (i32.const 1) (i64.const 1) (i32.const 108)))
        (drop (call $random (i32.const 116) (i32.const 16)))
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 32))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
    let suite = suite_with(dir.path(), "repeat", wat, "{}");
    let module = suite.join("repeat.wasm");
    let outputs: Vec<Vec<u8>> = (0..2)
        .map(|_| xbench(&["run", "--target", "riscv32", module.to_str().unwrap()]).stdout)
        .collect();
    assert_eq!(outputs[0].len(), 32, "the guest printed its clocks and random bytes");
    assert_eq!(outputs[0], outputs[1], "the guest's output changed between two runs");
    let mut runs = Vec::new();
    for attempt in 0..2 {
        let report = dir.path().join(format!("report-{attempt}"));
        let output = xbench(&["test", "--target", "riscv32", "--report", report.to_str().unwrap(), suite.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
        runs.push(json["results"][0]["instructions"].as_u64().expect("riscv32 counts instructions"));
    }
    assert_eq!(runs[0], runs[1], "the guest instruction count changed between two runs");
    assert!(runs[0] > 0);
}

#[test]
fn breaking_a_test_on_purpose_fails_the_gate_with_a_one_line_reason() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite_with(dir.path(), "hello", HELLO, r#"{"stdout": "hi\n"}"#);
    let (baseline, report) = (dir.path().join("baseline"), dir.path().join("report"));
    let run = |report: &Path| xbench(&["test", "--target", "host", "--report", report.to_str().unwrap(), suite.to_str().unwrap()]);
    assert_eq!(run(&report).status.code(), Some(0));
    let accepted = xbench(&["baseline", "--baseline", baseline.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert_eq!(accepted.status.code(), Some(0), "{}", text(&accepted));
    let gate = || xbench(&["gate", "--baseline", baseline.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert_eq!(gate().status.code(), Some(0), "{}", text(&gate()));

    std::fs::write(suite.join("hello.json"), r#"{"stdout": "hello\n"}"#).unwrap();
    assert_eq!(run(&report).status.code(), Some(1));
    let output = gate();
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    let reasons: Vec<&str> = said.lines().filter(|l| l.starts_with("REGRESSION: ")).collect();
    assert_eq!(reasons.len(), 1, "{said}");
    assert!(reasons[0].starts_with("REGRESSION: host::hello: was pass, now fail: stdout differs at byte 1"), "{said}");
}

#[test]
fn a_target_or_test_missing_from_the_run_fails_the_gate_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite_with(dir.path(), "hello", HELLO, r#"{"stdout": "hi\n"}"#);
    std::fs::write(suite.join("second.wasm"), std::fs::read(suite.join("hello.wasm")).unwrap()).unwrap();
    std::fs::write(suite.join("second.json"), r#"{"stdout": "hi\n"}"#).unwrap();
    let (baseline, report) = (dir.path().join("baseline"), dir.path().join("report"));
    let run = |targets: &str| {
        xbench(&["test", "--target", targets, "--report", report.to_str().unwrap(), suite.to_str().unwrap()])
    };
    run("host,riscv32");
    let accepted = xbench(&["baseline", "--baseline", baseline.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert_eq!(accepted.status.code(), Some(0), "{}", text(&accepted));
    let gate = |extra: &[&str]| {
        let mut args = vec!["gate", "--baseline", baseline.to_str().unwrap(), "--report", report.to_str().unwrap()];
        args.extend_from_slice(extra);
        xbench(&args)
    };
    let reasons = |output: &std::process::Output| -> Vec<String> {
        text(output).lines().filter(|l| l.starts_with("REGRESSION: ")).map(str::to_owned).collect()
    };

    // The host alone: riscv32, which the baseline ran, is missing.
    assert_eq!(run("host").status.code(), Some(0));
    let output = gate(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(reasons(&output), ["REGRESSION: riscv32: ran in the baseline, not in this run; pass --allow-skip riscv32 if that is intended"]);
    // Said on purpose, it passes, and the report's gate lines keep it.
    let output = gate(&["--allow-skip", "riscv32"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    assert!(json["baseline_deltas"].to_string().contains("allowed by --allow-skip"), "{json}");

    // A test removed from the suite: one line names it on each target.
    std::fs::remove_file(suite.join("second.wasm")).unwrap();
    std::fs::remove_file(suite.join("second.json")).unwrap();
    assert_eq!(run("host,riscv32").status.code(), Some(0));
    let output = gate(&[]);
    assert_eq!(
        reasons(&output),
        [
            "REGRESSION: host::second: in the baseline (pass), missing from this run",
            "REGRESSION: riscv32::second: in the baseline (pass), missing from this run"
        ],
        "{}",
        text(&output)
    );
}

#[test]
fn shard_reports_merge_into_one_and_are_compared_across_shards() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite_with(dir.path(), "resolution", RESOLUTION_AS_EXIT_CODE, "{}");
    let mut shards = Vec::new();
    for target in ["host", "riscv32"] {
        let report = dir.path().join(format!("shard-{target}"));
        let output = xbench(&["test", "--target", target, "--report", report.to_str().unwrap(), suite.to_str().unwrap()]);
        // Each shard alone has nothing to compare with.
        assert!(!text(&output).contains("DIVERGENCE"), "{}", text(&output));
        shards.push(report);
    }
    let merged = dir.path().join("merged");
    let output = xbench(&[
        "report",
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("2 results, 1 divergences"), "{}", text(&output));
    for file in ["report.json", "summary.md", "junit.xml", "report.html"] {
        assert!(merged.join(file).is_file(), "{file} is missing");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(merged.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["divergences"][0]["reference"], "host");
    assert_eq!(json["divergences"][0]["targets"][0], "riscv32");

    // A corrupt shard is an error that names the file.
    std::fs::write(shards[1].join("report.json"), "{ \"schema\": \"xbench-report/0\" }").unwrap();
    let output = xbench(&["report", "merge", "--out", merged.to_str().unwrap(), shards[0].to_str().unwrap(), shards[1].to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("shard-riscv32/report.json") && text(&output).contains("xbench-report/0"), "{}", text(&output));
}

#[test]
fn a_ram_budget_shows_which_tests_still_fit() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    for (name, pages) in [("small", 1), ("large", 8)] {
        let wat = format!("(module (memory (export \"memory\") {pages}) (func (export \"_start\")))");
        std::fs::write(suite.join(format!("{name}.wasm")), wat::parse_str(wat).unwrap()).unwrap();
    }
    // 256 KiB: room for WAMR and one 64 KiB page, not for eight.
    let output = xbench(&["test", "--target", "riscv32,host", "--ram-budget", "262144", suite.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    for target in ["riscv32", "host"] {
        assert!(said.contains(&format!("PASS          {target} small")), "{said}");
        assert!(said.contains(&format!("OUT-OF-MEMORY {target} large")), "{said}");
    }
}

#[test]
fn a_root_directory_too_large_for_the_heap_is_reported_before_boot() {
    let dir = tempfile::tempdir().unwrap();
    let suite = suite_with(dir.path(), "big_root", "(module (memory (export \"memory\") 1) (func (export \"_start\")))", r#"{"root": "fs"}"#);
    std::fs::create_dir_all(suite.join("fs")).unwrap();
    std::fs::write(suite.join("fs").join("blob.bin"), vec![7u8; 600_000]).unwrap();
    let output = xbench(&["test", "--target", "riscv32", "--ram-budget", "1000000", suite.to_str().unwrap()]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("OUT-OF-MEMORY riscv32 big_root"), "{said}");
    assert!(said.contains("(found before boot)"), "{said}");
    assert!(!said.contains("instructions"), "QEMU must not have run: {said}");
}
