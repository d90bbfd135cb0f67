//! Comparing a run with its spec, and naming the outcome.

use std::fmt;
use std::time::Duration;

use bench_protocol::Status;

use crate::execute::{Record, RunEnd, RunOutput};
use crate::spec::Spec;

/// How stdout and stderr are compared with the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMatch {
    /// The expected text must be the whole stream.
    Exact,
    /// The expected text must start the stream (the wasi-testsuite runner's rule).
    Prefix,
}

/// The outcome of one test, kept distinct so that a crash never reads as a timeout.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    /// The run finished but differs from the spec; each entry explains one difference.
    Fail(Vec<String>),
    /// A trap, CPU fault or firmware panic the spec did not expect.
    Crash { status: Status, message: String },
    Timeout(Duration),
    OutOfMemory(String),
    /// QEMU did not start, or the firmware left no usable record.
    Infrastructure(String),
    /// Not run, for the reason given (an expectations entry with `action = "skip"`).
    Skip(String),
    /// Failed, as the expectations say it does; the failure is kept.
    XFail(String),
    /// Passed although the expectations say it fails: the entry is stale, and that is red.
    XPass(String),
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail(_) => "FAIL",
            Outcome::Crash { .. } => "CRASH",
            Outcome::Timeout(_) => "TIMEOUT",
            Outcome::OutOfMemory(_) => "OUT-OF-MEMORY",
            Outcome::Infrastructure(_) => "INFRA-ERROR",
            Outcome::Skip(_) => "SKIP",
            Outcome::XFail(_) => "XFAIL",
            Outcome::XPass(_) => "XPASS",
        }
    }

    pub fn passed(&self) -> bool {
        *self == Outcome::Pass
    }

    /// Whether this outcome turns a run red.
    pub fn is_red(&self) -> bool {
        !matches!(self, Outcome::Pass | Outcome::Skip(_) | Outcome::XFail(_))
    }

    /// Applies a known-failure expectation to the outcome of a test that ran.
    pub fn expected_to_fail(self, reason: &str) -> Outcome {
        match self {
            Outcome::Pass => Outcome::XPass(format!("passed, but the expectations say it fails: {reason}")),
            // A run that never reached the guest says nothing about the expectation.
            Outcome::Infrastructure(message) => Outcome::Infrastructure(message),
            failure => Outcome::XFail(format!("{} (expected: {reason}): {failure}", failure.label())),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Pass => Ok(()),
            Outcome::Fail(reasons) => f.write_str(&reasons.join("\n")),
            Outcome::Crash { status, message } => write!(f, "{status}: {message}"),
            Outcome::Timeout(after) => write!(f, "killed after {:.1} s", after.as_secs_f64()),
            Outcome::OutOfMemory(message) => f.write_str(message),
            Outcome::Infrastructure(message) => f.write_str(message),
            Outcome::Skip(reason) | Outcome::XFail(reason) | Outcome::XPass(reason) => f.write_str(reason),
        }
    }
}

/// Judges a run against its spec.
pub fn judge(spec: &Spec, run: &RunOutput, output_match: OutputMatch) -> Outcome {
    let record = match &run.end {
        RunEnd::TimedOut(after) => return Outcome::Timeout(*after),
        RunEnd::Infrastructure(message) => return Outcome::Infrastructure(message.clone()),
        RunEnd::Finished(record) => record,
    };
    if record.status != spec.status {
        match record.status {
            Status::Trap | Status::Fault | Status::Panic => {
                return Outcome::Crash { status: record.status, message: record.message.clone() }
            }
            Status::OutOfMemory => return Outcome::OutOfMemory(record.message.clone()),
            Status::JobError => return Outcome::Infrastructure(record.message.clone()),
            Status::Exited | Status::LoadError | Status::Idle => {}
        }
    }
    let mut reasons = Vec::new();
    if record.status != spec.status {
        reasons.push(status_difference(spec, record));
    } else if record.status == Status::Exited && record.exit_code != spec.exit_code {
        reasons.push(format!("exit code: expected {}, got {}", spec.exit_code, record.exit_code));
    }
    if let Some(expected) = &spec.message {
        if !record.message.contains(expected.as_str()) {
            reasons.push(format!("message: expected it to contain {expected:?}, got {:?}", record.message));
        }
    }
    for (name, expected, actual) in [("stdout", &spec.stdout, &run.stdout), ("stderr", &spec.stderr, &run.stderr)] {
        if let Some(expected) = expected {
            if let Some(difference) = compare_stream(name, expected.as_bytes(), actual, output_match) {
                reasons.push(difference);
            }
        }
    }
    reasons.extend(check_files(spec, run));
    reasons.extend(check_frame(spec, run));
    if reasons.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(reasons)
    }
}

/// Why the run's ending is not the one the spec expects (the statuses differ, and the run's is
/// one a spec can expect: an exit, a load error or an idle ending).
fn status_difference(spec: &Spec, record: &Record) -> String {
    match (spec.status, record.status) {
        // A run ends idle only when its spec has `until_idle`, so the spec forgot the status.
        (expected, Status::Idle) => format!(
            "the guest waited for input: {} ({}), but the spec expects `{expected}`; a spec for an application that never exits says \"status\": \"idle\"",
            record.status, record.message
        ),
        (Status::Idle, Status::Exited) => format!(
            "status: expected `idle` (the guest waiting for input after every injected event), but the guest exited with code {}",
            record.exit_code
        ),
        (expected, actual) => {
            let detail = if record.message.is_empty() { String::new() } else { format!(" ({})", record.message) };
            format!("status: expected `{expected}`, got `{actual}`{detail}")
        }
    }
}

/// Checks the frame against the spec's golden (`frame`, `frame_tolerance`).
fn check_frame(spec: &Spec, run: &RunOutput) -> Option<String> {
    let path = spec.frame_path()?;
    let frame = match &run.frame {
        None => return Some("frame: the run wrote no frame (a frame is written when the guest used the graphics bindings)".into()),
        Some(Err(e)) => return Some(format!("frame: the frame file is broken: {e}")),
        Some(Ok(frame)) => frame,
    };
    if !path.exists() {
        return Some(format!(
            "frame: no golden {}; create it from the host's frame with XBENCH_BLESS=1 (beside the spec) or \
             XBENCH_BLESS=<source suite dir> (also there, to commit), running the test on the host: \
             `XBENCH_BLESS=1 xbench test --target host <suite> --exact <test>`",
            path.display()
        ));
    }
    let golden = match crate::frame::Frame::read_png(&path) {
        Ok(golden) => golden,
        Err(e) => return Some(format!("frame: {e:#}")),
    };
    let difference = frame.compare(&golden, spec.frame_tolerance);
    if difference.within(spec.frame_tolerance) {
        return None;
    }
    let tolerance = spec.frame_tolerance;
    Some(format!(
        "frame differs from the golden {}: {} (tolerance: {} pixels, {} per channel); the report's frames/ directory has the frame and a difference image",
        path.display(),
        difference.describe(),
        tolerance.pixels,
        tolerance.channel
    ))
}

/// Checks the spec's `files` against the file system the guest left behind.
fn check_files(spec: &Spec, run: &RunOutput) -> Vec<String> {
    if spec.files.is_empty() {
        return Vec::new();
    }
    let Some(bytes) = &run.fs_image else {
        return vec!["files: the firmware wrote no file-system image back".to_string()];
    };
    let image = match bench_protocol::Image::decode(bytes) {
        Ok(image) => image,
        Err(e) => return vec![format!("files: the file-system image written back is broken: {e}")],
    };
    let mut reasons = Vec::new();
    for (path, expected) in &spec.files {
        let wanted = path.trim_start_matches('/').trim_start_matches("./");
        match image.entries().find(|e| e.path == wanted.as_bytes()) {
            None => reasons.push(format!("files: {path} does not exist after the run")),
            Some(entry) if entry.kind != bench_protocol::EntryKind::File => {
                reasons.push(format!("files: {path} is a {:?}, not a regular file", entry.kind))
            }
            Some(entry) => {
                if let Some(difference) = compare_stream(&format!("files: {path}"), expected.as_bytes(), entry.data, OutputMatch::Exact) {
                    reasons.push(difference);
                }
            }
        }
    }
    reasons
}

/// Describes how `actual` differs from `expected`, or `None` if it matches.
fn compare_stream(name: &str, expected: &[u8], actual: &[u8], output_match: OutputMatch) -> Option<String> {
    let matches = match output_match {
        OutputMatch::Exact => actual == expected,
        OutputMatch::Prefix => actual.starts_with(expected),
    };
    if matches {
        return None;
    }
    let first_difference = expected.iter().zip(actual).take_while(|(a, b)| a == b).count();
    let rule = match output_match {
        OutputMatch::Exact => "",
        OutputMatch::Prefix => " (as a prefix)",
    };
    Some(format!(
        "{name} differs at byte {first_difference}{rule}:\n  - expected: {}\n  + actual:   {}",
        escape(expected),
        escape(actual)
    ))
}

/// Shows bytes as a quoted string with control and non-UTF-8 bytes escaped.
pub fn escape(bytes: &[u8]) -> String {
    const LIMIT: usize = 400;
    let shown = &bytes[..bytes.len().min(LIMIT)];
    let mut text = format!("\"{}\"", shown.escape_ascii());
    if bytes.len() > LIMIT {
        text.push_str(&format!(" ... ({} bytes in all)", bytes.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execute::Record;
    use crate::launch::Invocation;

    fn finished(status: Status, exit_code: u32, stdout: &[u8]) -> RunOutput {
        RunOutput {
            stdout: stdout.to_vec(),
            stderr: Vec::new(),
            diagnostics: String::new(),
            end: RunEnd::Finished(Record {
                status,
                exit_code,
                message: "Exception: unreachable".into(),
                instructions: None,
                heap_peak: None,
                runtime_heap_peak: None,
                render_instructions: None,
                measured_instructions: None,
                stack_peak: None,
                operand_stack_peak: None,
            }),
            wall: Duration::ZERO,
            invocation: Invocation { program: "qemu".into(), args: vec![] },
            job_dir: None,
            fs_image: None,
            frame: None,
        }
    }

    fn spec(stdout: Option<&str>) -> Spec {
        Spec { stdout: stdout.map(str::to_owned), ..Spec::default() }
    }

    #[test]
    fn matching_output_and_exit_pass() {
        assert_eq!(judge(&spec(Some("hi\n")), &finished(Status::Exited, 0, b"hi\n"), OutputMatch::Exact), Outcome::Pass);
    }

    #[test]
    fn prefix_matching_accepts_more_output_and_exact_does_not() {
        let run = finished(Status::Exited, 0, b"hi\nmore");
        assert_eq!(judge(&spec(Some("hi\n")), &run, OutputMatch::Prefix), Outcome::Pass);
        let Outcome::Fail(reasons) = judge(&spec(Some("hi\n")), &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("stdout differs at byte 3"), "{reasons:?}");
    }

    #[test]
    fn a_wrong_exit_code_fails_with_both_codes() {
        let Outcome::Fail(reasons) = judge(&spec(None), &finished(Status::Exited, 33, b""), OutputMatch::Exact) else {
            panic!()
        };
        assert_eq!(reasons, ["exit code: expected 0, got 33"]);
    }

    #[test]
    fn an_unexpected_trap_is_a_crash_and_an_expected_one_passes() {
        let run = finished(Status::Trap, 0, b"");
        assert!(matches!(judge(&spec(None), &run, OutputMatch::Exact), Outcome::Crash { status: Status::Trap, .. }));
        let expecting = Spec { status: Status::Trap, message: Some("unreachable".into()), ..Spec::default() };
        assert_eq!(judge(&expecting, &run, OutputMatch::Exact), Outcome::Pass);
    }

    /// A run that ended idle, with its output and a frame.
    fn idle(stdout: &[u8]) -> RunOutput {
        let mut run = finished(Status::Idle, 0, stdout);
        if let RunEnd::Finished(record) = &mut run.end {
            record.message = "waiting for input after every injected event".into();
        }
        run.frame = Some(Ok(crate::frame::Frame { width: 2, height: 1, rgb: vec![255; 6] }));
        run
    }

    #[test]
    fn an_expected_idle_ending_passes_when_the_outputs_match() {
        let expecting = Spec { until_idle: true, status: Status::Idle, stdout: Some("ready\n".into()), ..Spec::default() };
        assert_eq!(judge(&expecting, &idle(b"ready\n"), OutputMatch::Exact), Outcome::Pass);
        // The outputs still count.
        let Outcome::Fail(reasons) = judge(&expecting, &idle(b"other\n"), OutputMatch::Exact) else { panic!() };
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].starts_with("stdout differs at byte 0"), "{reasons:?}");
    }

    #[test]
    fn an_expected_idle_ending_checks_the_frame_too() {
        use crate::frame::Frame;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("g.png"), Frame { width: 2, height: 1, rgb: vec![255; 6] }.to_png()).unwrap();
        let expecting = Spec {
            until_idle: true,
            status: Status::Idle,
            frame: Some("g.png".into()),
            base_dir: Some(dir.path().into()),
            ..Spec::default()
        };
        let mut run = idle(b"");
        assert_eq!(judge(&expecting, &run, OutputMatch::Exact), Outcome::Pass);
        run.frame = Some(Ok(Frame { width: 2, height: 1, rgb: vec![0; 6] }));
        let Outcome::Fail(reasons) = judge(&expecting, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].starts_with("frame differs from the golden"), "{reasons:?}");
    }

    #[test]
    fn an_idle_ending_the_spec_did_not_expect_is_a_failure_that_says_so() {
        let not_expecting = Spec { until_idle: true, stdout: Some("ready\n".into()), ..Spec::default() };
        let outcome = judge(&not_expecting, &idle(b"ready\n"), OutputMatch::Exact);
        let Outcome::Fail(reasons) = &outcome else { panic!("{outcome:?}") };
        assert_eq!(outcome.label(), "FAIL");
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].starts_with("the guest waited for input: idle (waiting for input after every injected event), but the spec expects `exit`"),
            "{reasons:?}"
        );
        assert!(reasons[0].contains(r#""status": "idle""#), "{reasons:?}");
        // Nor is it read as a crash or a timeout when the spec expects a trap.
        let expecting_trap = Spec { until_idle: true, status: Status::Trap, ..Spec::default() };
        assert!(matches!(judge(&expecting_trap, &idle(b""), OutputMatch::Exact), Outcome::Fail(_)));
    }

    #[test]
    fn a_spec_expecting_idle_fails_when_the_guest_exits() {
        let expecting = Spec { until_idle: true, status: Status::Idle, ..Spec::default() };
        let Outcome::Fail(reasons) = judge(&expecting, &finished(Status::Exited, 3, b""), OutputMatch::Exact) else {
            panic!()
        };
        assert_eq!(
            reasons,
            ["status: expected `idle` (the guest waiting for input after every injected event), but the guest exited with code 3"]
        );
        // An exit with code 0 is no idle ending either.
        assert!(matches!(judge(&expecting, &finished(Status::Exited, 0, b""), OutputMatch::Exact), Outcome::Fail(_)));
        // A trap stays a crash.
        assert!(matches!(judge(&expecting, &finished(Status::Trap, 0, b""), OutputMatch::Exact), Outcome::Crash { .. }));
    }

    #[test]
    fn timeouts_and_infrastructure_errors_stay_distinct() {
        let mut run = finished(Status::Exited, 0, b"");
        run.end = RunEnd::TimedOut(Duration::from_secs(1));
        assert_eq!(judge(&spec(None), &run, OutputMatch::Exact), Outcome::Timeout(Duration::from_secs(1)));
        run.end = RunEnd::Infrastructure("qemu died".into());
        assert_eq!(judge(&spec(None), &run, OutputMatch::Exact), Outcome::Infrastructure("qemu died".into()));
    }

    #[test]
    fn expectations_turn_failures_into_xfail_and_passes_into_xpass() {
        assert!(matches!(Outcome::Pass.expected_to_fail("r"), Outcome::XPass(_)));
        assert!(Outcome::Pass.expected_to_fail("r").is_red());
        let xfail = Outcome::Fail(vec!["x".into()]).expected_to_fail("known");
        assert!(matches!(xfail, Outcome::XFail(_)) && !xfail.is_red());
        assert!(Outcome::Infrastructure("q".into()).expected_to_fail("r").is_red());
    }

    #[test]
    fn expected_files_are_checked_in_the_image_written_back() {
        let mut image = bench_protocol::ImageBuilder::new();
        image.push(bench_protocol::EntryKind::File, b"out.txt", b"written");
        let mut run = finished(Status::Exited, 0, b"");
        let spec = Spec { files: vec![("out.txt".into(), "written".into())], ..Spec::default() };
        let Outcome::Fail(reasons) = judge(&spec, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("no file-system image"), "{reasons:?}");
        run.fs_image = Some(image.finish());
        assert_eq!(judge(&spec, &run, OutputMatch::Exact), Outcome::Pass);
        let wrong = Spec { files: vec![("out.txt".into(), "other".into()), ("gone".into(), "".into())], ..Spec::default() };
        let Outcome::Fail(reasons) = judge(&wrong, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("files: out.txt differs") && reasons[1].contains("gone does not exist"), "{reasons:?}");
    }

    #[test]
    fn frames_are_judged_against_their_golden() {
        use crate::frame::{Frame, Tolerance};
        let dir = tempfile::tempdir().unwrap();
        let white = Frame { width: 4, height: 3, rgb: vec![255; 36] };
        let mut dotted = white.clone();
        dotted.rgb[(4 + 1) * 3..(4 + 1) * 3 + 3].copy_from_slice(&[0, 0, 0]);
        let spec = Spec { frame: Some("g/w.png".into()), base_dir: Some(dir.path().into()), ..Spec::default() };
        let mut run = finished(Status::Exited, 0, b"");
        let Outcome::Fail(reasons) = judge(&spec, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("wrote no frame"), "{reasons:?}");
        run.frame = Some(Ok(dotted.clone()));
        let Outcome::Fail(reasons) = judge(&spec, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("no golden") && reasons[0].contains("XBENCH_BLESS=1"), "{reasons:?}");
        std::fs::create_dir_all(dir.path().join("g")).unwrap();
        std::fs::write(dir.path().join("g/w.png"), white.to_png()).unwrap();
        let Outcome::Fail(reasons) = judge(&spec, &run, OutputMatch::Exact) else { panic!() };
        assert!(reasons[0].contains("1 pixel differs, within x 1..=1, y 1..=1"), "{reasons:?}");
        let tolerant = Spec { frame_tolerance: Tolerance { pixels: 1, channel: 0 }, ..spec.clone() };
        assert_eq!(judge(&tolerant, &run, OutputMatch::Exact), Outcome::Pass);
        run.frame = Some(Ok(white));
        assert_eq!(judge(&spec, &run, OutputMatch::Exact), Outcome::Pass);
    }

    #[test]
    fn escaping_shows_control_and_binary_bytes() {
        assert_eq!(escape(b"a\n\"\xff"), "\"a\\n\\\"\\xff\"");
    }
}
