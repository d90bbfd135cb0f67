//! End-to-end: frames as test outputs and injected input, with the real `xbench` on the host
//! and riscv32. A WAT guest calls `host.xila_graphics_call` (function numbers from
//! runtime/bindings/functions.txt) to draw a button and waits for the click the spec injects.

mod common;

use std::process::Output;

use common::{empty_suite, root, text, xbench_command};

fn xbench(args: &[&str], bless: Option<&str>) -> Output {
    let mut command = xbench_command();
    command.args(args).env_remove("XBENCH_BLESS");
    if let Some(value) = bless {
        command.env("XBENCH_BLESS", value);
    }
    command.output().expect("xbench starts")
}

fn number(name: &str) -> u32 {
    let list = std::fs::read_to_string(root().join("runtime/bindings/functions.txt")).unwrap();
    list.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut fields = l.split(' ');
            let number = fields.next()?.parse().ok()?;
            (fields.next()? == name).then_some(number)
        })
        .unwrap_or_else(|| panic!("{name} is not in functions.txt"))
}

/// A button at (100, 95), 120x50; exits 7 when `window_pop_event` reports a click on it, 1
/// when the events run out without one.
fn guest() -> Vec<u8> {
    let call = |function: &str, args: &str, count: u32, result: u32| {
        format!("(drop (call $g (i32.const {}) {args} (i32.const {count}) (i32.const {result})))", number(function))
    };
    let zeros = |n: usize| " (i32.const 0)".repeat(n);
    let wat = format!(
        r#"(module
  (import "host" "xila_graphics_call" (func $g (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $win i32) (local $btn i32)
    {window}
    (local.set $win (i32.load (i32.const 16)))
    {button}
    (local.set $btn (i32.load (i32.const 16)))
    {size}
    {pos}
    (block $done (loop $next
      {pop}
      (br_if $done (i32.eqz (i32.load (i32.const 24))))
      ;; LVGL 9.3's LV_EVENT_CLICKED is 10; the target is a 2-byte handle.
      (if (i32.and (i32.eq (i32.load (i32.const 24)) (i32.const 10)) (i32.eq (i32.load16_u (i32.const 28)) (local.get $btn)))
        (then (call $exit (i32.const 7))))
      (br $next)))
    (call $exit (i32.const 1))))"#,
        window = call("window_create", &zeros(7), 0, 16),
        button = call("button_create", &format!("(local.get $win){}", zeros(6)), 1, 16),
        size = call("object_set_size", &format!("(local.get $btn) (i32.const 120) (i32.const 50){}", zeros(4)), 3, 0),
        pos = call("object_set_pos", &format!("(local.get $btn) (i32.const 100) (i32.const 95){}", zeros(4)), 3, 0),
        pop = call("window_pop_event", &format!("(local.get $win) (i32.const 24) (i32.const 28){}", zeros(4)), 3, 0),
    );
    wat::parse_str(&wat).expect("valid WAT")
}

#[test]
fn frames_are_compared_with_goldens_and_clicks_reach_the_guest() {
    let dir = tempfile::tempdir().unwrap();
    let suite = empty_suite(dir.path(), "frames e2e");
    std::fs::write(suite.join("button.wasm"), guest()).unwrap();
    std::fs::write(
        suite.join("button.json"),
        r#"{"events": [{"click": [160, 120]}], "exit_code": 7, "frame": "golden/button.png"}"#,
    )
    .unwrap();
    std::fs::write(suite.join("missed.wasm"), guest()).unwrap();
    std::fs::write(suite.join("missed.json"), r#"{"events": [{"click": [5, 5]}], "exit_code": 1}"#).unwrap();
    let suite_arg = suite.to_str().unwrap();
    let report = dir.path().join("report");
    let report_arg = report.to_str().unwrap();

    // No golden yet: a failure that says how to make one.
    let output = xbench(&["test", "--target", "host", suite_arg], None);
    assert!(!output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("no golden") && text(&output).contains("XBENCH_BLESS=1"), "{}", text(&output));

    // Blessed from the host's frame, then equal on riscv32 too; the click reached the guest.
    let output = xbench(&["test", "--target", "host", suite_arg], Some("1"));
    assert!(output.status.success(), "{}", text(&output));
    let golden = suite.join("golden/button.png");
    assert!(golden.is_file());
    let output = xbench(&["test", "--target", "host,riscv32", suite_arg, "--report", report_arg], None);
    assert!(output.status.success(), "{}", text(&output));
    for file in ["frames/host/button.png", "frames/riscv32/button.png", "frames/golden/button.png", "frames/host/missed.png"] {
        assert!(report.join(file).is_file(), "{file}");
    }
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("id=\"frames\"") && html.contains("data:image/png;base64,"));
    assert!(html.contains("host, riscv32 (320x240): matches"), "one frame for both targets");

    // A golden with a pixel block changed: a failure with the count, the box and a difference image.
    let frame = harness::frame::Frame::read_png(&golden).unwrap();
    let mut changed = frame.clone();
    for y in 10..12 {
        for x in 20..23 {
            let at = ((y * changed.width + x) * 3) as usize;
            changed.rgb[at] ^= 0xFF;
        }
    }
    std::fs::write(&golden, changed.to_png()).unwrap();
    let output = xbench(&["test", "--target", "host", suite_arg, "--report", report_arg], None);
    assert!(!output.status.success());
    assert!(text(&output).contains("6 pixels differ, within x 20..=22, y 10..=11"), "{}", text(&output));
    assert!(report.join("frames/host/button.diff.png").is_file());
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("difference on host"));

    // Within a tolerance, it passes.
    std::fs::write(
        suite.join("button.json"),
        r#"{"events": [{"click": [160, 120]}], "exit_code": 7, "frame": "golden/button.png", "frame_tolerance": {"pixels": 6}}"#,
    )
    .unwrap();
    let output = xbench(&["test", "--target", "host", suite_arg], None);
    assert!(output.status.success(), "{}", text(&output));
}
