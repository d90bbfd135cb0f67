//! Known failures, in the wasi-testsuite TOML form, so that a suite with known gaps can still
//! gate CI: a test expected to fail that fails is `xfail`, one that passes is `xpass` (red).
//!
//! ```toml
//! version = 1
//! [[suite]]
//! name = "Xila bench basic suite"   # the suite's manifest name
//! [[suite.test]]
//! name = "clock"
//! expected = "fail"                  # "pass" or "fail"
//! action = "skip"                    # optional: do not run it at all
//! target = "cortex-m3"               # bench extension: only on this target (default: all)
//! reason = "why it is expected"      # bench extension: required
//! ```

use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    suite: Vec<SuiteEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuiteEntry {
    name: String,
    #[serde(default)]
    test: Vec<TestEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestEntry {
    name: String,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    target: Option<String>,
    reason: String,
}

/// What is expected of one test (on one target, or on all).
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub suite: String,
    pub test: String,
    pub target: Option<String>,
    pub expect_failure: bool,
    pub skip: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expectations {
    pub entries: Vec<Expectation>,
}

impl Expectations {
    pub fn load(path: &Path) -> anyhow::Result<Expectations> {
        let context = || format!("expectations file {}", path.display());
        let text = std::fs::read_to_string(path).with_context(context)?;
        Expectations::parse(&text).with_context(context)
    }

    pub fn parse(text: &str) -> anyhow::Result<Expectations> {
        let file: File = toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.message().trim()))?;
        if file.version != 1 {
            bail!("field `version` is {}, but only version 1 is known", file.version);
        }
        let mut entries = Vec::new();
        for suite in file.suite {
            for test in suite.test {
                let expect_failure = match test.expected.as_deref() {
                    None | Some("pass") => false,
                    Some("fail") => true,
                    Some(other) => bail!("test `{}`: field `expected` is {other:?}, not \"pass\" or \"fail\"", test.name),
                };
                let skip = match test.action.as_deref() {
                    None => false,
                    Some("skip") => true,
                    Some(other) => bail!("test `{}`: field `action` is {other:?}; only \"skip\" is known", test.name),
                };
                entries.push(Expectation {
                    suite: suite.name.clone(),
                    test: test.name,
                    target: test.target,
                    expect_failure,
                    skip,
                    reason: test.reason,
                });
            }
        }
        Ok(Expectations { entries })
    }

    /// The expectation for a test on a target; a target-specific entry wins over a general one.
    pub fn lookup(&self, suite: &str, target: &str, test: &str) -> Option<&Expectation> {
        let matching = || self.entries.iter().filter(|e| e.suite == suite && e.test == test);
        matching()
            .find(|e| e.target.as_deref() == Some(target))
            .or_else(|| matching().find(|e| e.target.is_none()))
    }

    /// Entries that name a target or a test that does not exist: warnings, one line each.
    pub fn unknown_names(&self, suite: &str, targets: &[&str], tests: &[&str]) -> Vec<String> {
        let mut warnings = Vec::new();
        for entry in self.entries.iter().filter(|e| e.suite == suite) {
            if !tests.contains(&entry.test.as_str()) {
                warnings.push(format!("expectations name test `{}`, which suite `{suite}` does not have", entry.test));
            }
            if let Some(target) = &entry.target {
                if !targets.contains(&target.as_str()) {
                    warnings.push(format!("expectations name target `{target}`, which does not exist"));
                }
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
version = 1
[[suite]]
name = "S"
[[suite.test]]
name = "clock"
expected = "fail"
reason = "every target"
[[suite.test]]
name = "clock"
target = "cortex-m3"
action = "skip"
reason = "only here"
"#;

    #[test]
    fn a_target_entry_wins_over_a_general_one() {
        let expectations = Expectations::parse(TEXT).unwrap();
        assert!(expectations.lookup("S", "cortex-m3", "clock").unwrap().skip);
        let general = expectations.lookup("S", "riscv32", "clock").unwrap();
        assert!(general.expect_failure && !general.skip);
        assert_eq!(expectations.lookup("S", "riscv32", "hello"), None);
        assert_eq!(expectations.lookup("Other", "riscv32", "clock"), None);
    }

    #[test]
    fn unknown_targets_and_tests_are_warned_about() {
        let expectations = Expectations::parse(TEXT).unwrap();
        let warnings = expectations.unknown_names("S", &["riscv32"], &["hello"]);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("target `cortex-m3`")));
        assert!(warnings.iter().any(|w| w.contains("test `clock`")));
    }

    #[test]
    fn broken_files_name_the_problem() {
        let no_reason = "version = 1\n[[suite]]\nname = \"S\"\n[[suite.test]]\nname = \"t\"\nexpected = \"fail\"\n";
        assert!(format!("{:#}", Expectations::parse(no_reason).unwrap_err()).contains("reason"));
        let bad_expected = TEXT.replace("expected = \"fail\"", "expected = \"maybe\"");
        assert!(format!("{:#}", Expectations::parse(&bad_expected).unwrap_err()).contains("`expected`"));
        assert!(format!("{:#}", Expectations::parse("version = 2").unwrap_err()).contains("version"));
    }
}
