//! Build-script helpers shared by the C sys layers (runtime/wamr-sys for WAMR, runtime/lvgl-sys
//! for LVGL): both compile third-party C from a registry package's directory with the compiler
//! and flags of the bench's target file, and link the multilib picolibc and libgcc that match.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a C build needs from the bench's target file (`targets/<name>.toml`).
pub struct TargetFile {
    pub path: PathBuf,
    /// `[wamr] target`, WAMR's name for the ABI.
    pub wamr_target: Option<String>,
    /// `[c] compiler`; none on the host, which uses the system compiler.
    pub c_compiler: Option<String>,
    /// `[c] flags`: the ABI, the CPU and picolibc's specs.
    pub c_flags: Vec<String>,
}

/// A cargo environment variable, or an error naming it.
pub fn env_var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("environment variable {name} is not set (is this run by cargo?)"))
}

/// Reads the target file `XILA_TARGET_FILE` names (`xbench build` sets it), or the host's
/// (`<workspace>/targets/host.toml`, from a crate two levels below the workspace) when the
/// variable is unset on a host build. A bare-metal build without it is an error.
pub fn read_target_file(manifest_dir: &Path, bare_metal: bool) -> Result<TargetFile, String> {
    println!("cargo:rerun-if-env-changed=XILA_TARGET_FILE");
    let path = match env::var_os("XILA_TARGET_FILE") {
        Some(path) => PathBuf::from(path),
        None if bare_metal => {
            return Err("XILA_TARGET_FILE is not set: a bare-metal build needs the absolute path of \
                        its target description, e.g. XILA_TARGET_FILE=/path/to/targets/riscv32.toml"
                .into())
        }
        None => manifest_dir.join("../../targets/host.toml"),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read target file {}: {error}", path.display()))?;
    let table: toml::Table =
        text.parse().map_err(|error| format!("target file {} is not TOML: {error}", path.display()))?;
    let section = |name: &str| table.get(name).and_then(toml::Value::as_table);
    let wamr_target =
        section("wamr").and_then(|wamr| wamr.get("target")).and_then(toml::Value::as_str).map(str::to_string);
    let c = section("c");
    let c_compiler = c.and_then(|c| c.get("compiler")).and_then(toml::Value::as_str).map(str::to_string);
    let c_flags = match c.and_then(|c| c.get("flags")) {
        None => Vec::new(),
        Some(flags) => flags
            .as_array()
            .and_then(|flags| flags.iter().map(|f| f.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
            .ok_or_else(|| format!("{}: `[c] flags` must be an array of strings", path.display()))?,
    };
    Ok(TargetFile { path, wamr_target, c_compiler, c_flags })
}

/// The unpacked sources of a registry package (`package` is `name-version`), found by a file
/// `marker` inside it. The workspace pins the package so that `cargo fetch` brings exactly
/// these sources; nothing compiles the package itself.
pub fn registry_package(package: &str, marker: &str) -> Result<PathBuf, String> {
    let cargo_home = match env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => PathBuf::from(env::var_os("HOME").ok_or("neither CARGO_HOME nor HOME is set")?).join(".cargo"),
    };
    let registry = cargo_home.join("registry/src");
    let mut found = Vec::new();
    if let Ok(indexes) = std::fs::read_dir(&registry) {
        for index in indexes.flatten() {
            let candidate = index.path().join(package);
            if candidate.join(marker).exists() {
                found.push(candidate);
            }
        }
    }
    found.sort();
    found.into_iter().next().ok_or_else(|| {
        format!(
            "the sources of {package} are not under {}/*/: run `cargo fetch` (the workspace pins it)",
            registry.display()
        )
    })
}

/// `riscv64-unknown-elf-gcc` -> `riscv64-unknown-elf-ar`, if it is on PATH.
pub fn sibling_tool(compiler: &str, tool: &str) -> Option<String> {
    let prefix = compiler.strip_suffix("gcc")?;
    let candidate = format!("{prefix}{tool}");
    Command::new(&candidate).arg("--version").output().ok().filter(|o| o.status.success())?;
    Some(candidate)
}

/// Finds the multilib `libc.a` (picolibc), `libgcc.a` and libc include directory for `flags`.
///
/// GCC 12 picks no multilib for an `-march` with `_z*` extensions (`rv32imac_zicsr` gives the
/// default rv64 one), so the query drops them; they do not change the ABI. picolibc's
/// `-print-file-name=libc.a` finds nothing (its specs add the `-L` only when linking), so its
/// library is located from the include directory the compiler searches.
pub fn find_libraries(compiler: &str, flags: &[String]) -> Result<(PathBuf, PathBuf, PathBuf), String> {
    let query_flags: Vec<String> = flags
        .iter()
        .map(|flag| match flag.strip_prefix("-march=") {
            Some(march) => format!("-march={}", march.split('_').next().unwrap_or(march)),
            None => flag.clone(),
        })
        .collect();
    let run = |args: &[&str]| -> Result<String, String> {
        let output = Command::new(compiler)
            .args(&query_flags)
            .args(args)
            .output()
            .map_err(|error| format!("cannot run {compiler}: {error}"))?;
        if !output.status.success() {
            return Err(format!("`{compiler} {} {}` failed", query_flags.join(" "), args.join(" ")));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr))
    };
    let libgcc = PathBuf::from(run(&["-print-libgcc-file-name"])?.trim());
    let multilib = run(&["-print-multi-directory"])?.trim().to_string();
    let direct = PathBuf::from(run(&["-print-file-name=libc.a"])?.trim());
    let search = run(&["-xc", "-E", "-v", "/dev/null"])?;
    let include = search
        .lines()
        .map(|line| PathBuf::from(line.trim()))
        .find(|dir| dir.is_absolute() && dir.join("stdio.h").exists())
        .ok_or_else(|| format!("{compiler} searches no include directory with stdio.h"))?;
    let libc = if direct.is_absolute() {
        direct
    } else {
        let root = include.parent().ok_or("libc include directory has no parent")?;
        root.join("lib").join(&multilib).join("libc.a")
    };
    for file in [&libc, &libgcc] {
        if !file.exists() {
            return Err(format!("{} (for {}) does not exist", file.display(), query_flags.join(" ")));
        }
    }
    Ok((libc, libgcc, include))
}

pub fn compiler_include_dir(compiler: &str) -> Option<PathBuf> {
    let output = Command::new(compiler).arg("-print-file-name=include").output().ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    dir.join("stdbool.h").exists().then_some(dir)
}

pub fn clang_target(rust_target: &str) -> String {
    if rust_target.starts_with("riscv32") {
        "riscv32-unknown-elf".into()
    } else if rust_target.starts_with("riscv64") {
        "riscv64-unknown-elf".into()
    } else {
        rust_target.into()
    }
}

