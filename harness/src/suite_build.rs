//! Building a suite from source into a runnable suite directory.
//!
//! A source suite (`conformance/<suite>/`) holds `manifest.json`, one `<test>.json` spec per test
//! and each test's source: `<test>.wat`, compiled here with the `wat` crate, or a binary
//! `<test>` of the Rust package in the same directory, compiled by cargo for `wasm32-wasip1`.
//! The output directory gets `<test>.wasm` beside a copy of each spec, the form the wasi-testsuite
//! uses, so that `xbench test` runs built-in and external suites alike.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

/// Compiles every test of `source` into `out`, and returns the test names.
pub fn build_suite(root: &Path, source: &Path, out: &Path) -> anyhow::Result<Vec<String>> {
    let rust_modules = if source.join("Cargo.toml").is_file() { Some(build_rust_package(root, source)?) } else { None };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut names = Vec::new();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(source)
        .with_context(|| format!("listing {}", source.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    specs.sort();
    for spec in specs {
        let file_name = spec.file_name().context("spec without a name")?;
        std::fs::copy(&spec, out.join(file_name)).with_context(|| format!("copying {}", spec.display()))?;
        let Some(name) = spec.file_stem().and_then(|s| s.to_str()) else { continue };
        if name == "manifest" {
            continue;
        }
        // Validate the spec now, so that a broken one fails the build, not a later run.
        crate::spec::Spec::load(&spec)?;
        let wat = source.join(format!("{name}.wat"));
        let module = if wat.is_file() {
            wat::parse_file(&wat).with_context(|| format!("compiling {}", wat.display()))?
        } else if let Some(dir) = &rust_modules {
            let built = dir.join(format!("{name}.wasm"));
            std::fs::read(&built).with_context(|| {
                format!("test `{name}` has no {name}.wat and the Rust package built no {}", built.display())
            })?
        } else {
            bail!("test `{name}` has a spec but no source ({name}.wat or a Rust binary `{name}`)");
        };
        std::fs::write(out.join(format!("{name}.wasm")), module)?;
        names.push(name.to_string());
    }
    copy_fixtures(source, out)?;
    Ok(names)
}

/// Copies the suite's fixture directories (the `root`/`dirs` trees the specs name) beside the
/// modules; the Rust package's own directories are not fixtures.
fn copy_fixtures(source: &Path, out: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(source).with_context(|| format!("listing {}", source.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() && !matches!(name, "src" | "target") {
            copy_tree(&path, &out.join(name))?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("listing {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a fixture entry has no name")?);
        let kind = std::fs::symlink_metadata(&path)?.file_type();
        if kind.is_symlink() {
            let link = std::fs::read_link(&path)?;
            let _ = std::fs::remove_file(&target);
            std::os::unix::fs::symlink(link, &target).with_context(|| format!("copying {}", path.display()))?;
        } else if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

/// Builds the Rust package of a suite for `wasm32-wasip1` and returns where the modules are.
fn build_rust_package(root: &Path, source: &Path) -> anyhow::Result<PathBuf> {
    let target_dir = root.join("target").join("wasm");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip1", "--manifest-path"])
        .arg(source.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        // A small guest stack keeps each module's linear memory small enough for MCU RAM.
        .env("RUSTFLAGS", "-C link-arg=-zstack-size=32768")
        .status()
        .context("starting cargo to build the suite's Rust modules")?;
    if !status.success() {
        bail!("building the Rust modules of {} failed (cargo said why, above)", source.display());
    }
    Ok(target_dir.join("wasm32-wasip1").join("release"))
}
