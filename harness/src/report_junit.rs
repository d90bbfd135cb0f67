//! JUnit XML made from a [`Report`], for CI systems that show test results: one `<testsuite>`
//! per target, one `<testcase>` per test, and a `cross-target` suite for the divergences.

use std::fmt::Write;

use crate::report::{Report, ResultEntry, TargetEntry};

/// The JUnit XML of a report. With `failures_only`, passing testcases are left out; the counts
/// on the `<testsuite>`s stay those of the whole run.
pub fn junit(report: &Report, failures_only: bool) -> String {
    let suite = sanitise(&report.suite.name);
    let mut suites = Vec::new();
    for target in &report.targets {
        suites.push(target_suite(report, target, &suite, failures_only));
    }
    if !report.divergences.is_empty() {
        suites.push(divergence_suite(report, &suite));
    }

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = |f: fn(&SuiteXml) -> usize| suites.iter().map(f).sum::<usize>();
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">",
        attr(&report.suite.name),
        total(|s| s.tests),
        total(|s| s.failures),
        total(|s| s.errors),
        total(|s| s.skipped),
        seconds(report.wall_ms),
    );
    for s in &suites {
        xml.push_str(&s.xml);
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// One `<testsuite>`, rendered, with its counts for the `<testsuites>` totals.
struct SuiteXml {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    xml: String,
}

fn target_suite(report: &Report, target: &TargetEntry, suite: &str, failures_only: bool) -> SuiteXml {
    let classname = format!("{}.{suite}", target.name);
    let results: Vec<&ResultEntry> = report.results.iter().filter(|r| r.target == target.name).collect();
    let mut cases = String::new();
    let (tests, failures, errors, skipped);
    match target.state.as_str() {
        "ran" => {
            tests = results.len();
            failures = results.iter().filter(|r| kind(&r.outcome) == Kind::Failure).count();
            errors = results.iter().filter(|r| kind(&r.outcome) == Kind::Error).count();
            skipped = results.iter().filter(|r| kind(&r.outcome) == Kind::Skipped).count();
            for r in results {
                if failures_only && kind(&r.outcome) == Kind::Passed {
                    continue;
                }
                cases.push_str(&testcase(&classname, r));
            }
        }
        state => {
            // Skipped or not built: one testcase stands for every test of the target.
            let reason = target.reason.as_deref().unwrap_or(state);
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{}\" name=\"(all tests)\" time=\"0.000\">",
                attr(&classname)
            );
            if state == "skipped" {
                (tests, failures, errors, skipped) = (1, 0, 0, 1);
                let _ = writeln!(cases, "      <skipped message=\"{}\"/>", attr(reason));
            } else {
                (tests, failures, errors, skipped) = (1, 0, 1, 0);
                let _ = writeln!(
                    cases,
                    "      <error type=\"{}\" message=\"{}\">{}</error>",
                    attr(state),
                    attr(first_line(reason)),
                    text(reason)
                );
            }
            cases.push_str("    </testcase>\n");
        }
    }

    let mut xml = String::new();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        attr(&target.name),
        seconds(target.wall_ms.unwrap_or(0)),
    );
    xml.push_str("    <properties>\n");
    let mut property = |name: &str, value: &str| {
        let _ = writeln!(xml, "      <property name=\"{}\" value=\"{}\"/>", attr(name), attr(value));
    };
    property("rust_target", &target.rust_target);
    property("state", &target.state);
    property("seed", &format!("{:#x}", report.seed));
    if let Some(f) = target.footprint {
        property("footprint.text", &f.text.to_string());
        property("footprint.data", &f.data.to_string());
        property("footprint.bss", &f.bss.to_string());
    }
    xml.push_str("    </properties>\n");
    xml.push_str(&cases);
    xml.push_str("  </testsuite>\n");
    SuiteXml { tests, failures, errors, skipped, xml }
}

/// How JUnit counts an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `pass`, and `xfail` (a failure the expectations know of).
    Passed,
    /// `fail`, and `xpass` (a pass the expectations call a failure: a stale entry).
    Failure,
    /// `skip` (not run, as the expectations say).
    Skipped,
    /// `crash`, `timeout`, `out-of-memory`, `infra-error`, and anything unknown.
    Error,
}

fn kind(outcome: &str) -> Kind {
    match outcome {
        "pass" | "xfail" => Kind::Passed,
        "fail" | "xpass" => Kind::Failure,
        "skip" | "skipped" => Kind::Skipped,
        _ => Kind::Error,
    }
}

fn testcase(classname: &str, r: &ResultEntry) -> String {
    let mut xml = format!(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
        attr(classname),
        attr(&r.test),
        seconds(r.wall_ms.unwrap_or(0))
    );
    if r.outcome == "pass" {
        xml.push_str("/>\n");
        return xml;
    }
    xml.push_str(">\n");
    let body = format!("{}\n\nReproduce: {}", r.details, r.reproduce);
    let message = first_line(&r.details);
    let message = if message.is_empty() { r.outcome.as_str() } else { message };
    match kind(&r.outcome) {
        Kind::Passed => {} // An expected failure: its details go to system-out below.
        Kind::Skipped => {
            let _ = writeln!(xml, "      <skipped message=\"{}\"/>", attr(&r.details));
        }
        Kind::Failure => {
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attr(message),
                attr(&r.outcome),
                text(&body)
            );
        }
        Kind::Error => {
        let _ = writeln!(
            xml,
            "      <error message=\"{}\" type=\"{}\">{}</error>",
            attr(message),
            attr(&r.outcome),
            text(&body)
        );
        }
    }
    let mut out = String::new();
    if r.outcome == "xfail" {
        let _ = writeln!(out, "expected failure: {}", r.details);
    }
    if let Some(status) = &r.status {
        let _ = write!(out, "status: {status}");
        if let Some(code) = r.exit_code {
            let _ = write!(out, " {code}");
        }
        out.push('\n');
    }
    if let Some(message) = &r.message {
        let _ = writeln!(out, "message: {message}");
    }
    if let Some(n) = r.instructions {
        let _ = writeln!(out, "instructions: {n}");
    }
    if !out.is_empty() {
        let _ = writeln!(xml, "      <system-out>{}</system-out>", text(&out));
    }
    xml.push_str("    </testcase>\n");
    xml
}

fn divergence_suite(report: &Report, suite: &str) -> SuiteXml {
    let classname = format!("cross-target.{suite}");
    let count = report.divergences.len();
    let mut xml = String::new();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"cross-target\" tests=\"{count}\" failures=\"{count}\" errors=\"0\" skipped=\"0\" time=\"0.000\">"
    );
    for d in &report.divergences {
        let message = format!("{} differ from {}", d.targets.join(", "), d.reference);
        let _ = writeln!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0.000\">\n      <failure message=\"{}\" type=\"divergence\">{}</failure>\n    </testcase>",
            attr(&classname),
            attr(&d.test),
            attr(&message),
            text(&d.diff)
        );
    }
    xml.push_str("  </testsuite>\n");
    SuiteXml { tests: count, failures: count, errors: 0, skipped: 0, xml }
}

/// A suite name fit for a dotted classname: letters, digits, `_` and `-`; anything else is `_`.
fn sanitise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() { "suite".to_string() } else { trimmed.to_string() }
}

fn seconds(ms: u128) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

/// Characters XML 1.0 allows at all (as text or as a character reference).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn escape(s: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            // Attribute values have their whitespace normalised by parsers; references keep it.
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if !allowed(c) => {
                // Not even a character reference may carry these: write them out visibly.
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes element text.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (to go between double quotes).
pub fn attr(s: &str) -> String {
    escape(s, true)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::compare::Divergence;
    use crate::footprint::Footprint;
    use crate::report::{SuiteInfo, SCHEMA};

    fn result(target: &str, test: &str, outcome: &str, details: &str, instructions: Option<u64>) -> ResultEntry {
        ResultEntry {
            target: target.into(),
            test: test.into(),
            outcome: outcome.into(),
            details: details.into(),
            status: Some(if outcome == "pass" { "exit" } else { "trap" }.into()),
            exit_code: Some(if outcome == "pass" { 0 } else { 1 }),
            message: None,
            instructions,
            heap_peak: Some(4096),
            runtime_heap_peak: Some(2048),
            render_instructions: None,
            measured_instructions: None,
            stack_peak: None,
            operand_stack_peak: None,
            wall_ms: Some(120),
            reproduce: format!("xbench test --target {target} build/suites/basic --exact {test}"),
            retried: 0,
            observed: None,
            frame: None,
        }
    }

    fn target(name: &str, state: &'static str, reason: Option<&str>, footprint: Option<Footprint>) -> TargetEntry {
        TargetEntry {
            name: name.into(),
            rust_target: format!("{name}-unknown-none-elf"),
            state: state.to_string(),
            reason: reason.map(String::from),
            footprint,
            components: Vec::new(),
            passed: 0,
            failed: 0,
            wall_ms: if state == "ran" { Some(1234) } else { None },
        }
    }

    /// A report with every kind of outcome, a skipped and an unbuilt target, and a divergence.
    pub(crate) fn sample_report() -> Report {
        let fp = |text| Some(Footprint { text, data: 3352, bss: 368, stack_reserved: 135168, heap_reserved: 1 << 24 });
        let mut targets = vec![
            target("host", "ran", None, None),
            target("riscv32", "ran", None, fp(175_360)),
            target("riscv32imc", "ran", None, fp(184_580)),
            target("thumbv7em", "skipped", Some("qemu-system-arm is not installed"), None),
            target("xtensa", "build-failed", Some("linker error:\n  undefined symbol <__atomic_load_4>"), None),
        ];
        let mut results = Vec::new();
        let tests = ["args_env", "clock", "float_abi", "hello", "stdin", "trap"];
        for (i, test) in tests.iter().enumerate() {
            results.push(result("host", test, "pass", "", None));
            results.push(result("riscv32", test, "pass", "", Some(10_000_000 * (i as u64 + 1) + 123_456)));
            let (outcome, details) = match *test {
                "clock" => ("fail", "stdout differs from the spec:\n  expected: \"tick & tock\"\n  got:      \"tick <\u{1b}[0m> tock\""),
                "float_abi" => ("crash", "fault: illegal instruction at 0x0000_1234"),
                "stdin" => ("timeout", "no end after 10 s"),
                "trap" => ("out-of-memory", "heap exhausted: 16777216 bytes"),
                "hello" => ("infra-error", "qemu exited with status 1"),
                _ => ("pass", ""),
            };
            results.push(result("riscv32imc", test, outcome, details, Some(9_000_000 * (i as u64 + 1))));
        }
        for t in &mut targets {
            t.passed = results.iter().filter(|r| r.target == t.name && r.outcome == "pass").count();
            t.failed = results.iter().filter(|r| r.target == t.name && r.outcome != "pass").count();
        }
        Report {
            schema: SCHEMA.to_string(),
            suite: SuiteInfo { name: "Xila bench basic suite".into(), dir: "build/suites/basic".into(), tests: tests.len() },
            seed: 0x5849_4c41_4245_4e43,
            start_time_ns: 0,
            wall_ms: 2345,
            passed: false,
            interrupted: false,
            targets,
            results,
            divergences: vec![Divergence {
                test: "clock".into(),
                reference: "host".into(),
                targets: vec!["riscv32imc".into()],
                diff: "stdout:\n  host:       \"tick & tock\\n\"\n  riscv32imc: \"tick <\u{1b}[0m> tock\\n\"\n".into(),
            }],
            baseline_deltas: Vec::new(),
            images: Default::default(),
        }
    }

    fn parse(xml: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"))
    }

    fn count_attr(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
        node.attribute(name).unwrap().parse().unwrap()
    }

    #[test]
    fn escapes_markup_quotes_and_forbidden_characters() {
        assert_eq!(attr("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(attr("x\ny\tz"), "x&#10;y&#9;z");
        assert_eq!(text("x\ny\tz\"'"), "x\ny\tz\"'");
        assert_eq!(text("\u{1b}[0m\u{0}\u{b}\u{fffe}"), "\\u{1b}[0m\\u{0}\\u{b}\\u{fffe}");
        assert_eq!(text("é ✓ 𝄞"), "é ✓ 𝄞");
        assert_eq!(text("a\r\nb"), "a&#13;\nb");
    }

    #[test]
    fn escaped_values_parse_back_to_what_was_meant() {
        let value = "<a & \"b\" 'c'>\n\tnext";
        let xml = format!("<r v=\"{}\">{}</r>", attr(value), text(value));
        let doc = parse(&xml);
        assert_eq!(doc.root_element().attribute("v"), Some(value));
        assert_eq!(doc.root_element().text(), Some(value));
    }

    #[test]
    fn sanitises_suite_names() {
        assert_eq!(sanitise("Xila bench basic suite"), "Xila_bench_basic_suite");
        assert_eq!(sanitise("a.b/c  d"), "a_b_c_d");
        assert_eq!(sanitise("..."), "suite");
    }

    #[test]
    fn output_parses_and_counts_are_true() {
        let report = sample_report();
        let xml = junit(&report, false);
        let doc = parse(&xml);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
        let names: Vec<_> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
        assert_eq!(names, ["host", "riscv32", "riscv32imc", "thumbv7em", "xtensa", "cross-target"]);

        let imc = suites[2];
        assert_eq!(count_attr(imc, "tests"), 6);
        assert_eq!(count_attr(imc, "failures"), 1);
        assert_eq!(count_attr(imc, "errors"), 4);
        assert_eq!(count_attr(imc, "skipped"), 0);
        assert_eq!(imc.attribute("time"), Some("1.234"));
        let cases: Vec<_> = imc.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 6);
        assert_eq!(cases[0].attribute("classname"), Some("riscv32imc.Xila_bench_basic_suite"));

        let clock = cases.iter().find(|c| c.attribute("name") == Some("clock")).unwrap();
        let failure = clock.children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("stdout differs from the spec:"));
        let body = failure.text().unwrap();
        assert!(body.contains("\"tick & tock\""), "{body}");
        assert!(body.contains("\\u{1b}[0m"), "{body}");
        assert!(body.contains("Reproduce: xbench test --target riscv32imc build/suites/basic --exact clock"));

        let float = cases.iter().find(|c| c.attribute("name") == Some("float_abi")).unwrap();
        let error = float.children().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(error.attribute("type"), Some("crash"));
        let oom = cases.iter().find(|c| c.attribute("name") == Some("trap")).unwrap();
        assert_eq!(oom.children().find(|n| n.has_tag_name("error")).unwrap().attribute("type"), Some("out-of-memory"));

        let skipped = suites[3];
        assert_eq!(count_attr(skipped, "skipped"), 1);
        let skip = skipped.descendants().find(|n| n.has_tag_name("skipped")).unwrap();
        assert_eq!(skip.attribute("message"), Some("qemu-system-arm is not installed"));
        let unbuilt = suites[4];
        assert_eq!(count_attr(unbuilt, "errors"), 1);
        let error = unbuilt.descendants().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(error.attribute("type"), Some("build-failed"));
        assert_eq!(error.attribute("message"), Some("linker error:"));

        let cross = suites[5];
        assert_eq!(count_attr(cross, "failures"), 1);
        let case = cross.children().find(|n| n.has_tag_name("testcase")).unwrap();
        assert_eq!(case.attribute("name"), Some("clock"));
        let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("riscv32imc differ from host"));
        assert!(failure.text().unwrap().starts_with("stdout:\n  host:"));

        assert_eq!(count_attr(root, "tests"), 6 + 6 + 6 + 1 + 1 + 1);
        assert_eq!(count_attr(root, "failures"), 1 + 1);
        assert_eq!(count_attr(root, "errors"), 4 + 1);
        assert_eq!(count_attr(root, "skipped"), 1);
        assert_eq!(root.attribute("time"), Some("2.345"));
        let testcases = root.descendants().filter(|n| n.has_tag_name("testcase")).count();
        assert_eq!(testcases, 6 + 6 + 6 + 1 + 1 + 1);
    }

    #[test]
    fn expectation_outcomes_count_as_junit_knows_them() {
        let mut report = sample_report();
        report.targets.truncate(1);
        report.divergences.clear();
        report.results = vec![
            result("host", "a", "pass", "", None),
            result("host", "b", "skip", "flaky on CI", None),
            result("host", "c", "xfail", "FAIL (expected: issue 12): exit 1", None),
            result("host", "d", "xpass", "passed, but the expectations say it fails: issue 7", None),
        ];
        let xml = junit(&report, true);
        let doc = parse(&xml);
        let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
        assert_eq!(["tests", "failures", "errors", "skipped"].map(|a| count_attr(suite, a)), [4, 1, 0, 1]);
        let names: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).map(|n| n.attribute("name").unwrap()).collect();
        assert_eq!(names, ["b", "d"]);
        let skip = suite.descendants().find(|n| n.has_tag_name("skipped")).unwrap();
        assert_eq!(skip.attribute("message"), Some("flaky on CI"));
        let failure = suite.descendants().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("type"), Some("xpass"));
        let full = junit(&report, false);
        assert!(parse(&full).descendants().any(|n| n.has_tag_name("system-out") && n.text().unwrap().contains("expected failure: FAIL")));
    }

    #[test]
    fn failures_only_drops_passes_but_keeps_counts() {
        let report = sample_report();
        let full = junit(&report, false);
        let xml = junit(&report, true);
        let doc = parse(&xml);
        let full_doc = parse(&full);
        let suite = |doc: &'_ roxmltree::Document<'_>, name: &str| {
            let node = doc.descendants().find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(name)).unwrap();
            (["tests", "failures", "errors", "skipped"].map(|a| count_attr(node, a)), node.children().filter(|n| n.has_tag_name("testcase")).count())
        };
        for name in ["host", "riscv32", "riscv32imc", "thumbv7em", "xtensa", "cross-target"] {
            assert_eq!(suite(&doc, name).0, suite(&full_doc, name).0, "{name}");
        }
        assert_eq!(suite(&doc, "host").1, 0);
        assert_eq!(suite(&doc, "riscv32").1, 0);
        assert_eq!(suite(&doc, "riscv32imc").1, 5);
        assert_eq!(suite(&doc, "thumbv7em").1, 1);
        assert_eq!(suite(&doc, "cross-target").1, 1);
        assert!(!xml.contains("name=\"args_env\""));
    }
}
