//! A suite on several targets: choose the targets, skip those this machine cannot run, run the
//! suite on the rest, and compare every test's outputs across them.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::bail;

use crate::availability;
use crate::bench::{self, Component};
use crate::compare::{compare_test, Divergence, Observed};
use crate::execute::RunSettings;
use crate::expectations::Expectations;
use crate::firmware;
use crate::footprint::{self, Footprint};
use crate::suite::{run_suite, Suite, SuiteOptions, TestResult};
use crate::target::{Target, TargetSet};
use crate::verdict::OutputMatch;

/// A target chosen for a run, and whether the user named it (then it may not be skipped).
#[derive(Debug, Clone)]
pub struct Selected {
    pub target: Target,
    pub named: bool,
}

/// Resolves `--target` values: names, or `all` for every target file.
pub fn select(set: &TargetSet, requested: &[String]) -> anyhow::Result<Vec<Selected>> {
    if requested.iter().any(|r| r == "all") {
        return Ok(set.targets.values().map(|t| Selected { target: t.clone(), named: false }).collect());
    }
    if requested.is_empty() {
        bail!("no target given; use --target <name>[,<name>...] or --target all");
    }
    requested.iter().map(|name| Ok(Selected { target: set.get(name)?.clone(), named: true })).collect()
}

/// What happened to one target.
#[derive(Debug, Clone)]
pub enum TargetState {
    /// The machine cannot run it (no QEMU, no machine model, no cross compiler).
    Skipped(String),
    /// Its firmware did not build.
    BuildFailed(String),
    Ran { footprint: Option<Footprint>, components: Vec<Component>, results: Vec<TestResult>, wall: Duration },
}

#[derive(Debug, Clone)]
pub struct TargetRun {
    pub target: Target,
    pub state: TargetState,
}

impl TargetRun {
    pub fn results(&self) -> &[TestResult] {
        match &self.state {
            TargetState::Ran { results, .. } => results,
            _ => &[],
        }
    }
}

/// Everything one `xbench test` produced.
#[derive(Debug, Clone)]
pub struct MatrixRun {
    pub suite: Suite,
    pub targets: Vec<TargetRun>,
    pub divergences: Vec<Divergence>,
    pub wall: Duration,
    pub settings: RunSettings,
}

impl MatrixRun {
    /// Green when every test that ran passed, no target failed to build and nothing diverged.
    pub fn passed(&self) -> bool {
        self.divergences.is_empty()
            && self.targets.iter().all(|t| match &t.state {
                TargetState::Skipped(_) => true,
                TargetState::BuildFailed(_) => false,
                TargetState::Ran { results, .. } => results.iter().all(|r| !r.outcome.is_red()),
            })
    }
}

/// What the caller is told as the run goes.
pub trait Progress: Sync {
    fn target_skipped(&self, target: &Target, reason: &str);
    fn target_started(&self, target: &Target, tests: usize, jobs: usize);
    fn test_finished(&self, target: &Target, result: &TestResult);
}

pub struct MatrixOptions<'a> {
    pub root: &'a Path,
    pub expectations: Option<&'a Expectations>,
    pub settings: &'a RunSettings,
    pub output_match: OutputMatch,
    pub jobs: usize,
    pub retries: u32,
}

/// Runs `suite` on every selected target, then compares the targets.
pub fn run_matrix(
    suite: &Suite,
    selected: &[Selected],
    options: &MatrixOptions<'_>,
    progress: &dyn Progress,
) -> anyhow::Result<MatrixRun> {
    let started = Instant::now();
    let mut targets = Vec::new();
    for Selected { target, named } in selected {
        if crate::launch::interrupted() {
            break;
        }
        if let Err(reason) = availability::check(target) {
            if *named {
                bail!("target `{}` cannot run here: {reason}", target.name);
            }
            progress.target_skipped(target, &reason);
            targets.push(TargetRun { target: target.clone(), state: TargetState::Skipped(reason) });
            continue;
        }
        let executable = match firmware::ensure_built(options.root, target) {
            Ok(executable) => executable,
            Err(e) => {
                targets.push(TargetRun { target: target.clone(), state: TargetState::BuildFailed(format!("{e:#}")) });
                continue;
            }
        };
        progress.target_started(target, suite.tests.len(), options.jobs);
        let target_started = Instant::now();
        let suite_options = SuiteOptions {
            target,
            expectations: options.expectations,
            executable: &executable,
            settings: options.settings,
            output_match: options.output_match,
            jobs: options.jobs,
            retries: options.retries,
        };
        let results = run_suite(suite, &suite_options, &|result| progress.test_finished(target, result));
        let footprint = if target.is_host() { None } else { footprint::of_elf(&executable).ok() };
        // The firmware's linker map splits its size by component (WAMR, LVGL, runtime, libc...).
        let components = if target.is_host() {
            Vec::new()
        } else {
            bench::map_file(&executable).and_then(|map| bench::components_of_map(&map)).unwrap_or_default()
        };
        targets.push(TargetRun {
            target: target.clone(),
            state: TargetState::Ran { footprint, components, results, wall: target_started.elapsed() },
        });
    }
    let divergences = compare_targets(suite, &targets);
    Ok(MatrixRun {
        suite: suite.clone(),
        targets,
        divergences,
        wall: started.elapsed(),
        settings: options.settings.clone(),
    })
}

fn compare_targets(suite: &Suite, targets: &[TargetRun]) -> Vec<Divergence> {
    suite
        .tests
        .iter()
        .filter_map(|test| {
            let observed: Vec<(&str, Observed)> = targets
                .iter()
                .filter_map(|t| {
                    let result = t.results().iter().find(|r| r.name == test.name)?;
                    Some((t.target.name.as_str(), Observed::of(result.run.as_ref()?)?))
                })
                .collect();
            let pairs: Vec<(&str, &Observed)> = observed.iter().map(|(t, o)| (*t, o)).collect();
            compare_test(&test.name, &pairs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> TargetSet {
        TargetSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets")).unwrap()
    }

    #[test]
    fn all_selects_every_target_without_naming_them() {
        let selected = select(&set(), &["all".into()]).unwrap();
        assert!(selected.len() >= 2);
        assert!(selected.iter().all(|s| !s.named));
    }

    #[test]
    fn names_are_checked_and_marked_as_named() {
        let selected = select(&set(), &["host".into()]).unwrap();
        assert_eq!(selected.len(), 1);
        assert!(selected[0].named);
        assert!(select(&set(), &["nosuch".into()]).unwrap_err().to_string().contains("valid targets"));
        assert!(select(&set(), &[]).is_err());
    }
}
