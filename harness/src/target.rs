//! Targets as data: one `targets/<name>.toml` per target, read here and by the firmware build.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One target description, as written in `targets/<name>.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    pub description: String,
    /// The Rust target triple, or `host` for the native build.
    pub rust_target: String,
    /// The board family, which picks the start-up, console and timer code.
    pub board: String,
    pub wamr: Wamr,
    #[serde(default)]
    pub c: Option<CToolchain>,
    #[serde(default)]
    pub qemu: Option<Qemu>,
    #[serde(default)]
    pub memory: Option<Memory>,
    #[serde(default)]
    pub timer: Option<Timer>,
    /// Heap bytes the runtime may use, enforced by the runtime itself. The host has no physical
    /// limit, so its file sets one to match the MCU targets and stay a faithful reference.
    #[serde(default)]
    pub heap_budget: Option<u32>,
    /// Multiplies every test's timeout on this target (slow emulated cores).
    #[serde(default = "one")]
    pub timeout_multiplier: f64,
    /// Where the file was read from; filled in by the loader.
    #[serde(skip)]
    pub file: PathBuf,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Wamr {
    /// WAMR's `BUILD_TARGET` name. A wrong one corrupts float arguments silently.
    pub target: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CToolchain {
    pub compiler: String,
    #[serde(default)]
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Qemu {
    pub binary: String,
    pub machine: String,
    #[serde(default)]
    pub cpu: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub origin: u64,
    pub length: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    pub flash: Region,
    pub ram: Region,
    pub stack_size: u64,
    pub heap_size: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    pub kind: String,
    pub address: u64,
    pub frequency_hz: u64,
}

/// A target file that cannot be used, naming the file and what is wrong with it.
#[derive(Debug)]
pub struct TargetFileError {
    pub file: PathBuf,
    pub problem: String,
}

impl fmt::Display for TargetFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "target file {}: {}", self.file.display(), self.problem)
    }
}

impl std::error::Error for TargetFileError {}

impl Target {
    /// Reads and checks one target file.
    pub fn load(file: &Path) -> Result<Target, TargetFileError> {
        let error = |problem: String| TargetFileError { file: file.to_path_buf(), problem };
        let text = std::fs::read_to_string(file).map_err(|e| error(format!("cannot read it: {e}")))?;
        let mut target: Target = toml::from_str(&text).map_err(|e| error(describe_toml_error(&e)))?;
        target.file = file.to_path_buf();
        target.check().map_err(error)?;
        Ok(target)
    }

    /// Checks what serde cannot: fields that an emulated target needs, and names that agree.
    fn check(&self) -> Result<(), String> {
        let stem = self.file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if self.name != stem {
            return Err(format!("field `name` is {:?} but the file is named {stem:?}.toml", self.name));
        }
        if self.is_host() {
            return Ok(());
        }
        for (field, present) in [
            ("qemu", self.qemu.is_some()),
            ("c", self.c.is_some()),
            ("memory", self.memory.is_some()),
            ("timer", self.timer.is_some()),
        ] {
            if !present {
                return Err(format!("missing section `[{field}]`, which every emulated target needs"));
            }
        }
        // Written so that NaN is refused too.
        if self.timeout_multiplier.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err("field `timeout_multiplier` must be greater than 0".into());
        }
        if let Some(memory) = &self.memory {
            if memory.stack_size + memory.heap_size > memory.ram.length {
                return Err(format!(
                    "field `memory.stack_size` + `memory.heap_size` ({} bytes) exceeds `memory.ram.length` ({} bytes)",
                    memory.stack_size + memory.heap_size,
                    memory.ram.length
                ));
            }
        }
        Ok(())
    }

    /// The native build has no emulator: the runtime runs as a process of this machine.
    pub fn is_host(&self) -> bool {
        self.rust_target == "host"
    }
}

fn describe_toml_error(error: &toml::de::Error) -> String {
    // toml's message already names the field ("missing field `rust_target`"); keep it on one line.
    error.message().trim().replace('\n', " ")
}

/// All targets of a `targets/` directory, by name.
#[derive(Debug, Clone)]
pub struct TargetSet {
    pub dir: PathBuf,
    pub targets: BTreeMap<String, Target>,
}

impl TargetSet {
    /// Loads every `*.toml` in `dir`. One broken file is an error that names it.
    pub fn load(dir: &Path) -> Result<TargetSet, TargetFileError> {
        let entries = std::fs::read_dir(dir).map_err(|e| TargetFileError {
            file: dir.to_path_buf(),
            problem: format!("cannot list the targets directory: {e}"),
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        files.sort();
        let mut targets = BTreeMap::new();
        for file in files {
            let target = Target::load(&file)?;
            targets.insert(target.name.clone(), target);
        }
        Ok(TargetSet { dir: dir.to_path_buf(), targets })
    }

    /// Finds a target by name, or says which names exist.
    pub fn get(&self, name: &str) -> anyhow::Result<&Target> {
        self.targets.get(name).ok_or_else(|| {
            let valid: Vec<&str> = self.targets.keys().map(String::as_str).collect();
            anyhow::anyhow!("unknown target `{name}`; valid targets: {}", valid.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const RISCV: &str = r#"
name = "board"
description = "a test board"
rust_target = "riscv32imac-unknown-none-elf"
board = "riscv-virt"
[wamr]
target = "RISCV32_ILP32"
[c]
compiler = "riscv64-unknown-elf-gcc"
[qemu]
binary = "qemu-system-riscv32"
machine = "virt"
[memory]
flash = { origin = 0x80000000, length = 0x100000 }
ram = { origin = 0x80100000, length = 0x100000 }
stack_size = 0x10000
heap_size = 0x80000
[timer]
kind = "clint-mtime"
address = 0x0200bff8
frequency_hz = 10000000
"#;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, text).expect("write target file");
        file
    }

    #[test]
    fn a_complete_file_loads() {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::load(&write(dir.path(), "board", RISCV)).expect("loads");
        assert_eq!(target.qemu.as_ref().map(|q| q.machine.as_str()), Some("virt"));
        assert_eq!(target.memory.as_ref().map(|m| m.ram.origin), Some(0x8010_0000));
        assert_eq!(target.timeout_multiplier, 1.0);
    }

    #[rstest]
    #[case::missing_field("rust_target = \"riscv32imac-unknown-none-elf\"\n", "", "rust_target")]
    #[case::wrong_type("frequency_hz = 10000000", "frequency_hz = \"fast\"", "string \"fast\"")]
    #[case::unknown_field("[timer]\n", "[timer]\nspeed = 3\n", "speed")]
    #[case::missing_section("[qemu]\nbinary = \"qemu-system-riscv32\"\nmachine = \"virt\"\n", "", "[qemu]")]
    #[case::name_mismatch("name = \"board\"", "name = \"other\"", "`name`")]
    #[case::budget_too_big("heap_size = 0x80000", "heap_size = 0x800000", "memory.heap_size")]
    fn a_broken_file_names_the_file_and_the_field(
        #[case] from: &str,
        #[case] to: &str,
        #[case] expected: &str,
    ) {
        let dir = tempfile::tempdir().unwrap();
        assert!(RISCV.contains(from), "the case must change the file");
        let file = write(dir.path(), "board", &RISCV.replacen(from, to, 1));
        let message = Target::load(&file).expect_err("must fail").to_string();
        assert!(message.contains("board.toml"), "{message}");
        assert!(message.contains(expected), "{message}");
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "board", RISCV);
        let set = TargetSet::load(dir.path()).unwrap();
        let message = set.get("nope").unwrap_err().to_string();
        assert_eq!(message, "unknown target `nope`; valid targets: board");
    }

    #[test]
    fn the_project_targets_all_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets");
        let set = TargetSet::load(&dir).expect("the project's own target files are valid");
        assert!(set.targets.contains_key("riscv32"));
        assert!(set.targets.contains_key("host"));
    }
}
