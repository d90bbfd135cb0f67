//! Guest pcs to function names, from the firmware ELF's symbol table (QEMU's log names no
//! symbols reliably), and each function's component, from the bench's footprint classification.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use object::{Object, ObjectSymbol, SymbolKind};

use crate::bench;

/// The component of WAMR's interpreter loop, split from the rest of WAMR in profiles: in a
/// profile of interpreted code it is usually most of the time.
pub const INTERPRETER_LOOP: &str = "WAMR interpreter loop";
/// The interpreter loop's function (fast and classic interpreters both name it so).
pub const INTERPRETER_FUNCTION: &str = "wasm_interp_call_func_bytecode";
/// Where a pc falls outside every function symbol (QEMU's reset stub at 0x1000 on RISC-V
/// `virt`, say).
pub const NO_SYMBOL: &str = "<no symbol>";

/// One function: where it starts, where it ends when the ELF says, and its name as linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub start: u64,
    /// Exclusive; `None` when the symbol has no size (then it reaches the next symbol).
    pub end: Option<u64>,
    pub raw_name: String,
}

/// Function symbols sorted by address.
#[derive(Debug, Clone, Default)]
pub struct SymbolTable {
    functions: Vec<Function>,
}

impl SymbolTable {
    /// The function symbols of an ELF file. On Arm, Thumb function addresses have bit 0 set
    /// (the instruction set, not the address); it is cleared.
    pub fn of_elf(path: &Path) -> anyhow::Result<SymbolTable> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let file = object::File::parse(&*bytes).with_context(|| format!("parsing {}", path.display()))?;
        let thumb = file.architecture() == object::Architecture::Arm;
        let functions = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.is_definition())
            .filter_map(|s| {
                let name = s.name().ok()?;
                // Mapping symbols (`$t`, `$x`, `$d`) and local labels mark code, not functions.
                if name.is_empty() || name.starts_with('$') || name.starts_with(".L") {
                    return None;
                }
                let start = if thumb { s.address() & !1 } else { s.address() };
                let end = (s.size() > 0).then(|| start + s.size());
                Some(Function { start, end, raw_name: name.to_string() })
            })
            .collect();
        Ok(SymbolTable::new(functions))
    }

    /// A table of these functions (in any order).
    pub fn new(mut functions: Vec<Function>) -> SymbolTable {
        // At one address, the symbol with a size first (an alias without one adds nothing).
        functions.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.is_some().cmp(&a.end.is_some())).then(a.raw_name.cmp(&b.raw_name)));
        functions.dedup_by(|later, first| later.start == first.start);
        SymbolTable { functions }
    }

    /// The function `pc` is in: the nearest one starting at or before it, if `pc` is inside
    /// its size (or it has none).
    pub fn lookup(&self, pc: u64) -> Option<&Function> {
        let index = self.functions.partition_point(|f| f.start <= pc).checked_sub(1)?;
        let function = &self.functions[index];
        match function.end {
            Some(end) if pc >= end => None,
            _ => Some(function),
        }
    }

    /// The start addresses of the functions whose readable name satisfies `wanted`.
    pub fn starts_of(&self, wanted: impl Fn(&str) -> bool) -> Vec<u64> {
        self.functions.iter().filter(|f| wanted(&bench::demangle(&f.raw_name))).map(|f| f.start).collect()
    }

    pub fn len(&self) -> usize {
        self.functions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
}

/// The component of a function: the linker map's (the bench's footprint by component) where
/// the map lists the symbol, else the bench's guess by name; the interpreter loop on its own.
pub fn component(raw_name: &str, by_map: &BTreeMap<String, &'static str>) -> &'static str {
    if raw_name == INTERPRETER_FUNCTION {
        return INTERPRETER_LOOP;
    }
    if raw_name == NO_SYMBOL {
        return "other";
    }
    by_map.get(raw_name).copied().unwrap_or_else(|| bench::rust_component_or_c(raw_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> SymbolTable {
        SymbolTable::new(vec![
            Function { start: 0x200, end: None, raw_name: "unsized".into() },
            Function { start: 0x100, end: Some(0x140), raw_name: "memset".into() },
            Function { start: 0x100, end: None, raw_name: "alias".into() },
            Function { start: 0x140, end: Some(0x180), raw_name: "_ZN12xila_runtime7natives11bench_begin17h0123456789abcdefE".into() },
        ])
    }

    #[test]
    fn a_pc_belongs_to_the_function_around_it() {
        let table = table();
        assert_eq!(table.len(), 3, "the unsized alias at 0x100 is dropped");
        assert_eq!(table.lookup(0x100).map(|f| f.raw_name.as_str()), Some("memset"));
        assert_eq!(table.lookup(0x13e).map(|f| f.raw_name.as_str()), Some("memset"));
        assert!(table.lookup(0x80).is_none(), "before every symbol");
        assert!(table.lookup(0x1c0).is_none(), "past the sized function at 0x140");
        assert_eq!(table.lookup(0x9000).map(|f| f.raw_name.as_str()), Some("unsized"));
        assert_eq!(table.starts_of(|name| name.ends_with("natives::bench_begin")), [0x140]);
    }

    #[test]
    fn the_interpreter_loop_is_a_component_of_its_own() {
        let by_map = BTreeMap::from([("memset".to_string(), "libc (picolibc)")]);
        assert_eq!(component(INTERPRETER_FUNCTION, &by_map), INTERPRETER_LOOP);
        assert_eq!(component("memset", &by_map), "libc (picolibc)");
        assert_eq!(component("wasm_loader_load", &by_map), "WAMR core");
        assert_eq!(component("lv_obj_create", &by_map), "LVGL");
    }

    #[test]
    fn an_elf_gives_its_function_symbols() {
        // Any ELF will do; the test binary is one that is sure to exist.
        let me = std::env::current_exe().unwrap();
        let table = SymbolTable::of_elf(&me).unwrap();
        assert!(!table.is_empty());
    }
}
