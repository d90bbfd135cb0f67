//! End-to-end: `xbench profile` on riscv32 puts a hot loop's instructions in WAMR's interpreter
//! loop, and its totals agree with the firmware's own instruction counts.

mod common;

use std::path::{Path, PathBuf};

use common::{text, xbench};
use harness::profile::{Profile, Scope};

/// A module whose `$hot` function sums 0..n in a loop between the bench marks: interpreted, so
/// nearly every guest instruction of the run is in the interpreter loop.
fn hot_loop(dir: &Path, iterations: u32) -> PathBuf {
    let wat = format!(
        r#"(module
  (import "xila_bench" "begin" (func $begin))
  (import "xila_bench" "end" (func $end))
  (memory (export "memory") 1)
  (func $hot (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "_start")
    (call $begin)
    (drop (call $hot (i32.const {iterations})))
    (call $end)))"#
    );
    let file = dir.join(format!("hot_{iterations}.wat"));
    std::fs::write(&file, wat).unwrap();
    file
}

/// Runs `xbench profile` with `extra` arguments and reads the JSON it wrote.
fn profile(module: &Path, extra: &[&str]) -> (String, Profile) {
    let json = module.with_extension("json");
    let mut args = vec!["profile", "--target", "riscv32", "--top", "5", "--json", json.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(module.to_str().unwrap());
    let output = xbench(&args);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    let profile: Profile = serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_else(|e| panic!("{e}\n{said}")))
        .unwrap_or_else(|e| panic!("{e}\n{said}"));
    (said, profile)
}

fn share_of_top(profile: &Profile) -> f64 {
    profile.percent(profile.functions[0].instructions)
}

#[test]
fn a_hot_loop_is_the_interpreter_and_the_totals_match_the_firmware() {
    let dir = tempfile::tempdir().unwrap();
    let module = hot_loop(dir.path(), 400_000);
    let (said, whole) = profile(&module, &[]);
    assert_eq!(whole.scope, Scope::Run);
    assert_eq!(whole.target, "riscv32");
    assert_eq!(whole.functions[0].name, "wasm_interp_call_func_bytecode", "{said}");
    assert_eq!(whole.functions[0].component, "WAMR interpreter loop", "{said}");
    assert!(share_of_top(&whole) > 50.0, "{said}");
    // The firmware counts the runtime's run; the trace adds boot, the job and the record.
    let coverage = whole.coverage().unwrap_or_else(|| panic!("no reported count\n{said}"));
    assert!((100.0..105.0).contains(&coverage), "trace/firmware {coverage:.2} %\n{said}");
    assert_eq!(whole.functions.iter().map(|f| f.instructions).sum::<u64>(), whole.total_instructions);
    assert_eq!(whole.components.iter().map(|c| c.instructions).sum::<u64>(), whole.total_instructions);
    let mut sorted = whole.functions.clone();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.instructions));
    assert_eq!(sorted, whole.functions, "most first");
    // The table: a header, the five hottest with shares, the rest summed, the check.
    assert!(said.contains("rank  function"), "{said}");
    let first = said.lines().find(|l| l.trim_start().starts_with("1  ")).unwrap_or_default();
    assert!(first.contains("wasm_interp_call_func_bytecode") && first.contains('%'), "{said}");
    assert!(said.contains("other functions)"), "{said}");
    assert!(said.contains("counted by the firmware"), "{said}");
}

#[test]
fn the_measured_region_matches_the_firmware_and_grows_with_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let (said, small) = profile(&hot_loop(dir.path(), 100_000), &["--region"]);
    assert_eq!(small.scope, Scope::Region);
    assert_eq!(small.functions[0].name, "wasm_interp_call_func_bytecode", "{said}");
    assert!(share_of_top(&small) > 99.0, "{said}");
    let coverage = small.coverage().unwrap_or_else(|| panic!("no measured count\n{said}"));
    assert!((99.9..100.1).contains(&coverage), "trace/firmware {coverage:.3} %\n{said}");
    let (said, large) = profile(&hot_loop(dir.path(), 200_000), &["--region"]);
    let ratio = large.total_instructions as f64 / small.total_instructions as f64;
    assert!((1.98..2.02).contains(&ratio), "twice the iterations, {ratio:.3} times the instructions\n{said}");
}

#[test]
fn a_region_profile_needs_the_marks() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("plain.wat");
    std::fs::write(&module, r#"(module (memory (export "memory") 1) (func (export "_start")))"#).unwrap();
    let output = xbench(&["profile", "--target", "riscv32", "--region", module.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("never called xila_bench.begin"), "{}", text(&output));
}

#[test]
fn bad_requests_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("ok.wat");
    std::fs::write(&module, r#"(module (func (export "_start")))"#).unwrap();
    let module = module.to_str().unwrap();

    let host = xbench(&["profile", "--target", "host", module]);
    assert_eq!(host.status.code(), Some(2), "{}", text(&host));
    assert!(text(&host).contains("choose an MCU target"), "{}", text(&host));

    let unknown = xbench(&["profile", "--target", "nosuch", module]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(text(&unknown).contains("unknown target `nosuch`"), "{}", text(&unknown));

    let missing = dir.path().join("missing.wasm");
    let missing = xbench(&["profile", "--target", "riscv32", missing.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("cannot read module"), "{}", text(&missing));
}

#[test]
fn the_interpreter_loop_breaks_down_by_opcode_handler() {
    let dir = tempfile::tempdir().unwrap();
    let (said, region) = profile(&hot_loop(dir.path(), 100_000), &["--region", "--opcodes"]);
    assert!(region.handlers_error.is_none(), "{:?}\n{said}", region.handlers_error);
    // Every instruction of the loop is in some handler (or the dispatch), most first.
    assert_eq!(region.handlers.iter().map(|h| h.instructions).sum::<u64>(), region.interpreter_instructions(), "{said}");
    let mut sorted = region.handlers.clone();
    sorted.sort_by_key(|h| std::cmp::Reverse(h.instructions));
    assert_eq!(sorted, region.handlers, "most first");
    // Two i32.add of the five arithmetic and compare ops per iteration.
    let top: Vec<&str> = region.handlers.iter().take(5).map(|h| h.name.as_str()).collect();
    assert!(top.iter().any(|name| name.split('/').any(|label| label == "WASM_OP_I32_ADD")), "{top:?}\n{said}");
    assert!(top.iter().any(|name| name.contains("BR_IF")), "{top:?}\n{said}");
    assert!(said.contains("by opcode handler:") && said.contains("WASM_OP_I32_ADD"), "{said}");

    let missing = dir.path().join("no-firmware.elf");
    let module = hot_loop(dir.path(), 10);
    let output = xbench(&["profile", "--target", "riscv32", "--firmware", missing.to_str().unwrap(), module.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("no firmware ELF"), "{}", text(&output));
}
