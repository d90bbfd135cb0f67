//! Reports of a run, written to a report directory. `report.json` is the source of truth (its
//! schema is documented in `docs/report-schema.md`); `summary.md`, `junit.xml`
//! ([`crate::report_junit`]) and `report.html` ([`crate::report_html`]) are made from the same data.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::compare::{Divergence, Observed};
use crate::execute::RunEnd;
use crate::footprint::Footprint;
use crate::matrix::{MatrixRun, TargetState};
use crate::suite::TestResult;
use crate::verdict::Outcome;

/// The version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA: &str = "xbench-report/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub suite: SuiteInfo,
    pub seed: u64,
    pub start_time_ns: u64,
    pub wall_ms: u128,
    pub passed: bool,
    /// Ctrl-C stopped the run: the report covers the tests that finished.
    #[serde(default)]
    pub interrupted: bool,
    pub targets: Vec<TargetEntry>,
    pub results: Vec<ResultEntry>,
    pub divergences: Vec<Divergence>,
    /// Changes against the baseline, one line each, filled in by `xbench gate`.
    #[serde(default)]
    pub baseline_deltas: Vec<String>,
    /// PNG files for the report directory, by path relative to it (`frames/...`): frames,
    /// goldens and difference images of this run. Not in report.json; [`Report::write`]
    /// writes them, and report.html inlines them.
    #[serde(skip)]
    pub images: std::collections::BTreeMap<String, Vec<u8>>,
}

/// A run's frame in the report directory (paths relative to it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameEntry {
    pub width: u32,
    pub height: u32,
    /// `frames/<target>/<test>.png`.
    pub png: String,
    /// The golden the spec names, copied to `frames/golden/<test>.png`; none without one.
    pub golden: Option<String>,
    /// `frames/<target>/<test>.diff.png` when the frame differs from its golden (beyond the
    /// tolerance): the golden in grey, differing pixels in magenta, their box in yellow.
    pub diff: Option<String>,
    /// How the frame compares with its golden: `matches`, `differs: ...` or why it could not
    /// be compared.
    pub comparison: Option<String>,
    /// Pixels that differ from the golden, and their bounding box (x0, y0, x1, y1).
    pub differing_pixels: Option<u64>,
    pub bounding_box: Option<(u32, u32, u32, u32)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuiteInfo {
    pub name: String,
    pub dir: String,
    pub tests: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetEntry {
    pub name: String,
    pub rust_target: String,
    /// `ran`, `skipped` or `build-failed`.
    pub state: String,
    pub reason: Option<String>,
    pub footprint: Option<Footprint>,
    /// Flash and RAM by component (WAMR core, libc-wasi, LVGL, runtime, libc, builtins...),
    /// from the firmware's linker map.
    #[serde(default)]
    pub components: Vec<crate::bench::Component>,
    pub passed: usize,
    pub failed: usize,
    pub wall_ms: Option<u128>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultEntry {
    pub target: String,
    pub test: String,
    /// `pass`, `fail`, `crash`, `timeout`, `out-of-memory` or `infra-error`.
    pub outcome: String,
    /// Why it did not pass (empty for a pass).
    pub details: String,
    /// How the firmware said the run ended: `exit`, `trap`, `fault`, `idle`, ... (none if it
    /// never said).
    pub status: Option<String>,
    pub exit_code: Option<u32>,
    pub message: Option<String>,
    pub instructions: Option<u64>,
    pub heap_peak: Option<u64>,
    /// The runtime's own heap peak (WAMR, WASI, bindings), linear memory left out.
    #[serde(default)]
    pub runtime_heap_peak: Option<u64>,
    /// Instructions to render one full frame of the display, for runs that drew.
    #[serde(default)]
    pub render_instructions: Option<u64>,
    /// Instructions between the guest's `xila_bench` begin and end marks (a probe's measured
    /// region), for runs that set them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_instructions: Option<u64>,
    pub stack_peak: Option<u64>,
    /// Bytes of WAMR's operand stack the run used (of the `--wasm-stack` it was given).
    #[serde(default)]
    pub operand_stack_peak: Option<u64>,
    pub wall_ms: Option<u128>,
    pub reproduce: String,
    /// Runs again after infrastructure errors.
    #[serde(default)]
    pub retried: u32,
    /// What the run showed of the VM, for comparing targets (also across merged reports).
    #[serde(default)]
    pub observed: Option<Observed>,
    /// The display's last frame, when the run wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<FrameEntry>,
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
            runtime_heap_peak: record.and_then(|r| r.runtime_heap_peak),
            render_instructions: record.and_then(|r| r.render_instructions),
            measured_instructions: record.and_then(|r| r.measured_instructions),
            stack_peak: record.and_then(|r| r.stack_peak),
            operand_stack_peak: record.and_then(|r| r.operand_stack_peak),
            wall_ms: result.run.as_ref().map(|run| run.wall.as_millis()),
            reproduce: result.reproduce.clone(),
            retried: result.retried,
            observed: result.run.as_ref().and_then(Observed::of),
            frame: None,
        }
    }
}

/// A file name made of a test's or target's name (which are plain already; this keeps a
/// strange one from leaving the frames directory).
fn file_part(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// The frame of one result, its golden and difference image, for the report directory.
fn frame_entry(
    target: &str,
    result: &TestResult,
    spec: Option<&crate::spec::Spec>,
    images: &mut std::collections::BTreeMap<String, Vec<u8>>,
) -> Option<FrameEntry> {
    let Some(Ok(frame)) = result.run.as_ref()?.frame.as_ref() else { return None };
    let (target_part, test_part) = (file_part(target), file_part(&result.name));
    let png = format!("frames/{target_part}/{test_part}.png");
    images.insert(png.clone(), frame.to_png());
    let mut entry = FrameEntry {
        width: frame.width,
        height: frame.height,
        png,
        golden: None,
        diff: None,
        comparison: None,
        differing_pixels: None,
        bounding_box: None,
    };
    let Some(spec) = spec else { return Some(entry) };
    let Some(path) = spec.frame_path() else { return Some(entry) };
    let golden = match crate::frame::Frame::read_png(&path) {
        Ok(golden) => golden,
        Err(e) => {
            entry.comparison = Some(format!("no usable golden: {e:#}"));
            return Some(entry);
        }
    };
    let golden_png = format!("frames/golden/{test_part}.png");
    if let Ok(bytes) = std::fs::read(&path) {
        images.insert(golden_png.clone(), bytes);
        entry.golden = Some(golden_png);
    }
    let difference = frame.compare(&golden, spec.frame_tolerance);
    entry.differing_pixels = Some(difference.pixels);
    entry.bounding_box = difference.bounding_box;
    if difference.bounding_box.is_none() && difference.sizes.is_none() {
        entry.comparison = Some("matches".into());
        return Some(entry);
    }
    entry.comparison = Some(format!(
        "{}: {}",
        if difference.within(spec.frame_tolerance) { "within the tolerance" } else { "differs" },
        difference.describe()
    ));
    if let Some(image) = frame.difference_image(&golden, spec.frame_tolerance) {
        let diff = format!("frames/{target_part}/{test_part}.diff.png");
        images.insert(diff.clone(), image.to_png());
        entry.diff = Some(diff);
    }
    Some(entry)
}

/// The divergences among the results, test by test, from what each target observed.
fn divergences_of(results: &[ResultEntry]) -> Vec<Divergence> {
    let mut tests: Vec<&str> = results.iter().map(|r| r.test.as_str()).collect();
    tests.sort();
    tests.dedup();
    tests
        .into_iter()
        .filter_map(|test| {
            let observed: Vec<(&str, &Observed)> = results
                .iter()
                .filter(|r| r.test == test)
                .filter_map(|r| Some((r.target.as_str(), r.observed.as_ref()?)))
                .collect();
            crate::compare::compare_test(test, &observed)
        })
        .collect()
}

impl Report {
    pub fn from_run(run: &MatrixRun) -> Report {
        let mut targets = Vec::new();
        let mut results = Vec::new();
        let mut images = std::collections::BTreeMap::new();
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
                state: state.to_string(),
                reason,
                footprint,
                components: match &target_run.state {
                    TargetState::Ran { components, .. } => components.clone(),
                    _ => Vec::new(),
                },
                passed: ran.iter().filter(|r| r.outcome.passed()).count(),
                failed: ran.iter().filter(|r| r.outcome.is_red()).count(),
                wall_ms,
            });
            for result in ran {
                let mut entry = ResultEntry::new(&target.name, result);
                let spec = run.suite.tests.iter().find(|t| t.name == result.name).map(|t| &t.spec);
                entry.frame = frame_entry(&target.name, result, spec, &mut images);
                results.push(entry);
            }
        }
        Report {
            schema: SCHEMA.to_string(),
            suite: SuiteInfo {
                name: run.suite.manifest.name.clone(),
                dir: run.suite.dir.display().to_string(),
                tests: run.suite.tests.len(),
            },
            seed: run.settings.seed,
            start_time_ns: run.settings.start_time_ns,
            wall_ms: run.wall.as_millis(),
            passed: run.passed(),
            interrupted: crate::launch::interrupted(),
            targets,
            results,
            divergences: run.divergences.clone(),
            baseline_deltas: Vec::new(),
            images,
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
                    .map(|r| {
                        let cell = match (r.outcome.as_str(), r.instructions) {
                            ("pass", Some(n)) => format!("pass ({:.2} M instr.)", n as f64 / 1e6),
                            (outcome, _) => outcome.to_string(),
                        };
                        // An application that never exits ended waiting for input.
                        if r.status.as_deref() == Some(bench_protocol::Status::Idle.name()) {
                            format!("{cell}, idle")
                        } else {
                            cell
                        }
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
        let broken_down: Vec<&TargetEntry> = self.targets.iter().filter(|t| !t.components.is_empty()).collect();
        if !broken_down.is_empty() {
            md.push_str("\n### Flash by component (bytes)\n\n| component |");
            for t in &broken_down {
                md.push_str(&format!(" {} |", t.name));
            }
            md.push_str("\n| --- |");
            md.push_str(&" ---: |".repeat(broken_down.len()));
            md.push('\n');
            let mut names: Vec<&str> = broken_down.iter().flat_map(|t| t.components.iter().map(|c| c.name.as_str())).collect();
            names.sort();
            names.dedup();
            for name in names {
                md.push_str(&format!("| {name} |"));
                for t in &broken_down {
                    let flash = t.components.iter().find(|c| c.name == name).map_or(0, |c| c.flash);
                    md.push_str(&format!(" {flash} |"));
                }
                md.push('\n');
            }
        }
        if !self.baseline_deltas.is_empty() {
            md.push_str("\n## Against the baseline\n\n");
            for line in &self.baseline_deltas {
                md.push_str(&format!("- {line}\n"));
            }
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

    /// Reads a `report.json`, checking its schema.
    pub fn load(path: &Path) -> anyhow::Result<Report> {
        let loaded = crate::gate::LoadedReport::load(path)?;
        serde_json::from_value(loaded.value).with_context(|| format!("report {}: fields do not match the schema", path.display()))
    }

    /// Combines the reports of shards (one target each, say) into one, and compares the targets
    /// across the shards as one run would have.
    pub fn merge(parts: Vec<(std::path::PathBuf, Report)>) -> anyhow::Result<Report> {
        let mut parts = parts.into_iter();
        let Some((first_path, mut merged)) = parts.next() else { anyhow::bail!("no reports to merge") };
        for (path, part) in parts {
            if part.suite.name != merged.suite.name {
                anyhow::bail!(
                    "report {} is of suite {:?}, but {} is of suite {:?}",
                    path.display(),
                    part.suite.name,
                    first_path.display(),
                    merged.suite.name
                );
            }
            for target in part.targets {
                match merged.targets.iter_mut().find(|t| t.name == target.name) {
                    Some(existing) if existing.state == "ran" && target.state == "ran" => {
                        anyhow::bail!("target `{}` ran in two of the reports (also in {})", target.name, path.display())
                    }
                    Some(existing) if target.state == "ran" => *existing = target,
                    Some(_) => {}
                    None => merged.targets.push(target),
                }
            }
            merged.results.extend(part.results);
            merged.wall_ms = merged.wall_ms.max(part.wall_ms);
            merged.interrupted |= part.interrupted;
        }
        merged.targets.sort_by(|a, b| a.name.cmp(&b.name));
        merged.divergences = divergences_of(&merged.results);
        merged.passed = !merged.interrupted
            && merged.divergences.is_empty()
            && merged.targets.iter().all(|t| t.state != "build-failed")
            && merged.results.iter().all(|r| !crate::gate::is_red(&r.outcome));
        merged.baseline_deltas.clear();
        Ok(merged)
    }

    /// Writes `report.json`, `summary.md`, `junit.xml` (every testcase), `report.html` and the
    /// run's frames (`frames/<target>/<test>.png`, goldens under `frames/golden/`, difference
    /// images `frames/<target>/<test>.diff.png`) into `dir`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        self.write_with(dir, false)
    }

    /// Like [`Report::write`]; with `failures_only_junit`, `junit.xml` leaves out the passing
    /// testcases (its counts stay those of the whole run).
    pub fn write_with(&self, dir: &Path, failures_only_junit: bool) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating report directory {}", dir.display()))?;
        for (name, bytes) in &self.images {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        let json = serde_json::to_string_pretty(self).context("serialising the report")?;
        std::fs::write(dir.join("report.json"), json).context("writing report.json")?;
        std::fs::write(dir.join("summary.md"), self.to_markdown()).context("writing summary.md")?;
        std::fs::write(dir.join("junit.xml"), crate::report_junit::junit(self, failures_only_junit))
            .context("writing junit.xml")?;
        std::fs::write(dir.join("report.html"), crate::report_html::html(self)).context("writing report.html")?;
        Ok(())
    }
}

/// `n` with its digits in groups of three from the right, `separator` between the groups
/// (`1353` with ',' is "1,353").
pub fn group_digits(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}
