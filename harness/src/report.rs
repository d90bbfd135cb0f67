//! Reports of a run, written to a report directory. `report.json` is the source of truth (its
//! schema is documented in `docs/report-schema.md`); `summary.md`, `junit.xml`
//! ([`crate::report_junit`]) and `report.html` ([`crate::report_html`]) are made from the same data.

use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use crate::compare::Divergence;
use crate::execute::RunEnd;
use crate::footprint::Footprint;
use crate::matrix::{MatrixRun, TargetState};
use crate::suite::TestResult;
use crate::verdict::Outcome;

/// The version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA: &str = "xbench-report/1";

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub suite: SuiteInfo,
    pub seed: u64,
    pub start_time_ns: u64,
    pub wall_ms: u128,
    pub passed: bool,
    pub targets: Vec<TargetEntry>,
    pub results: Vec<ResultEntry>,
    pub divergences: Vec<Divergence>,
}

#[derive(Debug, Serialize)]
pub struct SuiteInfo {
    pub name: String,
    pub dir: String,
    pub tests: usize,
}

#[derive(Debug, Serialize)]
pub struct TargetEntry {
    pub name: String,
    pub rust_target: String,
    /// `ran`, `skipped` or `build-failed`.
    pub state: &'static str,
    pub reason: Option<String>,
    pub footprint: Option<Footprint>,
    pub passed: usize,
    pub failed: usize,
    pub wall_ms: Option<u128>,
}

#[derive(Debug, Serialize)]
pub struct ResultEntry {
    pub target: String,
    pub test: String,
    /// `pass`, `fail`, `crash`, `timeout`, `out-of-memory` or `infra-error`.
    pub outcome: String,
    /// Why it did not pass (empty for a pass).
    pub details: String,
    /// How the firmware said the run ended: `exit`, `trap`, `fault`, ... (none if it never said).
    pub status: Option<String>,
    pub exit_code: Option<u32>,
    pub message: Option<String>,
    pub instructions: Option<u64>,
    pub heap_peak: Option<u64>,
    pub stack_peak: Option<u64>,
    pub wall_ms: Option<u128>,
    pub reproduce: String,
}

impl ResultEntry {
    fn new(target: &str, result: &TestResult) -> Self {
        let record = result.run.as_ref().and_then(|run| match &run.end {
            RunEnd::Finished(record) => Some(record),
            _ => None,
        });
        ResultEntry {
            target: target.to_string(),
            test: result.name.clone(),
            outcome: result.outcome.label().to_lowercase(),
            details: match &result.outcome {
                Outcome::Pass => String::new(),
                other => other.to_string(),
            },
            status: record.map(|r| r.status.name().to_string()),
            exit_code: record.map(|r| r.exit_code),
            message: record.map(|r| r.message.clone()).filter(|m| !m.is_empty()),
            instructions: record.and_then(|r| r.instructions),
            heap_peak: record.and_then(|r| r.heap_peak),
            stack_peak: record.and_then(|r| r.stack_peak),
            wall_ms: result.run.as_ref().map(|run| run.wall.as_millis()),
            reproduce: result.reproduce.clone(),
        }
    }
}

impl Report {
    pub fn from_run(run: &MatrixRun) -> Report {
        let mut targets = Vec::new();
        let mut results = Vec::new();
        for target_run in &run.targets {
            let target = &target_run.target;
            let (state, reason, footprint, wall_ms) = match &target_run.state {
                TargetState::Skipped(reason) => ("skipped", Some(reason.clone()), None, None),
                TargetState::BuildFailed(reason) => ("build-failed", Some(reason.clone()), None, None),
                TargetState::Ran { footprint, wall, .. } => ("ran", None, *footprint, Some(wall.as_millis())),
            };
            let ran = target_run.results();
            targets.push(TargetEntry {
                name: target.name.clone(),
                rust_target: target.rust_target.clone(),
                state,
                reason,
                footprint,
                passed: ran.iter().filter(|r| r.outcome.passed()).count(),
                failed: ran.iter().filter(|r| r.outcome.is_red()).count(),
                wall_ms,
            });
            results.extend(ran.iter().map(|r| ResultEntry::new(&target.name, r)));
        }
        Report {
            schema: SCHEMA,
            suite: SuiteInfo {
                name: run.suite.manifest.name.clone(),
                dir: run.suite.dir.display().to_string(),
                tests: run.suite.tests.len(),
            },
            seed: run.settings.seed,
            start_time_ns: run.settings.start_time_ns,
            wall_ms: run.wall.as_millis(),
            passed: run.passed(),
            targets,
            results,
            divergences: run.divergences.clone(),
        }
    }

    /// A Markdown page: the tests × targets matrix, footprints and divergences.
    pub fn to_markdown(&self) -> String {
        let mut md = format!("# {} — {}\n\n", self.suite.name, if self.passed { "passed" } else { "FAILED" });
        md.push_str(&format!("Seed `{:#x}`, {} tests, {:.2} s.\n\n", self.seed, self.suite.tests, self.wall_ms as f64 / 1000.0));
        let ran: Vec<&TargetEntry> = self.targets.iter().filter(|t| t.state == "ran").collect();
        md.push_str("| test |");
        for target in &ran {
            md.push_str(&format!(" {} |", target.name));
        }
        md.push_str("\n| --- |");
        md.push_str(&" --- |".repeat(ran.len()));
        md.push('\n');
        let mut tests: Vec<&str> = self.results.iter().map(|r| r.test.as_str()).collect();
        tests.dedup();
        tests.sort();
        tests.dedup();
        for test in tests {
            md.push_str(&format!("| {test} |"));
            for target in &ran {
                let cell = self
                    .results
                    .iter()
                    .find(|r| r.target == target.name && r.test == test)
                    .map(|r| match (r.outcome.as_str(), r.instructions) {
                        ("pass", Some(n)) => format!("pass ({:.2} M instr.)", n as f64 / 1e6),
                        (outcome, _) => outcome.to_string(),
                    })
                    .unwrap_or_default();
                md.push_str(&format!(" {cell} |"));
            }
            md.push('\n');
        }
        md.push_str("\n| target | state | passed | failed | text | data | bss |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for t in &self.targets {
            let (text, data, bss) = t.footprint.map_or((String::new(), String::new(), String::new()), |f| {
                (f.text.to_string(), f.data.to_string(), f.bss.to_string())
            });
            let state = match &t.reason {
                Some(reason) => format!("{} ({reason})", t.state),
                None => t.state.to_string(),
            };
            md.push_str(&format!("| {} | {state} | {} | {} | {text} | {data} | {bss} |\n", t.name, t.passed, t.failed));
        }
        if !self.divergences.is_empty() {
            md.push_str("\n## Divergences\n\n");
            for d in &self.divergences {
                md.push_str(&format!("### {} ({} vs {})\n\n```text\n{}```\n\n", d.test, d.reference, d.targets.join(", "), d.diff));
            }
        }
        let failures: Vec<&ResultEntry> = self.results.iter().filter(|r| r.outcome != "pass").collect();
        if !failures.is_empty() {
            md.push_str("\n## Failures\n\n");
            for r in failures {
                md.push_str(&format!("### {} on {}: {}\n\n```text\n{}\n```\n\nReproduce: `{}`\n\n", r.test, r.target, r.outcome, r.details, r.reproduce));
            }
        }
        md
    }

    /// Writes `report.json`, `summary.md`, `junit.xml` (every testcase) and `report.html` into
    /// `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        self.write_with(dir, false)
    }

    /// Like [`Report::write`]; with `failures_only_junit`, `junit.xml` leaves out the passing
    /// testcases (its counts stay those of the whole run).
    pub fn write_with(&self, dir: &Path, failures_only_junit: bool) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating report directory {}", dir.display()))?;
        let json = serde_json::to_string_pretty(self).context("serialising the report")?;
        std::fs::write(dir.join("report.json"), json).context("writing report.json")?;
        std::fs::write(dir.join("summary.md"), self.to_markdown()).context("writing summary.md")?;
        std::fs::write(dir.join("junit.xml"), crate::report_junit::junit(self, failures_only_junit))
            .context("writing junit.xml")?;
        std::fs::write(dir.join("report.html"), crate::report_html::html(self)).context("writing report.html")?;
        Ok(())
    }
}
