//! Comparing two reports, and the CI gate built on that comparison.
//!
//! Both work on `report.json` files alone (never re-running anything). A baseline directory
//! (`ci/baseline/`) holds one accepted report per suite (`<suite>.json`), the known failures
//! (`expectations.toml`) and the thresholds (`thresholds.toml`, optional):
//!
//! ```toml
//! instructions_percent = 2.0   # growth of a test's guest instructions that fails the gate
//! size_percent = 1.0           # growth of a target's firmware text + data that fails the gate
//! [tests]
//! "riscv32::clock" = 5.0       # per-test instruction threshold (`<target>::<test>` or `<test>`)
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::Value;

use crate::report::SCHEMA;

/// A `report.json`, checked for its schema.
#[derive(Debug, Clone)]
pub struct LoadedReport {
    pub path: PathBuf,
    pub value: Value,
}

impl LoadedReport {
    pub fn load(path: &Path) -> anyhow::Result<LoadedReport> {
        let text = std::fs::read_to_string(path).with_context(|| format!("report {}: cannot read it", path.display()))?;
        let value: Value =
            serde_json::from_str(&text).with_context(|| format!("report {}: not valid JSON", path.display()))?;
        match value.get("schema").and_then(Value::as_str) {
            Some(SCHEMA) => {}
            Some(other) => bail!("report {}: schema is {other:?}; this xbench reads {SCHEMA:?}", path.display()),
            None => bail!("report {}: no `schema` field; is it an xbench report?", path.display()),
        }
        for field in ["results", "targets", "divergences"] {
            if !value.get(field).is_some_and(Value::is_array) {
                bail!("report {}: field `{field}` is missing or not a list", path.display());
            }
        }
        Ok(LoadedReport { path: path.to_path_buf(), value })
    }

    fn results(&self) -> BTreeMap<(String, String), &Value> {
        self.value["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some(((r["target"].as_str()?.to_string(), r["test"].as_str()?.to_string()), r)))
            .collect()
    }

    fn footprints(&self) -> BTreeMap<String, u64> {
        self.value["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                let footprint = t.get("footprint")?;
                Some((t["name"].as_str()?.to_string(), footprint["text"].as_u64()? + footprint["data"].as_u64()?))
            })
            .collect()
    }

    /// Each target the report lists, with its state (`ran`, `skipped`, `build-failed`) and why.
    fn target_states(&self) -> BTreeMap<String, (String, String)> {
        self.value["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                let state = t["state"].as_str().unwrap_or("ran").to_string();
                Some((t["name"].as_str()?.to_string(), (state, t["reason"].as_str().unwrap_or_default().to_string())))
            })
            .collect()
    }

    fn divergent_tests(&self) -> BTreeSet<String> {
        self.value["divergences"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["test"].as_str().map(str::to_owned))
            .collect()
    }
}

/// Thresholds of the gate, in percent.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default = "default_instructions")]
    pub instructions_percent: f64,
    #[serde(default = "default_size")]
    pub size_percent: f64,
    #[serde(default)]
    pub tests: BTreeMap<String, f64>,
}

fn default_instructions() -> f64 {
    2.0
}

fn default_size() -> f64 {
    1.0
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { instructions_percent: default_instructions(), size_percent: default_size(), tests: BTreeMap::new() }
    }
}

impl Thresholds {
    /// Reads `thresholds.toml`, or the defaults if there is none.
    pub fn load(path: &Path) -> anyhow::Result<Thresholds> {
        if !path.exists() {
            return Ok(Thresholds::default());
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("thresholds {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("thresholds {}: {}", path.display(), e.message().trim()))
    }

    fn for_test(&self, target: &str, test: &str) -> f64 {
        self.tests
            .get(&format!("{target}::{test}"))
            .or_else(|| self.tests.get(test))
            .copied()
            .unwrap_or(self.instructions_percent)
    }
}

fn growth_percent(old: u64, new: u64) -> f64 {
    if old == 0 {
        return if new == 0 { 0.0 } else { f64::INFINITY };
    }
    (new as f64 - old as f64) * 100.0 / old as f64
}

/// Whether an outcome (as `report.json` names it) turns a run red.
pub fn is_red(outcome: &str) -> bool {
    !matches!(outcome, "pass" | "skip" | "xfail")
}

/// What changed between two reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Each one fails the gate; one line each.
    pub regressions: Vec<String>,
    /// Changes that do not fail the gate (improvements, small deltas, still-failing tests).
    pub notes: Vec<String>,
}

/// Compares `new` with `old` under `thresholds`. What the baseline ran and `new` did not (a
/// target skipped or gone, a test gone or skipped) is a regression, unless its target is in
/// `allowed_skips`: a run that cannot see a target says so explicitly.
pub fn compare(old: &LoadedReport, new: &LoadedReport, thresholds: &Thresholds, allowed_skips: &BTreeSet<String>) -> Comparison {
    let mut comparison = Comparison::default();
    let old_results = old.results();
    let new_results = new.results();
    let new_states = new.target_states();
    let mut missing_targets = BTreeSet::new();
    for (target, (state, _)) in old.target_states() {
        if state != "ran" {
            continue;
        }
        let why = match new_states.get(&target) {
            Some((state, _)) if state == "ran" => continue,
            Some((state, reason)) => format!("{state} in this run ({reason})"),
            None => "not in this run".to_string(),
        };
        missing_targets.insert(target.clone());
        let line = format!("{target}: ran in the baseline, {why}");
        if allowed_skips.contains(&target) {
            comparison.notes.push(format!("{line}; allowed by --allow-skip"));
        } else {
            comparison.regressions.push(format!("{line}; pass --allow-skip {target} if that is intended"));
        }
    }
    for ((target, test), result) in &old_results {
        if missing_targets.contains(target) || new_results.contains_key(&(target.clone(), test.clone())) {
            continue;
        }
        let was = result["outcome"].as_str().unwrap_or("?");
        let line = format!("{target}::{test}: in the baseline ({was}), missing from this run");
        if allowed_skips.contains(target) {
            comparison.notes.push(format!("{line}; allowed by --allow-skip"));
        } else {
            comparison.regressions.push(line);
        }
    }
    for ((target, test), result) in new_results {
        let name = format!("{target}::{test}");
        let outcome = result["outcome"].as_str().unwrap_or("infra-error");
        let details = result["details"].as_str().unwrap_or_default().lines().next().unwrap_or_default();
        let before = old_results.get(&(target.clone(), test.clone()));
        let old_outcome = before.and_then(|r| r["outcome"].as_str());
        match (old_outcome, outcome) {
            (Some(was), "skip") if was != "skip" && !allowed_skips.contains(&target) => comparison
                .regressions
                .push(format!("{name}: was {was}, now skipped: {details}; pass --allow-skip {target} if that is intended")),
            (_, "xpass") => comparison.regressions.push(format!("{name}: passes but is expected to fail; update the expectations")),
            (Some(was), now) if is_red(now) && !is_red(was) => {
                comparison.regressions.push(format!("{name}: was {was}, now {now}: {details}"))
            }
            (None, now) if is_red(now) => comparison.regressions.push(format!("{name}: new test, {now}: {details}")),
            (Some(_), now) if is_red(now) => comparison.notes.push(format!("{name}: still {now} (as in the baseline)")),
            (Some(was), now) if was != now => comparison.notes.push(format!("{name}: was {was}, now {now}")),
            _ => {}
        }
        let instructions = |r: &Value| r["instructions"].as_u64();
        if let (Some(old_count), Some(new_count)) = (before.and_then(|r| instructions(r)), instructions(result)) {
            let growth = growth_percent(old_count, new_count);
            let limit = thresholds.for_test(&target, &test);
            let line = format!("{name}: instructions {old_count} -> {new_count} ({growth:+.2} %)");
            if growth > limit {
                comparison.regressions.push(format!("{line}, over the {limit} % threshold"));
            } else if old_count != new_count {
                comparison.notes.push(line);
            }
        }
    }
    let old_sizes = old.footprints();
    for (target, new_size) in new.footprints() {
        let Some(&old_size) = old_sizes.get(&target) else { continue };
        let growth = growth_percent(old_size, new_size);
        let line = format!("{target}: firmware text+data {old_size} -> {new_size} bytes ({growth:+.2} %)");
        if growth > thresholds.size_percent {
            comparison.regressions.push(format!("{line}, over the {} % threshold", thresholds.size_percent));
        } else if old_size != new_size {
            comparison.notes.push(line);
        }
    }
    let old_divergent = old.divergent_tests();
    for divergence in new.value["divergences"].as_array().into_iter().flatten() {
        let test = divergence["test"].as_str().unwrap_or_default();
        if !old_divergent.contains(test) {
            let targets: Vec<&str> =
                divergence["targets"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            comparison.regressions.push(format!(
                "{test}: new divergence between {} and {}",
                divergence["reference"].as_str().unwrap_or("?"),
                targets.join(", ")
            ));
        }
    }
    comparison
}

/// The baseline report for a suite: `<baseline dir>/<suite directory name>.json`.
pub fn baseline_file(baseline_dir: &Path, report: &LoadedReport) -> anyhow::Result<PathBuf> {
    let dir = report.value["suite"]["dir"].as_str().context("the report names no suite directory")?;
    let name = Path::new(dir).file_name().and_then(|n| n.to_str()).context("the suite directory has no name")?;
    Ok(baseline_dir.join(format!("{name}.json")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(results: Value, divergences: Value, text: u64) -> LoadedReport {
        LoadedReport {
            path: "r.json".into(),
            value: json!({
                "schema": SCHEMA,
                "suite": {"name": "S", "dir": "build/suites/basic", "tests": 1},
                "targets": [{"name": "riscv32", "footprint": {"text": text, "data": 0, "bss": 0}}],
                "results": results,
                "divergences": divergences,
            }),
        }
    }

    fn result(test: &str, outcome: &str, instructions: u64) -> Value {
        json!({"target": "riscv32", "test": test, "outcome": outcome, "details": "why", "instructions": instructions})
    }

    #[test]
    fn identical_reports_pass_the_gate() {
        let a = report(json!([result("hello", "pass", 1000)]), json!([]), 100);
        assert_eq!(compare(&a, &a.clone(), &Thresholds::default(), &BTreeSet::new()), Comparison::default());
    }

    #[test]
    fn each_cause_is_one_line() {
        let old = report(json!([result("hello", "pass", 1000), result("clock", "pass", 1000), result("t", "xfail", 5)]), json!([]), 100);
        let new = report(
            json!([result("hello", "fail", 1000), result("clock", "pass", 1030), result("t", "xpass", 5)]),
            json!([{"test": "clock", "reference": "host", "targets": ["riscv32"], "diff": ""}]),
            102,
        );
        let comparison = compare(&old, &new, &Thresholds::default(), &BTreeSet::new());
        let all = comparison.regressions.join("\n");
        assert_eq!(comparison.regressions.len(), 5, "{all}");
        assert!(all.contains("riscv32::hello: was pass, now fail: why"), "{all}");
        assert!(all.contains("riscv32::clock: instructions 1000 -> 1030 (+3.00 %), over the 2 % threshold"), "{all}");
        assert!(all.contains("riscv32::t: passes but is expected to fail"), "{all}");
        assert!(all.contains("clock: new divergence between host and riscv32"), "{all}");
        assert!(all.contains("riscv32: firmware text+data 100 -> 102 bytes (+2.00 %)"), "{all}");
    }

    #[test]
    fn per_test_thresholds_and_small_changes_are_notes() {
        let old = report(json!([result("clock", "pass", 1000)]), json!([]), 100);
        let new = report(json!([result("clock", "pass", 1040)]), json!([]), 100);
        let mut thresholds = Thresholds::default();
        thresholds.tests.insert("riscv32::clock".into(), 5.0);
        let comparison = compare(&old, &new, &thresholds, &BTreeSet::new());
        assert!(comparison.regressions.is_empty(), "{:?}", comparison.regressions);
        assert_eq!(comparison.notes.len(), 1);
    }

    /// Two targets, each with the given state, and results for those that ran.
    fn report_of(targets: &[(&str, &str)], tests: &[&str]) -> LoadedReport {
        let entries: Vec<Value> = targets
            .iter()
            .map(|(name, state)| json!({"name": name, "state": state, "reason": "no qemu-system-arm", "footprint": null}))
            .collect();
        let results: Vec<Value> = targets
            .iter()
            .filter(|(_, state)| *state == "ran")
            .flat_map(|(target, _)| {
                tests.iter().map(move |test| json!({"target": target, "test": test, "outcome": "pass", "details": ""}))
            })
            .collect();
        LoadedReport {
            path: "r.json".into(),
            value: json!({"schema": SCHEMA, "suite": {"dir": "build/suites/basic"}, "targets": entries, "results": results, "divergences": []}),
        }
    }

    #[test]
    fn a_skipped_target_or_a_missing_test_fails_unless_allowed() {
        let baseline = report_of(&[("riscv32", "ran"), ("cortex-m4f", "ran")], &["hello", "clock"]);
        let skipped = report_of(&[("riscv32", "ran"), ("cortex-m4f", "skipped")], &["hello", "clock"]);
        let comparison = compare(&baseline, &skipped, &Thresholds::default(), &BTreeSet::new());
        assert_eq!(
            comparison.regressions,
            ["cortex-m4f: ran in the baseline, skipped in this run (no qemu-system-arm); pass --allow-skip cortex-m4f if that is intended"]
        );
        let allowed = BTreeSet::from(["cortex-m4f".to_string()]);
        let comparison = compare(&baseline, &skipped, &Thresholds::default(), &allowed);
        assert!(comparison.regressions.is_empty(), "{:?}", comparison.regressions);
        assert_eq!(comparison.notes.len(), 1, "the allowed skip is still said: {:?}", comparison.notes);

        let gone = report_of(&[("riscv32", "ran")], &["hello"]);
        let comparison = compare(&baseline, &gone, &Thresholds::default(), &BTreeSet::new());
        assert_eq!(comparison.regressions.len(), 2, "{:?}", comparison.regressions);
        assert!(comparison.regressions[0].starts_with("cortex-m4f: ran in the baseline, not in this run"));
        assert_eq!(comparison.regressions[1], "riscv32::clock: in the baseline (pass), missing from this run");
    }

    #[test]
    fn a_test_that_passed_and_is_now_skipped_fails() {
        let old = report(json!([result("hello", "pass", 1000)]), json!([]), 100);
        let new = report(json!([result("hello", "skip", 0)]), json!([]), 100);
        let comparison = compare(&old, &new, &Thresholds::default(), &BTreeSet::new());
        assert_eq!(comparison.regressions.len(), 1, "{:?}", comparison.regressions);
        assert!(comparison.regressions[0].starts_with("riscv32::hello: was pass, now skipped"));
        let allowed = BTreeSet::from(["riscv32".to_string()]);
        assert!(compare(&old, &new, &Thresholds::default(), &allowed).regressions.is_empty());
    }

    #[test]
    fn corrupt_and_old_schema_reports_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("old.json");
        std::fs::write(&file, r#"{"schema": "xbench-report/0", "results": []}"#).unwrap();
        let message = format!("{:#}", LoadedReport::load(&file).unwrap_err());
        assert!(message.contains("old.json") && message.contains("xbench-report/0"), "{message}");
        std::fs::write(&file, "{ truncated").unwrap();
        let message = format!("{:#}", LoadedReport::load(&file).unwrap_err());
        assert!(message.contains("old.json") && message.contains("not valid JSON"), "{message}");
    }
}
