//! Building the runtime firmware for a target, or the host runner, when it is missing or stale.
//!
//! Cargo decides what is stale: every C source, header, linker script and target file is declared
//! to it by the build scripts, so running `cargo build` each time costs a fraction of a second
//! when nothing changed. Each target builds in a target directory of its own, because two targets
//! can share a Rust triple (and a build lock held by an outer `cargo test` must not block it).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::launch::find_program;
use crate::target::Target;

/// The package and binary that run jobs: firmware on MCU targets, a native command on the host.
fn package(target: &Target) -> &'static str {
    if target.is_host() {
        "xila-host"
    } else {
        "xila-firmware"
    }
}

/// The cargo profile of firmware builds (see the workspace's Cargo.toml).
pub const PROFILE: &str = "firmware";

/// Where a target's build goes.
pub fn target_dir(root: &Path, target: &Target) -> PathBuf {
    root.join("target").join("firmware").join(&target.name)
}

/// The path of the built executable.
pub fn executable(root: &Path, target: &Target) -> PathBuf {
    let dir = target_dir(root, target);
    if target.is_host() {
        dir.join(PROFILE).join(package(target))
    } else {
        dir.join(&target.rust_target).join(PROFILE).join(package(target))
    }
}

/// Builds the target's executable if it is missing or stale, and returns its path.
pub fn ensure_built(root: &Path, target: &Target) -> anyhow::Result<PathBuf> {
    if let Some(c) = &target.c {
        if find_program(Path::new(&c.compiler)).is_none() {
            bail!(
                "the C cross compiler `{}` for target `{}` was not found; run `make setup`",
                c.compiler,
                target.name
            );
        }
    }
    let target_file = target.file.canonicalize().with_context(|| format!("target file {}", target.file.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "--profile", PROFILE, "--quiet", "-p", package(target)])
        .env("CARGO_TARGET_DIR", target_dir(root, target))
        .env("XILA_TARGET_FILE", &target_file);
    if !target.is_host() {
        command.args(["--target", &target.rust_target]);
    }
    let status = command.status().context("starting cargo to build the firmware")?;
    if !status.success() {
        bail!("building the firmware for target `{}` failed (cargo said why, above)", target.name);
    }
    let executable = executable(root, target);
    if !executable.is_file() {
        bail!("cargo built target `{}` but {} is missing", target.name, executable.display());
    }
    Ok(executable)
}
