//! The conformance suites as libtest trials: one trial per (target, suite, test), named
//! `<target>::<suite>::<test>`, with the target as the trial's kind. So `cargo test` filters,
//! `--list`, `--exact` and `--ignored` work, and so do `cargo nextest run` and its `--partition`.
//!
//! Suites are the source directories under `conformance/` (each with a `manifest.json`); they
//! are built on first use. A target this machine cannot run fails its trials with the reason,
//! unless `XBENCH_ALLOW_SKIP` names it (comma-separated): then its trials are listed as
//! ignored. A missing QEMU or cross compiler never passes unnoticed.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use harness::execute::{run_module, RunSettings};
use harness::spec::Spec;
use harness::target::{Target, TargetSet};
use harness::verdict::{judge, OutputMatch};
use harness::{availability, firmware, suite_build};
use common::root;
use libtest_mimic::{Arguments, Failed, Trial};


/// Each value is computed once per process, by whichever trial needs it first.
type Once<T> = Mutex<HashMap<String, Arc<OnceLock<Result<T, String>>>>>;

fn once<T: Clone>(cache: &Once<T>, key: &str, compute: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let cell = {
        let mut map = cache.lock().map_err(|_| "a cache lock was poisoned".to_string())?;
        map.entry(key.to_string()).or_default().clone()
    };
    cell.get_or_init(compute).clone()
}

static BUILT_SUITES: OnceLock<Once<PathBuf>> = OnceLock::new();
static BUILT_FIRMWARE: OnceLock<Once<PathBuf>> = OnceLock::new();

fn built_suite(name: &str) -> Result<PathBuf, String> {
    once(BUILT_SUITES.get_or_init(Default::default), name, || {
        let out = root().join("target").join("suites").join(name);
        suite_build::build_suite(&root(), &root().join("conformance").join(name), &out)
            .map(|_| out)
            .map_err(|e| format!("{e:#}"))
    })
}

fn built_firmware(target: &Target) -> Result<PathBuf, String> {
    once(BUILT_FIRMWARE.get_or_init(Default::default), &target.name, || {
        firmware::ensure_built(&root(), target).map_err(|e| format!("{e:#}"))
    })
}

fn run_trial(target: &Target, suite: &str, test: &str) -> Result<(), Failed> {
    let dir = built_suite(suite)?;
    let executable = built_firmware(target)?;
    let module = dir.join(format!("{test}.wasm"));
    let spec = Spec::for_module(&module).map_err(|e| format!("{e:#}"))?;
    let bytes = std::fs::read(&module).map_err(|e| format!("reading {}: {e}", module.display()))?;
    let run = run_module(target, &executable, &format!("{test}.wasm"), bytes, &spec, &RunSettings::default())
        .map_err(|e| format!("{e:#}"))?;
    let outcome = judge(&spec, &run, OutputMatch::Exact);
    if outcome.passed() {
        return Ok(());
    }
    Err(format!(
        "{}: {outcome}\ncommand: {}\nreproduce: xbench test --target {} target/suites/{suite} --exact {test}",
        outcome.label(),
        run.invocation.to_shell(),
        target.name
    )
    .into())
}

/// The tests of a source suite: one per spec file.
fn tests_of(suite_dir: &Path) -> Vec<String> {
    let mut tests: Vec<String> = std::fs::read_dir(suite_dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| path.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .filter(|name| name != "manifest")
        .collect();
    tests.sort();
    tests
}

fn main() {
    let args = Arguments::from_args();
    let targets = match TargetSet::load(&root().join("targets")) {
        Ok(targets) => targets,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut suites: Vec<(String, Vec<String>)> = std::fs::read_dir(root().join("conformance"))
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|dir| dir.join("manifest.json").is_file())
        .filter_map(|dir| Some((dir.file_name()?.to_str()?.to_owned(), tests_of(&dir))))
        .collect();
    suites.sort();
    let allowed_skips: Vec<String> = std::env::var("XBENCH_ALLOW_SKIP")
        .unwrap_or_default()
        .split(',')
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect();
    let mut trials = Vec::new();
    for target in targets.targets.values() {
        let unavailable = availability::check(target).err();
        let skip_allowed = unavailable.is_some() && allowed_skips.contains(&target.name);
        for (suite, tests) in &suites {
            for test in tests {
                let (target, suite, name) = (target.clone(), suite.clone(), test.clone());
                let trial_name = format!("{}::{}::{}", target.name, suite, name);
                let kind = target.name.clone();
                // A spec this bench cannot run (the preview-2 form) is listed, but ignored.
                let spec = Spec::load(&root().join("conformance").join(&suite).join(format!("{name}.json")));
                let unsupported = spec.map(|s| s.unsupported.is_some()).unwrap_or(false);
                let unavailable = unavailable.clone();
                trials.push(
                    Trial::test(trial_name, move || match unavailable {
                        Some(reason) => Err(format!(
                            "target {} cannot run here: {reason} (XBENCH_ALLOW_SKIP={} skips it on purpose)",
                            target.name, target.name
                        )
                        .into()),
                        None => run_trial(&target, &suite, &name),
                    })
                    .with_kind(kind)
                    .with_ignored_flag(skip_allowed || unsupported),
                );
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
