//! End-to-end: `xbench bench` on riscv32 gives identical guest instruction counts run after run,
//! and its gate fails on growth past 1 % against a baseline.

mod common;

use std::path::Path;
use std::process::Output;

use common::{text, xbench};

use harness::bench::{instruction_counts, BenchReport};

fn bench(report: &Path, extra: &[&str]) -> (Output, BenchReport) {
    let mut args = vec![
        "bench",
        "--target",
        "riscv32",
        "--workloads",
        "fib,crc32,nbody_f64",
        "--no-classic",
        "--overhead-runs",
        "0",
        "--report",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = xbench(&args);
    let report = BenchReport::load(&report.join("bench.json")).unwrap_or_else(|e| panic!("{e:#}\n{}", text(&output)));
    (output, report)
}

#[test]
fn two_bench_runs_count_the_same_instructions_and_growth_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let (first_output, first) = bench(&dir.path().join("one"), &[]);
    assert!(first_output.status.success(), "{}", text(&first_output));
    let counts = instruction_counts(&first);
    assert_eq!(counts.len(), 6, "{counts:?}");
    assert!(counts.iter().all(|(_, _, _, measured)| measured.is_some_and(|m| m > 1000)), "{counts:?}");

    // A baseline whose counts are 2 % lower than what this checkout measures.
    let mut lower = first.clone();
    for target in &mut lower.targets {
        for result in &mut target.results {
            if let Some(fast) = &mut result.fast {
                fast.measured = fast.measured.map(|m| m * 100 / 102);
            }
        }
    }
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, serde_json::to_string(&lower).unwrap()).unwrap();

    let (second_output, second) = bench(&dir.path().join("two"), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(instruction_counts(&second), counts, "two runs of the same checkout must count the same");
    let t1 = &first.targets[0];
    let t2 = &second.targets[0];
    assert_eq!(t1.empty.as_ref().and_then(|e| e.startup), t2.empty.as_ref().and_then(|e| e.startup));
    let said = text(&second_output);
    assert_eq!(second_output.status.code(), Some(1), "{said}");
    assert_eq!(said.matches("REGRESSION: riscv32 ").count(), 3, "{said}");
    assert!(said.contains("bench gate: FAILED, 3 regressions"), "{said}");
}
