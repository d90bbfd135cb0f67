//! What the end-to-end tests share: the checkout, and running the real `xbench` binary on it.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The bench's checkout.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the checkout")
}

/// The `xbench` command on this checkout.
pub fn xbench_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xbench"));
    command.arg("--root").arg(root());
    command
}

/// Runs `xbench` with `args` and waits for it.
pub fn xbench(args: &[&str]) -> Output {
    xbench_command().args(args).output().expect("xbench starts")
}

/// stdout and stderr together, for assertions and their messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// An empty suite directory `suite` under `parent`, with a manifest naming it `name`.
pub fn empty_suite(parent: &Path, name: &str) -> PathBuf {
    let suite = parent.join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::write(suite.join("manifest.json"), format!(r#"{{"name": "{name}"}}"#)).unwrap();
    suite
}
