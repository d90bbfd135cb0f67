//! Firmware footprint from the ELF's section headers: what goes to flash and what to RAM.

use std::path::Path;

use anyhow::Context;
use object::{Object, ObjectSection, SectionFlags, SectionKind};
use serde::{Deserialize, Serialize};

/// Sizes in bytes, as `size` (Berkeley) counts them, with the RAM the linker script reserves for
/// the stack and the heap kept apart from static data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    /// Code and read-only data (flash).
    pub text: u64,
    /// Initialised data (flash for its image, RAM at run time).
    pub data: u64,
    /// Zero-initialised static data (RAM).
    pub bss: u64,
    /// RAM reserved for the native stack.
    pub stack_reserved: u64,
    /// RAM reserved for the heap.
    pub heap_reserved: u64,
}

/// Reads the footprint of an ELF file.
pub fn of_elf(path: &Path) -> anyhow::Result<Footprint> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = object::File::parse(&*bytes).with_context(|| format!("parsing {}", path.display()))?;
    let mut footprint = Footprint::default();
    for section in file.sections() {
        let SectionFlags::Elf { sh_flags } = section.flags() else { continue };
        let alloc = sh_flags & u64::from(object::elf::SHF_ALLOC) != 0;
        if !alloc {
            continue;
        }
        let writable = sh_flags & u64::from(object::elf::SHF_WRITE) != 0;
        let name = section.name().unwrap_or_default();
        let size = section.size();
        match (name, section.kind()) {
            (".stack" | ".trap_stack", _) => footprint.stack_reserved += size,
            (".heap", _) => footprint.heap_reserved += size,
            (_, SectionKind::UninitializedData | SectionKind::UninitializedTls) => footprint.bss += size,
            _ if writable => footprint.data += size,
            _ => footprint.text += size,
        }
    }
    Ok(footprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_itself_has_code_and_data() {
        // Any ELF will do for the arithmetic; the test binary is one that is sure to exist.
        let me = std::env::current_exe().unwrap();
        let footprint = of_elf(&me).unwrap();
        assert!(footprint.text > 10_000, "{footprint:?}");
        assert!(footprint.data > 0, "{footprint:?}");
        assert_eq!(footprint.heap_reserved, 0);
    }

    #[test]
    fn a_file_that_is_not_elf_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x");
        std::fs::write(&file, b"not an elf").unwrap();
        assert!(of_elf(&file).is_err());
    }
}
