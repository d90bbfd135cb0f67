//! End-to-end: the `idle` ending, for applications that never exit, with the real `xbench` on
//! the host and riscv32. A hand-written WAT guest, shaped like a Xila application, creates a
//! window and then loops for ever on `window_pop_event`, printing a line per event; the spec's
//! `until_idle` ends the run once every injected event has been delivered.

mod common;

use std::path::Path;

use common::{empty_suite, text, xbench};

// Graphics function numbers from Xila's table (runtime/bindings/functions.txt).
/// `window_create() -> *mut Object`: no argument; the window's handle (4 bytes) at the result
/// pointer.
const WINDOW_CREATE: u32 = 721;
/// `window_pop_event(window, code: *mut u32, target: *mut c_void)`: three arguments; the event
/// code (4 bytes, 0: none) and the target's handle (2 bytes) through the two pointers.
const WINDOW_POP_EVENT: u32 = 725;

/// A Xila-like application: prints "window", then for each event `window_pop_event` returns
/// prints "event", for ever. With `exit_after_window`, it returns from `_start` instead of
/// waiting (a guest that exits where an idle ending is expected).
fn guest(exit_after_window: bool) -> Vec<u8> {
    let wait = if exit_after_window { "(return)" } else { "" };
    let wat = format!(
        r#"(module
  (import "host" "xila_graphics_call" (func $g (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "window\n")
  (data (i32.const 80) "event\n")
  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start") (local $window i32)
    ;; GRAPHICS ABI: window_create, handle written at 16. Any error traps.
    (if (call $g (i32.const {WINDOW_CREATE}) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                 (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 16))
      (then unreachable))
    (local.set $window (i32.load (i32.const 16)))
    (call $print (i32.const 64) (i32.const 7))
    {wait}
    (loop $wait
      ;; GRAPHICS ABI: window_pop_event(window, 24, 28): code at 24, target at 28. Any error traps.
      (if (call $g (i32.const {WINDOW_POP_EVENT}) (local.get $window) (i32.const 24) (i32.const 28) (i32.const 0)
                   (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0))
        (then unreachable))
      (if (i32.load (i32.const 24)) (then (call $print (i32.const 80) (i32.const 6))))
      (br $wait))))"#
    );
    wat::parse_str(&wat).expect("valid WAT")
}

fn write_test(suite: &Path, name: &str, module: &[u8], spec: &str) {
    std::fs::write(suite.join(format!("{name}.wasm")), module).unwrap();
    std::fs::write(suite.join(format!("{name}.json")), spec).unwrap();
}

/// The report entry of `test` on `target`.
fn result<'a>(report: &'a serde_json::Value, target: &str, test: &str) -> &'a serde_json::Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"] == target && r["test"] == test)
        .unwrap_or_else(|| panic!("no result for {test} on {target}: {report}"))
}

#[test]
fn a_guest_waiting_for_input_ends_idle_and_a_spec_can_expect_it() {
    let dir = tempfile::tempdir().unwrap();
    let suite = empty_suite(dir.path(), "idle e2e");
    let waiting = guest(false);
    // Two clicks on the window (a screen is clickable): two events, then the run ends idle.
    write_test(
        &suite,
        "clicks",
        &waiting,
        r#"{"until_idle": true, "status": "idle", "events": [{"click": [5, 5]}, {"click": [100, 100]}],
            "stdout": "window\nevent\nevent\n", "stderr": ""}"#,
    );
    // No events: the first wait ends the run.
    write_test(&suite, "no_events", &waiting, r#"{"until_idle": true, "status": "idle", "stdout": "window\n"}"#);
    // Asked for, not expected: a failure that says the guest waited.
    write_test(&suite, "unexpected", &waiting, r#"{"until_idle": true, "stdout": "window\n"}"#);
    // Expected, but the guest exits.
    write_test(&suite, "exits", &guest(true), r#"{"until_idle": true, "status": "idle", "stdout": "window\n"}"#);

    let report = dir.path().join("report");
    let output = xbench(&[
        "test",
        "--target",
        "host,riscv32",
        "--output-match",
        "exact",
        "--report",
        report.to_str().unwrap(),
        suite.to_str().unwrap(),
    ]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "two tests fail on purpose: {said}");
    // One line per test; an idle ending says so, passed or not.
    let line = |label: &str, target: &str, test: &str| {
        let start = format!("{label:<13} {target} {test} (");
        said.lines().find(|l| l.starts_with(&start)).unwrap_or_else(|| panic!("no line {start:?}: {said}")).to_string()
    };
    for target in ["host", "riscv32"] {
        for test in ["clicks", "no_events"] {
            assert!(line("PASS", target, test).ends_with(", idle)"), "{said}");
        }
        assert!(line("FAIL", target, "unexpected").ends_with(", idle)"), "{said}");
        assert!(!line("FAIL", target, "exits").contains("idle"), "{said}");
    }
    assert!(said.contains("the guest waited for input: idle (waiting for input after every injected event), but the spec expects `exit`"), "{said}");
    assert!(said.contains("status: expected `idle` (the guest waiting for input after every injected event), but the guest exited with code 0"), "{said}");
    assert!(said.contains("4 passed, 4 failed (4 fail)"), "{said}");

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(report.join("report.json")).unwrap()).unwrap();
    for target in ["host", "riscv32"] {
        for test in ["clicks", "no_events"] {
            let r = result(&json, target, test);
            assert_eq!((r["outcome"].as_str(), r["status"].as_str(), r["exit_code"].as_u64()), (Some("pass"), Some("idle"), Some(0)), "{r}");
            assert_eq!(r["message"], "waiting for input after every injected event", "{r}");
            assert_eq!(r["observed"]["ending"], "idle: waiting for input after every injected event", "{r}");
            // The display is kept as after an exit.
            assert_eq!((r["frame"]["width"].as_u64(), r["frame"]["height"].as_u64()), (Some(320), Some(240)), "{r}");
            assert!(report.join(r["frame"]["png"].as_str().unwrap()).is_file(), "{r}");
        }
        let r = result(&json, target, "unexpected");
        assert_eq!((r["outcome"].as_str(), r["status"].as_str()), (Some("fail"), Some("idle")), "{r}");
        assert!(r["details"].as_str().unwrap().starts_with("the guest waited for input: idle"), "{r}");
        let r = result(&json, target, "exits");
        assert_eq!((r["outcome"].as_str(), r["status"].as_str()), (Some("fail"), Some("exit")), "{r}");
    }
    // Both targets end the same way, with the same output and the same pixels.
    assert_eq!(json["divergences"], serde_json::json!([]), "{json}");
    let summary = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(summary.contains("| clicks | pass, idle | pass (") && summary.contains(" M instr.), idle |"), "{summary}");
}

/// `xbench run --until-idle` ends with the reserved status 246 and keeps stdout and the frame;
/// without it the same guest waits until its timeout.
#[test]
fn xbench_run_until_idle_exits_with_246_and_keeps_the_frame() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("app.wasm");
    std::fs::write(&module, guest(false)).unwrap();
    for target in ["host", "riscv32"] {
        let output = xbench(&["run", "--until-idle", "--keep", "--target", target, module.to_str().unwrap()]);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(246), "{said}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), "window\n", "{said}");
        assert!(said.contains("xbench: idle: waiting for input after every injected event"), "{said}");
        let job_dir = said
            .lines()
            .find_map(|line| line.strip_prefix("xbench: job directory kept at "))
            .expect("the job directory is printed");
        let record = std::fs::read_to_string(Path::new(job_dir).join("result")).unwrap();
        assert!(record.starts_with("status idle\nexit_code 0\n"), "{record}");
        let frame = std::fs::read(Path::new(job_dir).join("frame")).expect("an idle run writes its frame");
        assert_eq!(&frame[..8], b"XILAFRM1");
        assert!(Path::new(job_dir).join("frame.png").is_file());
        std::fs::remove_dir_all(job_dir).ok();
    }
    let output = xbench(&["run", "--timeout", "2", "--target", "host", module.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(124), "without --until-idle the guest waits: {}", text(&output));
}
