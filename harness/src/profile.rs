//! `xbench profile`: where a run's guest instructions go, per function and per component.
//!
//! The run is the same as `xbench run`'s ([`run_module`]), on a copy of the target whose QEMU
//! also gets `-d nochain,exec,in_asm -D <pipe>`: QEMU then logs every translation block (TB) it
//! translates, with its instructions, and every TB it runs. [`trace`] turns that stream into
//! instructions per TB, [`symbols`] puts each TB in the function around its address (the
//! firmware's ELF symbols) and in a component (the bench's footprint classification, with WAMR's
//! interpreter loop on its own). The log goes through a pipe ([`fifo`]), never to disk.
//!
//! For the measured region ([`Scope::Region`], between the guest's `xila_bench.begin` and `end`
//! marks) QEMU starts paused and the log is turned on only when the guest reaches `begin`
//! ([`gdb`]): the start-up before it runs untraced, at full speed.
//!
//! The profile counts the same guest instructions as `-icount` does, so its total can be checked
//! against the firmware's own count: over the region the two agree to within a few instructions
//! (exactly on RISC-V, to the SysTick tick of 31-50 instructions on Cortex-M); over the whole run
//! ([`Scope::Run`]) the trace also counts boot, the job's transfer and the result record, which
//! the firmware's `instructions` leave out.

pub mod fifo;
pub mod gdb;
pub mod opcodes;
pub mod render;
pub mod symbols;
/// The log counter, a crate of its own so that it is optimised in debug builds.
pub use xbench_trace as trace;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context};
use bench_protocol::{files, ResultRecord};
use serde::{Deserialize, Serialize};

use crate::bench;
use crate::execute::{run_module, RunEnd, RunOutput, RunSettings};
use crate::spec::Spec;
use crate::target::Target;
use fifo::TraceFifo;
use gdb::RegionStart;
use symbols::{SymbolTable, NO_SYMBOL};
use trace::{Gate, TraceCounts};

pub use render::{coverage_line, render_handlers, render_markdown, render_table};

/// QEMU's log items the profile reads: every TB run logged (no chaining), TB runs, TB contents.
pub const QEMU_LOG_ITEMS: &str = "nochain,exec,in_asm";

/// What part of the run is counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// From reset to exit.
    #[default]
    Run,
    /// Between the guest's `xila_bench.begin` and `xila_bench.end` marks (the bench's measured
    /// region).
    Region,
}

impl Scope {
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Run => "whole run",
            Scope::Region => "measured region (xila_bench.begin to end)",
        }
    }
}

/// Where one run's guest instructions went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub target: String,
    /// The module and its arguments.
    pub workload: String,
    pub scope: Scope,
    /// Instructions the trace counted.
    pub total_instructions: u64,
    /// What the firmware's result record counted over the same scope (`instructions` for the
    /// run, `measured_instructions` for the region), when it reported one.
    pub reported_instructions: Option<u64>,
    /// Functions by instructions, most first (in a bench report, the top ones only).
    pub functions: Vec<FunctionShare>,
    /// Components by instructions, most first.
    pub components: Vec<ComponentShare>,
    /// WAMR's interpreter loop by opcode handler, most first (see [`opcodes`]); empty when the
    /// loop did not run or could not be broken down (then `handlers_error` says why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handlers: Vec<opcodes::HandlerShare>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handlers_error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionShare {
    /// Demangled (Rust paths without their hash).
    pub name: String,
    pub component: String,
    pub instructions: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentShare {
    pub name: String,
    pub instructions: u64,
}

impl Profile {
    /// `instructions` as a percentage of the total.
    pub fn percent(&self, instructions: u64) -> f64 {
        if self.total_instructions == 0 {
            0.0
        } else {
            100.0 * instructions as f64 / self.total_instructions as f64
        }
    }

    /// The trace's total over the firmware's own count, in percent.
    pub fn coverage(&self) -> Option<f64> {
        let reported = self.reported_instructions.filter(|&r| r > 0)?;
        Some(100.0 * self.total_instructions as f64 / reported as f64)
    }

    /// Keeps the `top` hottest functions and handlers (for reports; the shares stay those of
    /// the total).
    pub fn truncated(mut self, top: usize) -> Profile {
        self.functions.truncate(top);
        self.handlers.truncate(top);
        self
    }

    /// The instructions of WAMR's interpreter loop (what handler shares are shares of).
    pub fn interpreter_instructions(&self) -> u64 {
        self.functions.iter().filter(|f| f.name == symbols::INTERPRETER_FUNCTION).map(|f| f.instructions).sum()
    }

    /// `instructions` as a percentage of the interpreter loop's.
    pub fn loop_percent(&self, instructions: u64) -> f64 {
        let total = self.interpreter_instructions();
        if total == 0 {
            0.0
        } else {
            100.0 * instructions as f64 / total as f64
        }
    }
}

/// A profile and the run it came from (stdout, stderr, how it ended).
#[derive(Debug, Clone)]
pub struct Profiled {
    pub profile: Profile,
    pub output: RunOutput,
}

/// Runs `module` on `target` (an emulated one) with QEMU's execution log streaming into a
/// counter, and returns where the instructions of `scope` went.
pub fn profile_module(
    target: &Target,
    executable: &Path,
    module_name: &str,
    module: Vec<u8>,
    spec: &Spec,
    settings: &RunSettings,
    scope: Scope,
) -> anyhow::Result<Profiled> {
    let Some(qemu) = &target.qemu else {
        bail!(
            "target `{}` runs natively, without QEMU; a profile reads QEMU's execution log, so choose an MCU target",
            target.name
        );
    };
    let symbols = SymbolTable::of_elf(executable)?;
    let gate = match scope {
        Scope::Run => None,
        Scope::Region => Some(region_gate(&symbols, executable)?),
    };
    // The pipe's reader (and for the region the gdb client) is released and joined after the run
    // whatever happens: see the `finish` calls below.
    let fifo = TraceFifo::start(gate.clone())?;
    // Holds the gdb socket's directory until QEMU is gone.
    let mut _sockets = None;
    let mut traced_qemu = qemu.clone();
    let log_path = fifo.path().to_str().context("the trace pipe's path is not UTF-8")?.to_string();
    let region_start = match &gate {
        // The log starts at reset.
        None => {
            traced_qemu.args.extend(["-d".to_string(), QEMU_LOG_ITEMS.to_string(), "-D".to_string(), log_path]);
            None
        }
        // The log file is named now and opened when the gdb client turns the log on.
        Some(gate) => {
            let sockets = tempfile::Builder::new().prefix("xbench-gdb-").tempdir().context("creating a directory for QEMU's gdb socket")?;
            let socket = sockets.path().join("gdb.sock");
            _sockets = Some(sockets);
            traced_qemu.args.extend(gdb::qemu_args(&socket)?);
            traced_qemu.args.extend(["-D".to_string(), log_path]);
            let begin = gate.begin.first().copied().context("no begin mark")?;
            Some(RegionStart::start(socket, begin, QEMU_LOG_ITEMS)?)
        }
    };
    let mut traced = target.clone();
    traced.qemu = Some(traced_qemu);
    // The job directory is kept to read the record's measured instructions, which the run's
    // parsed record does not carry; it is removed below unless the caller asked to keep it.
    let keeping = RunSettings { keep_job_dirs: true, ..settings.clone() };
    let output = run_module(&traced, executable, module_name, module, spec, &keeping);
    // QEMU has ended (or never started): the gdb client and the pipe's reader are released and
    // joined whatever happened, before any error is returned.
    let reached = region_start.map(RegionStart::finish).transpose();
    let counts = fifo.finish();
    let mut output = output?;
    let record_text = output.job_dir.as_ref().and_then(|dir| std::fs::read_to_string(dir.join(files::RESULT)).ok());
    let record = record_text.as_deref().and_then(|text| ResultRecord::parse(text).ok());
    let reported = record.and_then(|r| match scope {
        Scope::Run => r.instructions,
        Scope::Region => r.measured_instructions,
    });
    if !settings.keep_job_dirs {
        if let Some(dir) = output.job_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    let command = output.invocation.to_shell();
    if let RunEnd::Infrastructure(message) = &output.end {
        bail!("{message}\ncommand: {command}");
    }
    if reached.with_context(|| format!("starting the trace at the region; command: {command}"))? == Some(false) {
        bail!(
            "the guest never called xila_bench.begin, so there is no measured region to profile (drop --region to profile the whole run); the run ended: {}",
            describe_end(&output.end)
        );
    }
    let counts = counts?;
    check_counts(&counts, scope, &qemu.binary, &command)?;
    let by_map = bench::map_file(executable).and_then(|map| bench::analyse_map(&map)).map(|(_, symbols)| symbols).unwrap_or_default();
    let mut workload = module_name.to_string();
    for arg in &spec.args {
        workload.push(' ');
        workload.push_str(arg);
    }
    let mut profile = aggregate(&target.name, &workload, scope, &counts, &symbols, &by_map, reported);
    let in_loop: BTreeMap<u64, u64> = counts
        .by_pc
        .iter()
        .filter(|(&pc, &n)| n > 0 && symbols.lookup(pc).is_some_and(|f| f.raw_name == symbols::INTERPRETER_FUNCTION))
        .map(|(&pc, &n)| (pc, n))
        .collect();
    match opcodes::breakdown(target, executable, &in_loop) {
        Ok(handlers) => profile.handlers = handlers,
        Err(e) => profile.handlers_error = Some(format!("{e:#}")),
    }
    Ok(Profiled { profile, output })
}

fn describe_end(end: &RunEnd) -> String {
    match end {
        RunEnd::Finished(record) => format!("{} (exit code {}) {}", record.status, record.exit_code, record.message).trim_end().to_string(),
        RunEnd::TimedOut(after) => format!("timed out after {:.1} s", after.as_secs_f64()),
        RunEnd::Infrastructure(message) => message.clone(),
    }
}

/// A trace that cannot be a profile: no log at all, or runs of TBs the log never showed.
fn check_counts(counts: &TraceCounts, scope: Scope, qemu: &str, command: &str) -> anyhow::Result<()> {
    if counts.log_bytes == 0 {
        bail!("QEMU wrote no execution log (is `{qemu}` QEMU 10, with `-d exec`?); command: {command}");
    }
    if scope == Scope::Region && !counts.gate_opened {
        bail!("the log never showed the guest entering xila_bench.begin; command: {command}");
    }
    // A TB run whose translation the log did not show counts nothing: a few would be noise, many
    // mean that this QEMU logs differently.
    if counts.unknown_executions * 1000 > counts.executions.max(1) {
        bail!(
            "{} of {} TB runs in QEMU's log had no translation logged before them; the profile would be wrong (command: {command})",
            counts.unknown_executions,
            counts.executions + counts.unknown_executions
        );
    }
    Ok(())
}

/// Counting starts on entering the runtime's `bench_begin` native and stops on entering
/// `bench_end`: the region the firmware's `measured_instructions` covers, to within the few
/// instructions of the marks themselves.
fn region_gate(symbols: &SymbolTable, executable: &Path) -> anyhow::Result<Gate> {
    let begin = symbols.starts_of(|name| name.ends_with("natives::bench_begin"));
    let end = symbols.starts_of(|name| name.ends_with("natives::bench_end"));
    if begin.is_empty() || end.is_empty() {
        bail!("{} has no xila_bench begin/end natives (natives::bench_begin, natives::bench_end)", executable.display());
    }
    Ok(Gate { begin, end })
}

/// Instructions per TB, summed per function and per component, most first.
pub fn aggregate(
    target: &str,
    workload: &str,
    scope: Scope,
    counts: &TraceCounts,
    symbols: &SymbolTable,
    by_map: &BTreeMap<String, &'static str>,
    reported: Option<u64>,
) -> Profile {
    let mut by_raw: HashMap<&str, u64> = HashMap::new();
    for (&pc, &instructions) in &counts.by_pc {
        let raw = symbols.lookup(pc).map_or(NO_SYMBOL, |f| f.raw_name.as_str());
        *by_raw.entry(raw).or_insert(0) += instructions;
    }
    // Rust generics demangle to one name per instance: they are summed under it.
    let mut by_name: BTreeMap<String, (u64, &'static str)> = BTreeMap::new();
    let mut by_component: BTreeMap<&'static str, u64> = BTreeMap::new();
    for (raw, instructions) in by_raw {
        if instructions == 0 {
            continue;
        }
        let component = symbols::component(raw, by_map);
        let entry = by_name.entry(bench::demangle(raw)).or_insert((0, component));
        entry.0 += instructions;
        *by_component.entry(component).or_insert(0) += instructions;
    }
    let mut functions: Vec<FunctionShare> = by_name
        .into_iter()
        .map(|(name, (instructions, component))| FunctionShare { name, component: component.to_string(), instructions })
        .collect();
    functions.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.name.cmp(&b.name)));
    let mut components: Vec<ComponentShare> =
        by_component.into_iter().map(|(name, instructions)| ComponentShare { name: name.to_string(), instructions }).collect();
    components.sort_by(|a, b| b.instructions.cmp(&a.instructions).then_with(|| a.name.cmp(&b.name)));
    Profile {
        target: target.to_string(),
        workload: workload.to_string(),
        scope,
        total_instructions: counts.total,
        reported_instructions: reported,
        functions,
        components,
        handlers: Vec::new(),
        handlers_error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symbols::Function;

    fn counts(pairs: &[(u64, u64)]) -> TraceCounts {
        TraceCounts {
            by_pc: pairs.iter().copied().collect(),
            total: pairs.iter().map(|(_, n)| n).sum(),
            ..TraceCounts::default()
        }
    }

    fn table() -> SymbolTable {
        SymbolTable::new(vec![
            Function { start: 0x100, end: Some(0x400), raw_name: "wasm_interp_call_func_bytecode".into() },
            Function { start: 0x400, end: Some(0x480), raw_name: "memcpy".into() },
            Function { start: 0x480, end: Some(0x500), raw_name: "_ZN12xila_runtime6engine3run17h0123456789abcdefE".into() },
            Function { start: 0x500, end: Some(0x540), raw_name: "_ZN12xila_runtime6engine3run17hfedcba9876543210E".into() },
        ])
    }

    #[test]
    fn tbs_are_summed_per_function_and_component() {
        let by_map = BTreeMap::from([("memcpy".to_string(), "libc (picolibc)")]);
        let counts = counts(&[(0x100, 600), (0x180, 300), (0x400, 50), (0x480, 20), (0x500, 10), (0x1000, 20)]);
        let profile = aggregate("riscv32", "m.wasm", Scope::Run, &counts, &table(), &by_map, Some(1000));
        let names: Vec<(&str, u64)> = profile.functions.iter().map(|f| (f.name.as_str(), f.instructions)).collect();
        assert_eq!(
            names,
            [("wasm_interp_call_func_bytecode", 900), ("memcpy", 50), ("xila_runtime::engine::run", 30), (NO_SYMBOL, 20)]
        );
        assert_eq!(profile.functions[0].component, symbols::INTERPRETER_LOOP);
        assert_eq!(profile.functions[2].component, "runtime ABI + fs");
        assert_eq!(profile.components[0], ComponentShare { name: symbols::INTERPRETER_LOOP.into(), instructions: 900 });
        assert_eq!(profile.components.iter().map(|c| c.instructions).sum::<u64>(), profile.total_instructions);
        assert_eq!(profile.coverage(), Some(100.0));
    }
}
