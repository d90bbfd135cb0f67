//! Cross-target comparison: the same module must end the same way, with the same stdout and
//! stderr, on every target and on the host. Any difference is a divergence, whether or not the
//! spec checks that stream.

use serde::Serialize;

use crate::execute::{RunEnd, RunOutput};
use crate::verdict::escape;

/// What one target observed for one test, in the form compared across targets.
#[derive(Debug, Clone)]
pub struct Observation<'a> {
    pub target: &'a str,
    pub run: &'a RunOutput,
}

/// One test whose outputs differ between targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Divergence {
    pub test: String,
    /// The target the others are compared with: the host when it ran, else the first target.
    pub reference: String,
    /// The targets that differ from the reference.
    pub targets: Vec<String>,
    /// What differs, field by field, target by target.
    pub diff: String,
}

/// The comparable parts of a run: how it ended, and both streams.
fn ending(run: &RunOutput) -> String {
    match &run.end {
        RunEnd::Finished(record) if record.status == bench_protocol::Status::Exited => {
            format!("exit {}", record.exit_code)
        }
        RunEnd::Finished(record) => format!("{}: {}", record.status, record.message),
        RunEnd::TimedOut(_) => "timeout".into(),
        RunEnd::Infrastructure(_) => "infrastructure error".into(),
    }
}

/// Compares the observations of one test. Runs that never reached the guest (infrastructure
/// errors) say nothing about the VM and are left out.
pub fn compare_test(test: &str, observations: &[Observation<'_>]) -> Option<Divergence> {
    let usable: Vec<&Observation<'_>> =
        observations.iter().filter(|o| !matches!(o.run.end, RunEnd::Infrastructure(_))).collect();
    let reference = usable.iter().find(|o| o.target == "host").or(usable.first())?;
    let mut targets = Vec::new();
    let mut diff = String::new();
    for other in usable.iter().filter(|o| o.target != reference.target) {
        let mut lines = Vec::new();
        let (ref_end, other_end) = (ending(reference.run), ending(other.run));
        if ref_end != other_end {
            lines.push(format!("  ending: {}: {ref_end}; {}: {other_end}", reference.target, other.target));
        }
        for (name, a, b) in [
            ("stdout", &reference.run.stdout, &other.run.stdout),
            ("stderr", &reference.run.stderr, &other.run.stderr),
        ] {
            if a != b {
                let at = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
                lines.push(format!(
                    "  {name} differs at byte {at}:\n    {}: {}\n    {}: {}",
                    reference.target,
                    escape(a),
                    other.target,
                    escape(b)
                ));
            }
        }
        if !lines.is_empty() {
            targets.push(other.target.to_string());
            diff.push_str(&format!("{} vs {}:\n{}\n", reference.target, other.target, lines.join("\n")));
        }
    }
    if targets.is_empty() {
        return None;
    }
    Some(Divergence { test: test.to_string(), reference: reference.target.to_string(), targets, diff })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execute::Record;
    use crate::launch::Invocation;
    use bench_protocol::Status;
    use std::time::Duration;

    fn run(exit_code: u32, stdout: &[u8]) -> RunOutput {
        RunOutput {
            stdout: stdout.to_vec(),
            stderr: Vec::new(),
            diagnostics: String::new(),
            end: RunEnd::Finished(Record {
                status: Status::Exited,
                exit_code,
                message: String::new(),
                instructions: None,
                heap_peak: None,
                stack_peak: None,
            }),
            wall: Duration::ZERO,
            invocation: Invocation { program: "x".into(), args: vec![] },
            job_dir: None,
            fs_image: None,
        }
    }

    #[test]
    fn identical_runs_do_not_diverge() {
        let (a, b) = (run(0, b"same"), run(0, b"same"));
        let observations = [Observation { target: "host", run: &a }, Observation { target: "riscv32", run: &b }];
        assert_eq!(compare_test("t", &observations), None);
    }

    #[test]
    fn a_different_stdout_names_the_targets_and_shows_both() {
        let (host, good, bad) = (run(0, b"1.5\n"), run(0, b"1.5\n"), run(0, b"0.0\n"));
        let observations = [
            Observation { target: "cortex-m4f", run: &bad },
            Observation { target: "host", run: &host },
            Observation { target: "riscv32", run: &good },
        ];
        let divergence = compare_test("floats", &observations).expect("diverges");
        assert_eq!(divergence.reference, "host");
        assert_eq!(divergence.targets, ["cortex-m4f"]);
        assert!(divergence.diff.contains("stdout differs at byte 0"), "{}", divergence.diff);
        assert!(divergence.diff.contains("host: \"1.5\\n\"") && divergence.diff.contains("cortex-m4f: \"0.0\\n\""));
    }

    #[test]
    fn a_different_exit_code_diverges_even_with_equal_output() {
        let (a, b) = (run(0, b""), run(1, b""));
        let observations = [Observation { target: "host", run: &a }, Observation { target: "riscv32", run: &b }];
        let divergence = compare_test("t", &observations).expect("diverges");
        assert!(divergence.diff.contains("ending: host: exit 0; riscv32: exit 1"), "{}", divergence.diff);
    }

    #[test]
    fn infrastructure_errors_are_not_divergences() {
        let a = run(0, b"x");
        let mut b = run(0, b"");
        b.end = RunEnd::Infrastructure("qemu did not start".into());
        let observations = [Observation { target: "host", run: &a }, Observation { target: "riscv32", run: &b }];
        assert_eq!(compare_test("t", &observations), None);
    }
}
