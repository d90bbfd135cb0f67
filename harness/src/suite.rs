//! Running a suite directory on one target, in parallel, and printing one line per test.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;

use crate::execute::{run_module, RunOutput, RunSettings};
use crate::launch::shell_quote;
use crate::spec::{discover_modules, Manifest, Spec};
use crate::expectations::Expectations;
use crate::target::Target;
use crate::verdict::{judge, Outcome, OutputMatch};

/// One test of a suite: a module and its spec.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    pub module: PathBuf,
    pub spec: Spec,
}

/// A suite read from its directory.
#[derive(Debug, Clone)]
pub struct Suite {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub tests: Vec<TestCase>,
}

impl Suite {
    /// Reads every `*.wasm` of `dir` with its spec. A broken spec stops the whole suite, naming
    /// the file: running the rest would hide it.
    pub fn load(dir: &Path) -> anyhow::Result<Suite> {
        let manifest = Manifest::for_suite(dir)?;
        let mut tests = Vec::new();
        for module in discover_modules(dir)? {
            let name = module.file_stem().and_then(|s| s.to_str()).context("a module name is not UTF-8")?.to_string();
            let spec = Spec::for_module(&module)?;
            tests.push(TestCase { name, module, spec });
        }
        Ok(Suite { dir: dir.to_path_buf(), manifest, tests })
    }

    /// Keeps the tests whose names contain one of `filters` (or equal one, with `exact`).
    pub fn filter(&mut self, filters: &[String], exact: bool) {
        if filters.is_empty() {
            return;
        }
        self.tests.retain(|test| {
            filters.iter().any(|f| if exact { test.name == *f } else { test.name.contains(f.as_str()) })
        });
    }
}

/// The result of one test on one target.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub outcome: Outcome,
    pub run: Option<RunOutput>,
    /// A command that runs this test alone.
    pub reproduce: String,
    /// How many times the test was run again after an infrastructure error.
    pub retried: u32,
}

pub struct SuiteOptions<'a> {
    pub target: &'a Target,
    pub expectations: Option<&'a Expectations>,
    pub executable: &'a Path,
    pub settings: &'a RunSettings,
    pub output_match: OutputMatch,
    pub jobs: usize,
    /// Runs again after an infrastructure error (QEMU did not start, say); never after a
    /// failure of the guest, which would hide flakiness in the VM.
    pub retries: u32,
}

/// Runs every test of `suite`, `options.jobs` at a time, calling `report` as each finishes.
pub fn run_suite(suite: &Suite, options: &SuiteOptions<'_>, report: &(dyn Fn(&TestResult) + Sync)) -> Vec<TestResult> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(suite.tests.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1).min(suite.tests.len().max(1)) {
            scope.spawn(|| loop {
                if crate::launch::interrupted() {
                    break;
                }
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(test) = suite.tests.get(index) else { break };
                let result = run_test(suite, test, options);
                report(&result);
                if let Ok(mut results) = results.lock() {
                    results.push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn run_test(suite: &Suite, test: &TestCase, options: &SuiteOptions<'_>) -> TestResult {
    let mut result = run_test_once(suite, test, options);
    while matches!(result.outcome, Outcome::Infrastructure(_))
        && result.retried < options.retries
        && !crate::launch::interrupted()
    {
        let retried = result.retried + 1;
        result = TestResult { retried, ..run_test_once(suite, test, options) };
    }
    result
}

fn run_test_once(suite: &Suite, test: &TestCase, options: &SuiteOptions<'_>) -> TestResult {
    let reproduce = format!(
        "xbench test --target {} {} --exact {}",
        options.target.name,
        shell_quote(&suite.dir.display().to_string()),
        shell_quote(&test.name)
    );
    let expectation = options.expectations.and_then(|e| e.lookup(&suite.manifest.name, &options.target.name, &test.name));
    if let Some(reason) = &test.spec.unsupported {
        return TestResult {
            name: test.name.clone(),
            outcome: Outcome::Skip(reason.clone()),
            run: None,
            reproduce,
            retried: 0,
        };
    }
    if let Some(expectation) = expectation.filter(|e| e.skip) {
        return TestResult {
            name: test.name.clone(),
            outcome: Outcome::Skip(expectation.reason.clone()),
            run: None,
            reproduce,
            retried: 0,
        };
    }
    let module_name = test.module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let run = std::fs::read(&test.module)
        .with_context(|| format!("reading {}", test.module.display()))
        .and_then(|bytes| run_module(options.target, options.executable, &module_name, bytes, &test.spec, options.settings));
    match run {
        Ok(run) => {
            let mut outcome = judge(&test.spec, &run, options.output_match);
            if let Some(expectation) = expectation.filter(|e| e.expect_failure) {
                outcome = outcome.expected_to_fail(&expectation.reason);
            }
            TestResult { name: test.name.clone(), outcome, run: Some(run), reproduce, retried: 0 }
        }
        Err(e) => TestResult {
            name: test.name.clone(),
            outcome: match e.downcast_ref::<crate::execute::DoesNotFit>() {
                Some(does_not_fit) => Outcome::OutOfMemory(does_not_fit.to_string()),
                None => Outcome::Infrastructure(format!("{e:#}")),
            },
            run: None,
            reproduce,
            retried: 0,
        },
    }
}

/// One line per test: outcome, target, name, wall time and, where known, guest instructions;
/// `idle` when the run ended with the guest waiting for input (whether or not that passed).
pub fn result_line(target: &str, result: &TestResult) -> String {
    let mut line = format!("{:<13} {target} {}", result.outcome.label(), result.name);
    if let Some(run) = &result.run {
        line.push_str(&format!(" ({} ms", run.wall.as_millis()));
        if let crate::execute::RunEnd::Finished(record) = &run.end {
            if let Some(instructions) = record.instructions {
                line.push_str(&format!(", {instructions} instructions"));
            }
            if record.status == bench_protocol::Status::Idle {
                line.push_str(", idle");
            }
        }
        line.push(')');
    }
    if result.retried > 0 {
        line.push_str(&format!(" [retried {}x]", result.retried));
    }
    line
}

/// The details printed under a test that did not pass.
pub fn failure_details(result: &TestResult) -> String {
    let mut text = String::new();
    for line in result.outcome.to_string().lines() {
        text.push_str(&format!("    {line}\n"));
    }
    if let Some(run) = &result.run {
        // A guest's own complaint (a Rust panic message, say) is often the best clue.
        if !run.stderr.is_empty() && !matches!(result.outcome, Outcome::Fail(_)) {
            let tail = &run.stderr[run.stderr.len().saturating_sub(400)..];
            text.push_str(&format!("    guest stderr: {}\n", crate::verdict::escape(tail)));
        }
        if !run.diagnostics.trim().is_empty() {
            text.push_str(&format!("    firmware said: {}\n", run.diagnostics.trim().replace('\n', "\n      ")));
        }
        text.push_str(&format!("    command: {}\n", run.invocation.to_shell()));
    }
    text.push_str(&format!("    reproduce: {}\n", result.reproduce));
    text
}

/// The closing line: `N passed, N failed`, with the kinds of failure when there are any.
pub fn summary_line(results: &[TestResult], wall: Duration) -> String {
    let passed = results.iter().filter(|r| r.outcome.passed()).count();
    let failed = results.iter().filter(|r| r.outcome.is_red()).count();
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for result in results.iter().filter(|r| !r.outcome.passed()) {
        let label = result.outcome.label();
        match kinds.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => kinds.push((label, 1)),
        }
    }
    let mut line = format!("{passed} passed, {failed} failed");
    if !kinds.is_empty() {
        let parts: Vec<String> = kinds.iter().map(|(l, n)| format!("{n} {}", l.to_lowercase())).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(" in {:.2} s", wall.as_secs_f64()));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: Outcome) -> TestResult {
        TestResult { name: "t".into(), outcome, run: None, reproduce: String::new(), retried: 0 }
    }

    #[test]
    fn the_summary_counts_each_kind_of_failure() {
        let results = [
            result(Outcome::Pass),
            result(Outcome::Pass),
            result(Outcome::Timeout(Duration::from_secs(1))),
            result(Outcome::Fail(vec!["x".into()])),
            result(Outcome::Fail(vec!["y".into()])),
        ];
        assert_eq!(summary_line(&results, Duration::from_millis(1500)), "2 passed, 3 failed (1 timeout, 2 fail) in 1.50 s");
    }

    #[test]
    fn a_suite_pairs_modules_with_specs_and_filters_them() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["alpha", "beta", "alphabet"] {
            std::fs::write(dir.path().join(format!("{name}.wasm")), b"\0asm").unwrap();
        }
        std::fs::write(dir.path().join("beta.json"), r#"{"exit_code": 3}"#).unwrap();
        let mut suite = Suite::load(dir.path()).unwrap();
        let names: Vec<&str> = suite.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["alpha", "alphabet", "beta"]);
        assert_eq!(suite.tests[2].spec.exit_code, 3);
        suite.filter(&["alpha".into()], true);
        assert_eq!(suite.tests.len(), 1);
    }

    #[test]
    fn a_broken_spec_stops_the_suite_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.path().join("t.json"), "{ not json").unwrap();
        let message = format!("{:#}", Suite::load(dir.path()).unwrap_err());
        assert!(message.contains("t.json"), "{message}");
    }
}
