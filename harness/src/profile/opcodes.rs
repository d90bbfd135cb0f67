//! WAMR's interpreter loop (`wasm_interp_call_func_bytecode`, one function of 14-18 KB) broken
//! down by WebAssembly opcode handler.
//!
//! Each traced TB whose pc is in the loop is put on a source line by the firmware's DWARF line
//! table (the target's binutils `addr2line`, batch mode, `-i`: of an inlined helper's code the
//! outermost frame, the line in the interpreter file that calls it), and each line of the
//! interpreter source (`wasm_interp_fast.c` or `wasm_interp_classic.c`, as DWARF names it) gets
//! the handler it is in: the nearest `HANDLE_OP(WASM_OP_…)` / `HANDLE_OP(EXT_OP_…)` labels before
//! it (consecutive labels share their handler and are joined with `/`), or a plain C label of
//! the loop (`call_func_from_interp:`, `return_func:`…) when that is nearer. Lines before the
//! first handler are the loop's dispatch and prologue.
//!
//! A TB counts wholly at its first pc: handlers end in an indirect jump, so a TB rarely crosses
//! one, but a handler's code that the compiler put right after another's can be counted there.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::launch::find_program;
use crate::target::Target;

/// Where lines before the first handler go: the loop's set-up and the shared dispatch.
pub const PROLOGUE: &str = "dispatch / prologue";
/// A pc that the line table gives no line of the interpreter file for.
pub const NO_LINE: &str = "<no line>";

/// One handler's instructions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerShare {
    /// `WASM_OP_I32_ADD`, labels sharing a handler joined with `/`, a C label of the loop, or
    /// [`PROLOGUE`] / [`NO_LINE`].
    pub name: String,
    pub instructions: u64,
}

/// Lines of an interpreter source file to handler names.
#[derive(Debug, Clone, Default)]
pub struct HandlerMap {
    /// (first line, name), by line.
    starts: Vec<(u32, String)>,
}

fn is_label_line(trimmed: &str) -> Option<&str> {
    let name = trimmed.strip_suffix(':')?.trim_end();
    let ok = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "default";
    ok.then_some(name)
}

/// The opcode of a `HANDLE_OP(...)` line, and whether code follows it on the line (then the
/// next label cannot share its handler).
fn handle_op_label(trimmed: &str) -> Option<(&str, bool)> {
    let rest = trimmed.strip_prefix("HANDLE_OP(")?;
    let (name, after) = rest.split_once(')')?;
    let name = name.trim();
    let after = after.trim();
    let code_follows = !(after.is_empty() || after.starts_with("//") || after.starts_with("/*"));
    (name.starts_with("WASM_OP_") || name.starts_with("EXT_OP_") || name.starts_with("DEBUG_OP_")).then_some((name, code_follows))
}

impl HandlerMap {
    /// Reads the handler labels of an interpreter source. `HANDLE_OP(...)` lines that are not
    /// the macro's own `#define` start (or join) a handler; a plain C label after the first
    /// handler starts a section of its own.
    pub fn parse(source: &str) -> HandlerMap {
        let mut starts: Vec<(u32, String)> = Vec::new();
        // Whether the lines since the last label were all blank, comments or preprocessor
        // lines: a label after them joins the previous one.
        let mut joinable = false;
        let mut in_comment = false;
        for (index, line) in source.lines().enumerate() {
            let number = index as u32 + 1;
            let trimmed = line.trim();
            if in_comment {
                if trimmed.contains("*/") {
                    in_comment = false;
                }
                continue;
            }
            if trimmed.starts_with("/*") && !trimmed.contains("*/") {
                in_comment = true;
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with("//") || trimmed.starts_with("/*") || trimmed.starts_with('#') {
                continue;
            }
            if let Some((op, code_follows)) = handle_op_label(trimmed) {
                match starts.last_mut() {
                    Some((_, name)) if joinable => {
                        name.push('/');
                        name.push_str(op);
                    }
                    _ => starts.push((number, op.to_string())),
                }
                joinable = !code_follows;
                continue;
            }
            if !starts.is_empty() {
                if let Some(label) = is_label_line(trimmed) {
                    starts.push((number, label.to_string()));
                    joinable = false;
                    continue;
                }
            }
            joinable = false;
        }
        HandlerMap { starts }
    }

    /// The handler around `line` ([`PROLOGUE`] before the first).
    pub fn name(&self, line: u32) -> &str {
        match self.starts.partition_point(|(start, _)| *start <= line).checked_sub(1) {
            Some(i) => &self.starts[i].1,
            None => PROLOGUE,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// One pc's outermost source position: the last frame `addr2line -i` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub file: String,
    pub line: u32,
}

/// Parses `addr2line -a -i` output: a `0x…` line per address, then its frames, innermost first.
/// Returns each address's outermost frame (none when the line is unknown, `??:0`).
pub fn parse_addr2line(output: &str) -> HashMap<u64, Option<SourceLine>> {
    let mut result: HashMap<u64, Option<SourceLine>> = HashMap::new();
    let mut current: Option<u64> = None;
    for line in output.lines() {
        let line = line.trim();
        if let Some(hex) = line.strip_prefix("0x") {
            if let Ok(pc) = u64::from_str_radix(hex, 16) {
                current = Some(pc);
                result.insert(pc, None);
                continue;
            }
        }
        let Some(pc) = current else { continue };
        // `file:line`, `file:line (discriminator 3)`, `??:0`, `file:?`.
        let position = line.split(" (discriminator").next().unwrap_or(line);
        let Some((file, number)) = position.rsplit_once(':') else { continue };
        let parsed = number.trim().parse::<u32>().ok().filter(|&n| n > 0 && file != "??");
        // A later (outer) frame replaces an inner one, an unknown one keeps what was known.
        if let Some(n) = parsed {
            result.insert(pc, Some(SourceLine { file: file.to_string(), line: n }));
        }
    }
    result
}

/// The target's `addr2line`: the C compiler's sibling (`riscv64-unknown-elf-gcc` →
/// `riscv64-unknown-elf-addr2line`), found on `PATH` or next to the compiler.
pub fn addr2line_tool(target: &Target) -> anyhow::Result<PathBuf> {
    let Some(c) = &target.c else { bail!("target `{}` names no C compiler, so no addr2line", target.name) };
    let compiler = Path::new(&c.compiler);
    let file = compiler.file_name().and_then(|f| f.to_str()).unwrap_or_default();
    let prefix = file.strip_suffix("gcc").or_else(|| file.strip_suffix("cc")).unwrap_or("");
    let tool = compiler.with_file_name(format!("{prefix}addr2line"));
    find_program(&tool).with_context(|| format!("`{}` (the sibling of `{}`) was not found", tool.display(), c.compiler))
}

/// Source positions of `pcs` in `elf`, by one `addr2line -a -i` run with the pcs on its stdin.
pub fn lines_of(tool: &Path, elf: &Path, pcs: &BTreeSet<u64>) -> anyhow::Result<HashMap<u64, Option<SourceLine>>> {
    let mut child = Command::new(tool)
        .args(["-a", "-i", "-e"])
        .arg(elf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", tool.display()))?;
    let mut input = String::new();
    for pc in pcs {
        input.push_str(&format!("{pc:#x}\n"));
    }
    let mut stdin = child.stdin.take().context("addr2line's stdin")?;
    // Written from a thread: addr2line answers as it reads, and a full stdout pipe would stop it.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().with_context(|| format!("running {}", tool.display()))?;
    writer.join().map_err(|_| anyhow::anyhow!("addr2line's writer panicked"))?.context("writing pcs to addr2line")?;
    if !output.status.success() {
        bail!("{} failed: {}", tool.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(parse_addr2line(&String::from_utf8_lossy(&output.stdout)))
}

/// The interpreter source DWARF names: the path itself when it exists, else the file of that
/// name in a WAMR of the cargo registry (`wamrx-sys`).
pub fn find_source(dwarf_file: &str) -> Option<PathBuf> {
    let path = PathBuf::from(dwarf_file);
    if path.is_file() {
        return Some(path);
    }
    let name = path.file_name()?.to_str()?.to_string();
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    for registry in std::fs::read_dir(home.join("registry/src")).ok()?.flatten() {
        let Ok(crates) = std::fs::read_dir(registry.path()) else { continue };
        let mut found: Vec<PathBuf> = crates
            .flatten()
            .filter(|c| c.file_name().to_string_lossy().starts_with("wamrx-sys-"))
            .map(|c| c.path().join("wasm-micro-runtime/core/iwasm/interpreter").join(&name))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        if let Some(last) = found.pop() {
            return Some(last);
        }
    }
    None
}

/// The instructions per pc of the interpreter loop, summed per handler, most first.
pub fn attribute(
    by_pc: &BTreeMap<u64, u64>,
    lines: &HashMap<u64, Option<SourceLine>>,
    maps: &HashMap<String, HandlerMap>,
) -> Vec<HandlerShare> {
    let mut by_name: BTreeMap<String, u64> = BTreeMap::new();
    for (pc, &instructions) in by_pc {
        let name = match lines.get(pc).cloned().flatten() {
            Some(source) => match maps.get(&source.file) {
                Some(map) => map.name(source.line).to_string(),
                None => format!("{}:{}", Path::new(&source.file).file_name().map_or(source.file.clone(), |f| f.to_string_lossy().into_owned()), source.line),
            },
            None => NO_LINE.to_string(),
        };
        *by_name.entry(name).or_insert(0) += instructions;
    }
    let mut handlers: Vec<HandlerShare> =
        by_name.into_iter().filter(|(_, n)| *n > 0).map(|(name, instructions)| HandlerShare { name, instructions }).collect();
    handlers.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.name.cmp(&b.name)));
    handlers
}

/// The loop's instructions (`by_pc`: TB start pcs in the loop) by handler, for `elf` of `target`.
pub fn breakdown(target: &Target, elf: &Path, by_pc: &BTreeMap<u64, u64>) -> anyhow::Result<Vec<HandlerShare>> {
    if by_pc.is_empty() {
        return Ok(Vec::new());
    }
    let tool = addr2line_tool(target)?;
    let pcs: BTreeSet<u64> = by_pc.keys().copied().collect();
    let lines = lines_of(&tool, elf, &pcs)?;
    let files: BTreeSet<&str> = lines.values().flatten().map(|l| l.file.as_str()).collect();
    let mut maps = HashMap::new();
    for file in files {
        // Only the interpreter files have handlers; other files' lines keep file:line.
        let base = Path::new(file).file_name().and_then(|f| f.to_str()).unwrap_or_default();
        if !base.starts_with("wasm_interp_") {
            continue;
        }
        let Some(path) = find_source(file) else { continue };
        let source = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let map = HandlerMap::parse(&source);
        if !map.is_empty() {
            maps.insert(file.to_string(), map);
        }
    }
    if maps.is_empty() {
        bail!("the line table names no interpreter source with HANDLE_OP labels that could be read (files: {:?})", lines.values().flatten().map(|l| l.file.as_str()).collect::<BTreeSet<_>>());
    }
    Ok(attribute(by_pc, &lines, &maps))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"#define HANDLE_OP(opcode) HANDLE_##opcode:
static void
wasm_interp_call_func_bytecode(void)
{
    int x = 0;
    FETCH_OPCODE_AND_DISPATCH();
            HANDLE_OP(WASM_OP_NOP) { HANDLE_OP_END(); }

            HANDLE_OP(WASM_OP_I32_ADD)
            /* a comment */
#if WASM_ENABLE_X != 0
            HANDLE_OP(EXT_OP_I32_ADD)
#endif
            {
                DEF_OP_NUMERIC(uint32, uint32, I32, +);
                HANDLE_OP_END();
            }
            HANDLE_OP(WASM_OP_BR_IF)
            {
                if (cond)
                    goto label_br;
            label_br:
                HANDLE_OP_END();
            }
    call_func_from_interp:
    {
        x++;
    }
    default:
        x--;
}
"#;

    #[test]
    fn lines_are_named_by_the_handler_before_them() {
        let map = HandlerMap::parse(SOURCE);
        assert_eq!(map.name(1), PROLOGUE, "the #define is not a handler");
        assert_eq!(map.name(6), PROLOGUE);
        assert_eq!(map.name(7), "WASM_OP_NOP");
        assert_eq!(map.name(8), "WASM_OP_NOP");
        assert_eq!(map.name(9), "WASM_OP_I32_ADD/EXT_OP_I32_ADD", "labels with only comments and #if between share a handler");
        assert_eq!(map.name(15), "WASM_OP_I32_ADD/EXT_OP_I32_ADD");
        assert_eq!(map.name(20), "WASM_OP_BR_IF");
        assert_eq!(map.name(23), "label_br");
        assert_eq!(map.name(27), "call_func_from_interp");
        assert_eq!(map.name(30), "call_func_from_interp", "`default:` is no label of its own");
    }

    #[test]
    fn addr2line_output_gives_the_outermost_frame() {
        let out = "0x00001000\n/w/wasm_interp_fast.c:15\n0x00001008\n/w/bh_common.h:40\n/w/wasm_interp_fast.c:20 (discriminator 2)\n0x0000100c\n??:0\n0x00001010\n/w/wasm_interp_fast.c:7\n??:?\n";
        let lines = parse_addr2line(out);
        assert_eq!(lines[&0x1000], Some(SourceLine { file: "/w/wasm_interp_fast.c".into(), line: 15 }));
        assert_eq!(lines[&0x1008], Some(SourceLine { file: "/w/wasm_interp_fast.c".into(), line: 20 }), "inlined helper: the call site");
        assert_eq!(lines[&0x100c], None);
        assert_eq!(lines[&0x1010], Some(SourceLine { file: "/w/wasm_interp_fast.c".into(), line: 7 }));
        let maps = HashMap::from([("/w/wasm_interp_fast.c".to_string(), HandlerMap::parse(SOURCE))]);
        let by_pc = BTreeMap::from([(0x1000, 50), (0x1008, 30), (0x100c, 5), (0x1010, 60)]);
        let handlers = attribute(&by_pc, &lines, &maps);
        let got: Vec<(&str, u64)> = handlers.iter().map(|h| (h.name.as_str(), h.instructions)).collect();
        assert_eq!(got, [("WASM_OP_NOP", 60), ("WASM_OP_I32_ADD/EXT_OP_I32_ADD", 50), ("WASM_OP_BR_IF", 30), (NO_LINE, 5)]);
    }
}
