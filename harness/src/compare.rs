//! Cross-target comparison: the same module must end the same way, with the same stdout and
//! stderr, and (when it used the graphics bindings) the same frame, pixel for pixel, on every
//! target and on the host. Any difference is a divergence, whether or not the
//! spec checks that stream.
//!
//! The comparison works on [`Observed`], which a live run and a `report.json` entry both carry,
//! so that shard reports merged after the fact are compared exactly as one run would be.

use serde::{Deserialize, Serialize};

use crate::execute::{RunEnd, RunOutput};
use crate::verdict::escape;

/// One output stream, as compared: a hash of every byte, the length and a readable preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    /// FNV-1a, 64 bits, of the whole stream, in hex.
    pub hash: String,
    pub len: usize,
    /// The first bytes, escaped (see [`escape`]).
    pub preview: String,
}

impl Stream {
    pub fn of(bytes: &[u8]) -> Stream {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
        Stream { hash: format!("{hash:016x}"), len: bytes.len(), preview: escape(bytes) }
    }
}

/// What a run showed of the VM: how it ended and both streams. `None` for runs that never
/// reached the guest (infrastructure errors), which say nothing about the VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// `exit <code>`, `<status>: <message>` or `timeout`.
    pub ending: String,
    pub stdout: Stream,
    pub stderr: Stream,
    /// The display's last frame, when the run wrote one: a hash of its size and pixels, the
    /// number of pixel bytes (RGB) and its size as the preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<Stream>,
}

impl Observed {
    pub fn of(run: &RunOutput) -> Option<Observed> {
        let ending = match &run.end {
            RunEnd::Finished(record) if record.status == bench_protocol::Status::Exited => {
                format!("exit {}", record.exit_code)
            }
            RunEnd::Finished(record) => format!("{}: {}", record.status, record.message),
            RunEnd::TimedOut(_) => "timeout".into(),
            RunEnd::Infrastructure(_) => return None,
        };
        let frame = run.frame.as_ref().map(|frame| match frame {
            Ok(frame) => Stream {
                hash: frame.hash(),
                len: frame.rgb.len(),
                preview: format!("{}x{} frame", frame.width, frame.height),
            },
            Err(e) => Stream { hash: "broken".into(), len: 0, preview: format!("broken frame file: {e}") },
        });
        Some(Observed { ending, stdout: Stream::of(&run.stdout), stderr: Stream::of(&run.stderr), frame })
    }
}

/// One test whose outputs differ between targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Divergence {
    pub test: String,
    /// The target the others are compared with: the host when it ran, else the first target.
    pub reference: String,
    /// The targets that differ from the reference.
    pub targets: Vec<String>,
    /// What differs, field by field, target by target.
    pub diff: String,
}

/// Compares what each target observed for one test.
pub fn compare_test(test: &str, observations: &[(&str, &Observed)]) -> Option<Divergence> {
    let (reference_target, reference) =
        observations.iter().find(|(target, _)| *target == "host").or(observations.first())?;
    let mut targets = Vec::new();
    let mut diff = String::new();
    for (target, other) in observations.iter().filter(|(t, _)| t != reference_target) {
        let mut lines = Vec::new();
        if reference.ending != other.ending {
            lines.push(format!("  ending: {reference_target}: {}; {target}: {}", reference.ending, other.ending));
        }
        for (name, a, b) in [("stdout", &reference.stdout, &other.stdout), ("stderr", &reference.stderr, &other.stderr)] {
            if a.hash != b.hash || a.len != b.len {
                lines.push(format!(
                    "  {name} differs:\n    {reference_target} ({} bytes): {}\n    {target} ({} bytes): {}",
                    a.len, a.preview, b.len, b.preview
                ));
            }
        }
        if reference.frame != other.frame {
            let show = |frame: &Option<Stream>| match frame {
                None => "no frame".to_string(),
                Some(frame) => format!("{} (hash {})", frame.preview, frame.hash),
            };
            lines.push(format!(
                "  frame differs: {reference_target}: {}; {target}: {} (images under the report's frames/)",
                show(&reference.frame),
                show(&other.frame)
            ));
        }
        if !lines.is_empty() {
            targets.push(target.to_string());
            diff.push_str(&format!("{reference_target} vs {target}:\n{}\n", lines.join("\n")));
        }
    }
    if targets.is_empty() {
        return None;
    }
    Some(Divergence { test: test.to_string(), reference: reference_target.to_string(), targets, diff })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(ending: &str, stdout: &[u8]) -> Observed {
        Observed { ending: ending.into(), stdout: Stream::of(stdout), stderr: Stream::of(b""), frame: None }
    }

    #[test]
    fn different_pixels_diverge_even_with_equal_output() {
        let frame = |hash: &str| Some(Stream { hash: hash.into(), len: 230400, preview: "320x240 frame".into() });
        let host = Observed { frame: frame("aa"), ..observed("exit 0", b"ok\n") };
        let same = Observed { frame: frame("aa"), ..observed("exit 0", b"ok\n") };
        let other = Observed { frame: frame("bb"), ..observed("exit 0", b"ok\n") };
        let none = observed("exit 0", b"ok\n");
        assert_eq!(compare_test("t", &[("host", &host), ("riscv32", &same)]), None);
        let divergence = compare_test("t", &[("host", &host), ("riscv32", &same), ("cortex-m3", &other), ("cortex-m4f", &none)])
            .expect("diverges");
        assert_eq!(divergence.targets, ["cortex-m3", "cortex-m4f"]);
        assert!(divergence.diff.contains("frame differs: host: 320x240 frame (hash aa); cortex-m3: 320x240 frame (hash bb)"), "{}", divergence.diff);
        assert!(divergence.diff.contains("cortex-m4f: no frame"), "{}", divergence.diff);
        // Reports written before frames existed still load.
        let old: Observed = serde_json::from_str(r#"{"ending": "exit 0", "stdout": {"hash": "0", "len": 0, "preview": ""}, "stderr": {"hash": "0", "len": 0, "preview": ""}}"#).unwrap();
        assert_eq!(old.frame, None);
    }

    #[test]
    fn identical_runs_do_not_diverge() {
        let (a, b) = (observed("exit 0", b"same"), observed("exit 0", b"same"));
        assert_eq!(compare_test("t", &[("host", &a), ("riscv32", &b)]), None);
    }

    #[test]
    fn a_different_stdout_names_the_targets_and_shows_both() {
        let (host, good, bad) = (observed("exit 0", b"1.5\n"), observed("exit 0", b"1.5\n"), observed("exit 0", b"0.0\n"));
        let divergence =
            compare_test("floats", &[("cortex-m4f", &bad), ("host", &host), ("riscv32", &good)]).expect("diverges");
        assert_eq!(divergence.reference, "host");
        assert_eq!(divergence.targets, ["cortex-m4f"]);
        assert!(divergence.diff.contains("stdout differs"), "{}", divergence.diff);
        assert!(divergence.diff.contains("host (4 bytes): \"1.5\\n\""), "{}", divergence.diff);
        assert!(divergence.diff.contains("cortex-m4f (4 bytes): \"0.0\\n\""), "{}", divergence.diff);
    }

    #[test]
    fn a_different_exit_code_diverges_even_with_equal_output() {
        let (a, b) = (observed("exit 0", b""), observed("exit 1", b""));
        let divergence = compare_test("t", &[("host", &a), ("riscv32", &b)]).expect("diverges");
        assert!(divergence.diff.contains("ending: host: exit 0; riscv32: exit 1"), "{}", divergence.diff);
    }

    #[test]
    fn streams_that_differ_past_the_preview_still_differ() {
        let mut long_a = vec![b'x'; 1000];
        let long_b = long_a.clone();
        long_a[999] = b'y';
        assert_ne!(Stream::of(&long_a).hash, Stream::of(&long_b).hash);
        assert_eq!(Stream::of(&long_a).preview, Stream::of(&long_b).preview);
    }
}
