//! `xbench bench`: the performance lab.
//!
//! For every target it builds three executables from the same checkout — the runtime firmware
//! (WAMR's fast interpreter), the same firmware with WAMR's classic interpreter (its own target
//! directory, `target/firmware/<target>-classic`) and the native benchmark firmware
//! (`xila-firmware`'s `xila-bench` binary, the workloads linked directly) — and runs each
//! workload of `conformance/bench` on all three. The counts are guest instructions around the
//! workload only: the guest marks its region with the runtime's `xila_bench.begin/end`, the
//! native firmware reads the same board counter around the call. Start-up (runtime init, module
//! load, instantiation) and the heap peak come from the same records.
//!
//! It also splits each firmware's flash and RAM by component from the linker map, lists the
//! largest symbols, and times a bare QEMU boot against a harness-run hello (wall time: recorded,
//! never gated). `bench.json` is the source of `bench.md` and `bench.html`; [`compare`] is the
//! gate against `ci/baseline/bench.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context};
use bench_protocol::{files, Job, JobSpec, ResultRecord, Status};
use serde::{Deserialize, Serialize};

use crate::execute::{run_module, RunEnd, RunSettings, DEFAULT_STACK_SIZE};
use crate::firmware::{self, PROFILE};
use crate::footprint::{self, Footprint};
use crate::launch;
use crate::profile::{self, Profile, Scope};
use crate::spec::Spec;
use crate::target::Target;

/// The workloads of `conformance/bench/workloads` (the guest and the native firmware both
/// refuse a name they do not know, so a list out of step fails loudly).
pub const WORKLOADS: &[&str] =
    &["crc32", "sha256", "matmul", "nbody_f32", "nbody_f64", "quicksort", "fib", "memops", "parser", "coremark"];

/// Gate thresholds: growth beyond these fails `xbench bench --baseline`.
pub const INSTRUCTION_GROWTH: f64 = 0.01;
pub const SIZE_GROWTH: f64 = 0.01;

pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct BenchReport {
    pub schema: u32,
    /// The machine the wall times were measured on.
    pub machine: String,
    pub workloads: Vec<String>,
    pub targets: Vec<TargetBench>,
    /// Wall time of the whole `xbench bench` run (builds included).
    pub total_wall_seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TargetBench {
    pub target: String,
    pub rust_target: String,
    pub results: Vec<WorkloadResult>,
    /// The `none` run of the guest (begin and end with nothing between), fast interpreter.
    pub empty: Option<VariantRun>,
    /// The `none` run with the classic interpreter.
    pub empty_classic: Option<VariantRun>,
    pub footprint: Option<Footprint>,
    /// Flash and RAM by component, from the linker map of the runtime firmware (fast).
    pub components: Vec<Component>,
    pub top_symbols: Vec<Symbol>,
    pub classic_footprint: Option<Footprint>,
    /// The fast firmware built without the graphics bindings (`--no-default-features`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_graphics_footprint: Option<Footprint>,
    /// Its flash and RAM by component.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without_graphics_components: Vec<Component>,
    pub overhead: Option<Overhead>,
    pub wall_seconds: f64,
    /// Why something of this target could not be measured.
    pub problems: Vec<String>,
    /// Where the profiled workload's instructions go with the fast interpreter, in its
    /// measured region (the hottest functions only; see [`crate::profile`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// The same workload's region with the classic interpreter, when its firmware was built:
    /// the two side by side say where the interpreters differ, handler by handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classic_profile: Option<Profile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct WorkloadResult {
    pub workload: String,
    pub native: Option<VariantRun>,
    pub fast: Option<VariantRun>,
    pub classic: Option<VariantRun>,
}

/// One run of one workload on one executable.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct VariantRun {
    /// The workload answered right (exit 0, its `ok` line).
    pub ok: bool,
    /// Instructions inside the measured region.
    pub measured: Option<u64>,
    /// Instructions from the start of the run to the region (runtime start-up and module load).
    pub startup: Option<u64>,
    /// Instructions of the whole run.
    pub total: Option<u64>,
    pub heap_peak: Option<u64>,
    pub stack_peak: Option<u64>,
    pub wall_ms: f64,
    /// What went wrong, when not ok.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    /// Code and read-only data, plus the load image of initialised data.
    pub flash: u64,
    /// Initialised and zeroed static data.
    pub ram: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub size: u64,
    pub component: String,
}

/// Wall times in milliseconds, medians over `runs`.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Overhead {
    pub runs: usize,
    /// QEMU started directly on a job with an empty module: boot, run nothing, exit.
    pub bare_boot_ms: f64,
    /// QEMU started directly on the hello job.
    pub bare_hello_ms: f64,
    /// The same hello through the harness (`run_module`: job packing, QEMU, reading back).
    pub harness_hello_ms: f64,
    /// Heap peak of the hello run (WAMR, the runtime and the guest's linear memory).
    #[serde(default)]
    pub hello_heap_peak: Option<u64>,
    /// The hello module's initial linear memory, in bytes.
    #[serde(default)]
    pub hello_linear_memory: Option<u64>,
}

impl Overhead {
    /// The harness's cost per test over running QEMU by hand on the same job, in percent.
    pub fn percent(&self) -> f64 {
        if self.bare_hello_ms > 0.0 {
            100.0 * (self.harness_hello_ms - self.bare_hello_ms) / self.bare_hello_ms
        } else {
            0.0
        }
    }
}

impl WorkloadResult {
    pub fn wasm_over_native(&self) -> Option<f64> {
        ratio(self.fast.as_ref(), self.native.as_ref())
    }

    pub fn classic_over_fast(&self) -> Option<f64> {
        ratio(self.classic.as_ref(), self.fast.as_ref())
    }

    pub fn classic_over_native(&self) -> Option<f64> {
        ratio(self.classic.as_ref(), self.native.as_ref())
    }
}

fn ratio(a: Option<&VariantRun>, b: Option<&VariantRun>) -> Option<f64> {
    let (a, b) = (a?, b?);
    if !a.ok || !b.ok {
        return None;
    }
    let (a, b) = (a.measured? as f64, b.measured? as f64);
    (b > 0.0).then_some(a / b)
}

pub fn geomean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut log_sum, mut n) = (0.0, 0usize);
    for v in values {
        if v > 0.0 {
            log_sum += v.ln();
            n += 1;
        }
    }
    (n > 0).then(|| (log_sum / n as f64).exp())
}

impl TargetBench {
    pub fn geomean_wasm_over_native(&self) -> Option<f64> {
        geomean(self.results.iter().filter_map(WorkloadResult::wasm_over_native))
    }

    pub fn geomean_classic_over_fast(&self) -> Option<f64> {
        geomean(self.results.iter().filter_map(WorkloadResult::classic_over_fast))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub workloads: Vec<String>,
    pub classic: bool,
    pub native: bool,
    /// Runs per median of the overhead measurement (0: not measured).
    pub overhead_runs: usize,
    pub jobs: usize,
    /// The workload to profile with the fast interpreter ([`PROFILE_WORKLOAD`] by default);
    /// profiled only when it is among `workloads`.
    pub profile: Option<String>,
}

/// The workload `make bench` profiles on every target: the CoreMark-like mix of integer work,
/// list and matrix operations and a state machine. Its traced region takes 2-5 s per target.
pub const PROFILE_WORKLOAD: &str = "coremark";
/// Functions a bench profile keeps.
pub const PROFILE_TOP: usize = 10;

/// The interpreter variants of the runtime firmware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Fast,
    Classic,
    Native,
    /// The fast firmware without the graphics bindings (LVGL): measured for its size only.
    WithoutGraphics,
}

impl Variant {
    pub fn name(self) -> &'static str {
        match self {
            Variant::Fast => "fast",
            Variant::Classic => "classic",
            Variant::Native => "native",
            Variant::WithoutGraphics => "without-graphics",
        }
    }
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Builds the guest (`conformance/bench`, wasm32-wasip1) and returns the module's bytes.
pub fn build_guest(root: &Path) -> anyhow::Result<Vec<u8>> {
    let target_dir = root.join("target").join("wasm");
    let status = Command::new(cargo())
        .current_dir(root)
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip1", "--bin", "bench", "--manifest-path"])
        .arg(root.join("conformance/bench/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", "-C link-arg=-zstack-size=32768")
        .status()
        .context("starting cargo to build conformance/bench")?;
    if !status.success() {
        bail!("building conformance/bench for wasm32-wasip1 failed (cargo said why, above)");
    }
    let module = target_dir.join("wasm32-wasip1/release/bench.wasm");
    std::fs::read(&module).with_context(|| format!("reading {}", module.display()))
}

/// Where a variant other than the fast firmware is built, and its binary's name.
fn variant_build(root: &Path, target: &Target, variant: Variant) -> (PathBuf, &'static str) {
    let firmware_dir = |suffix: &str| root.join("target/firmware").join(format!("{}-{suffix}", target.name));
    match variant {
        Variant::Classic => (firmware_dir("classic"), "xila-firmware"),
        Variant::WithoutGraphics => (firmware_dir("without-graphics"), "xila-firmware"),
        // The native benchmark firmware shares the fast firmware's target directory.
        Variant::Fast => (firmware::target_dir(root, target), "xila-firmware"),
        Variant::Native => (firmware::target_dir(root, target), "xila-bench"),
    }
}

/// The executable [`build_variant`] builds for `variant` (the fast firmware's own for `Fast`).
pub fn variant_executable(root: &Path, target: &Target, variant: Variant) -> PathBuf {
    if variant == Variant::Fast {
        return firmware::executable(root, target);
    }
    let (dir, bin) = variant_build(root, target, variant);
    dir.join(&target.rust_target).join(PROFILE).join(bin)
}

/// Builds one variant's executable for an MCU target and returns its path.
pub fn build_variant(root: &Path, target: &Target, variant: Variant) -> anyhow::Result<PathBuf> {
    if target.is_host() {
        bail!("the bench runs on MCU targets only");
    }
    if variant == Variant::Fast {
        return firmware::ensure_built(root, target);
    }
    let target_file = target.file.canonicalize().with_context(|| format!("target file {}", target.file.display()))?;
    let (dir, bin) = variant_build(root, target, variant);
    let mut command = Command::new(cargo());
    // The native workloads are compiled for the CPU the C code (WAMR) is compiled for, so that
    // both use the same FPU (Rust's `thumbv7em-none-eabihf` alone has no double-precision FPU,
    // which the Cortex-M7 has). `cargo rustc` gives the flag to the benchmark binary only.
    let subcommand = if variant == Variant::Native { "rustc" } else { "build" };
    command
        .current_dir(root)
        .args([subcommand, "--profile", PROFILE, "--quiet", "-p", "xila-firmware", "--bin", bin, "--target", &target.rust_target])
        .env("CARGO_TARGET_DIR", &dir)
        .env("XILA_TARGET_FILE", &target_file);
    match variant {
        Variant::Classic => {
            command.env("XILA_WAMR_INTERP", "classic");
        }
        Variant::WithoutGraphics => {
            command.arg("--no-default-features");
        }
        _ => {
            command.args(["--features", "bench"]);
            if let Some(cpu) = native_cpu(target) {
                command.args(["--", "-C", &format!("target-cpu={cpu}")]);
            }
        }
    }
    let status = command.status().context("starting cargo")?;
    if !status.success() {
        bail!("building the {} firmware for `{}` failed (cargo said why, above)", variant.name(), target.name);
    }
    let exe = variant_executable(root, target, variant);
    if !exe.is_file() {
        bail!("cargo built `{}` but {} is missing", target.name, exe.display());
    }
    Ok(exe)
}

/// The `-mcpu` of the target's C flags: the CPU the native workloads are compiled for.
pub fn native_cpu(target: &Target) -> Option<String> {
    target.c.as_ref()?.flags.iter().find_map(|f| f.strip_prefix("-mcpu=")).map(str::to_string)
}

/// Runs `workload` (`none` for the empty region) on one executable.
pub fn run_workload(target: &Target, exe: &Path, module: &[u8], workload: &str) -> VariantRun {
    let spec = Spec { args: vec![workload.to_string()], timeout_seconds: 120.0, ..Spec::default() };
    let settings = RunSettings { keep_job_dirs: true, ..RunSettings::default() };
    let started = Instant::now();
    let output = match run_module(target, exe, "bench.wasm", module.to_vec(), &spec, &settings) {
        Ok(output) => output,
        Err(e) => return VariantRun { error: format!("{e:#}"), ..VariantRun::default() },
    };
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let text = output.job_dir.as_ref().and_then(|dir| std::fs::read_to_string(dir.join(files::RESULT)).ok());
    if let Some(dir) = &output.job_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    let record = text.as_deref().and_then(|t| ResultRecord::parse(t).ok());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut run = VariantRun { wall_ms, ..VariantRun::default() };
    if let Some(record) = &record {
        run.measured = record.measured_instructions;
        run.startup = record.startup_instructions;
        run.total = record.instructions;
        run.heap_peak = record.heap_peak;
        run.stack_peak = record.stack_peak;
    }
    match &output.end {
        RunEnd::Finished(r) if r.status == Status::Exited && r.exit_code == 0 && stdout.starts_with(&format!("{workload} ok")) => {
            run.ok = true;
        }
        RunEnd::Finished(r) => {
            run.error = format!(
                "{} (exit code {}): {}{}",
                r.status,
                r.exit_code,
                r.message,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        RunEnd::TimedOut(after) => run.error = format!("timed out after {:.0} s", after.as_secs_f64()),
        RunEnd::Infrastructure(message) => run.error = message.clone(),
    }
    if run.ok && run.measured.is_none() {
        run.ok = false;
        run.error = "the run left no measured_instructions in its record".into();
    }
    run
}

/// Runs `tasks` on `jobs` threads, keeping their order.
fn parallel<T: Send, R: Send>(tasks: Vec<T>, jobs: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let count = tasks.len();
    let queue = Mutex::new(tasks.into_iter().enumerate().collect::<Vec<_>>());
    let results = Mutex::new((0..count).map(|_| None).collect::<Vec<Option<R>>>());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let Some((i, task)) = queue.lock().ok().and_then(|mut q| q.pop()) else { break };
                let result = f(task);
                if let Ok(mut results) = results.lock() {
                    results[i] = Some(result);
                }
            });
        }
    });
    results.into_inner().unwrap_or_default().into_iter().flatten().collect()
}

/// Measures one target: builds, runs, footprint, overhead. `progress` gets one line per step.
pub fn bench_target(
    root: &Path,
    target: &Target,
    module: &[u8],
    hello: &[u8],
    options: &BenchOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> TargetBench {
    let started = Instant::now();
    let mut bench = TargetBench { target: target.name.clone(), rust_target: target.rust_target.clone(), ..Default::default() };
    let mut exes: BTreeMap<&'static str, PathBuf> = BTreeMap::new();
    let mut variants = vec![Variant::Fast];
    if options.native {
        variants.push(Variant::Native);
    }
    if options.classic {
        variants.push(Variant::Classic);
    }
    for variant in variants {
        progress(&format!("{}: building the {} firmware", target.name, variant.name()));
        match build_variant(root, target, variant) {
            Ok(exe) => {
                exes.insert(variant.name(), exe);
            }
            Err(e) => bench.problems.push(format!("{e:#}")),
        }
    }
    if let Some(exe) = exes.get("fast") {
        bench.footprint = footprint::of_elf(exe).ok();
        let by_map = match map_file(exe).and_then(|map| analyse_map(&map)) {
            Ok((components, symbols)) => {
                bench.components = components;
                symbols
            }
            Err(e) => {
                bench.problems.push(format!("footprint by component: {e:#}"));
                BTreeMap::new()
            }
        };
        match top_symbols(exe, 10, &by_map) {
            Ok(symbols) => bench.top_symbols = symbols,
            Err(e) => bench.problems.push(format!("largest symbols: {e:#}")),
        }
    }
    if let Some(exe) = exes.get("classic") {
        bench.classic_footprint = footprint::of_elf(exe).ok();
    }
    // The VM with WASI alone, for devices without a display: built, sized, never run.
    progress(&format!("{}: building the firmware without graphics", target.name));
    match build_variant(root, target, Variant::WithoutGraphics) {
        Ok(exe) => {
            bench.without_graphics_footprint = footprint::of_elf(&exe).ok();
            match map_file(&exe).and_then(|map| analyse_map(&map)) {
                Ok((components, _)) => bench.without_graphics_components = components,
                Err(e) => bench.problems.push(format!("footprint without graphics by component: {e:#}")),
            }
        }
        Err(e) => bench.problems.push(format!("{e:#}")),
    }

    // Every (workload, variant) run, two at a time by default.
    let mut tasks = Vec::new();
    for workload in options.workloads.iter().map(String::as_str).chain(["none"]) {
        for (variant, exe) in &exes {
            if workload == "none" && *variant == "native" {
                continue;
            }
            tasks.push((workload.to_string(), *variant, exe.clone()));
        }
    }
    progress(&format!("{}: {} runs", target.name, tasks.len()));
    let runs = parallel(tasks, options.jobs, |(workload, variant, exe)| {
        let run = run_workload(target, &exe, module, &workload);
        let figure = run.measured.map(|m| m.to_string()).unwrap_or_else(|| "-".into());
        let status = if run.ok { "ok".to_string() } else { format!("FAILED: {}", run.error) };
        progress(&format!("{:<11} {:<10} {:<8} {:>12} instructions  {status}", target.name, workload, variant, figure));
        (workload, variant, run)
    });
    for workload in &options.workloads {
        bench.results.push(WorkloadResult { workload: workload.clone(), ..Default::default() });
    }
    for (workload, variant, run) in runs {
        if workload == "none" {
            match variant {
                "fast" => bench.empty = Some(run),
                _ => bench.empty_classic = Some(run),
            }
            continue;
        }
        if !run.ok {
            bench.problems.push(format!("{workload} ({variant}): {}", run.error));
        }
        if let Some(result) = bench.results.iter_mut().find(|r| r.workload == workload) {
            match variant {
                "fast" => result.fast = Some(run),
                "classic" => result.classic = Some(run),
                _ => result.native = Some(run),
            }
        }
    }
    if options.overhead_runs > 0 {
        if let Some(exe) = exes.get("fast") {
            progress(&format!("{}: timing {} bare boots and harness runs", target.name, options.overhead_runs));
            match overhead(target, exe, hello, options.overhead_runs) {
                Ok(o) => bench.overhead = Some(o),
                Err(e) => bench.problems.push(format!("overhead: {e:#}")),
            }
        }
    }
    bench.wall_seconds = started.elapsed().as_secs_f64();
    bench
}

/// Profiles the chosen workload on every target where its fast-interpreter run passed, after
/// the measurements (so that no traced run shares the machine with a timed one).
fn profile_targets(
    root: &Path,
    targets: &[Target],
    module: &[u8],
    options: &BenchOptions,
    report: &mut BenchReport,
    progress: &(dyn Fn(&str) + Sync),
) {
    let Some(workload) = options.profile.as_ref().filter(|w| options.workloads.contains(w)) else { return };
    let passed = |t: &TargetBench| t.results.iter().any(|r| &r.workload == workload && r.fast.as_ref().is_some_and(|f| f.ok));
    let tasks: Vec<(usize, &Target)> = report
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| passed(t))
        .filter_map(|(i, t)| Some((i, targets.iter().find(|target| target.name == t.target)?)))
        .collect();
    progress(&format!("profiling {workload} (fast interpreter) on {} targets", tasks.len()));
    // One at a time: a traced run keeps a core busy with QEMU and part of another with the
    // pipe and the reader; two at once on two cores took twice as long as one after the other.
    let profiles = parallel(tasks, 1, |(i, target)| {
        let exe = firmware::executable(root, target);
        let profiles = profile_workload(target, &exe, module, workload);
        // The classic interpreter's region too, when its firmware was built for this bench.
        let classic_exe = variant_executable(root, target, Variant::Classic);
        let classic = (options.classic && classic_exe.is_file()).then(|| profile_workload(target, &classic_exe, module, workload));
        match &profiles {
            Ok(region) => progress(&format!(
                "{:<11} {:<10} profile  {}",
                target.name,
                workload,
                region.functions.first().map_or("no instructions".to_string(), |f| format!(
                    "hottest: {} {:.1} % of the region; {}",
                    f.name,
                    region.percent(f.instructions),
                    profile::coverage_line(region)
                ))
            )),
            Err(e) => progress(&format!("{:<11} {:<10} profile  FAILED: {e}", target.name, workload)),
        }
        if let Some(Err(e)) = &classic {
            progress(&format!("{:<11} {:<10} profile  classic FAILED: {e}", target.name, workload));
        }
        (i, (profiles, classic))
    });
    for (i, (profiles, classic)) in profiles {
        let Some(bench) = report.targets.get_mut(i) else { continue };
        match profiles {
            Ok(region) => bench.profile = Some(region),
            Err(e) => bench.problems.push(format!("profile of {workload}: {e}")),
        }
        match classic {
            Some(Ok(region)) => bench.classic_profile = Some(region),
            Some(Err(e)) => bench.problems.push(format!("classic profile of {workload}: {e}")),
            None => {}
        }
    }
}

/// Profiles `workload`'s measured region (fast interpreter): its [`PROFILE_TOP`] hottest
/// functions.
pub fn profile_workload(target: &Target, exe: &Path, module: &[u8], workload: &str) -> Result<Profile, String> {
    // A traced region runs about 50 times slower than a plain one: seconds, not a tenth.
    let spec = Spec { args: vec![workload.to_string()], timeout_seconds: 300.0, ..Spec::default() };
    let profiled = profile::profile_module(target, exe, "bench.wasm", module.to_vec(), &spec, &RunSettings::default(), Scope::Region)
        .map_err(|e| format!("{e:#}"))?;
    let answered = String::from_utf8_lossy(&profiled.output.stdout).starts_with(&format!("{workload} ok"));
    match &profiled.output.end {
        RunEnd::Finished(r) if r.status == Status::Exited && r.exit_code == 0 && answered => {}
        RunEnd::Finished(r) => return Err(format!("the traced run ended with {} (exit code {}): {}", r.status, r.exit_code, r.message)),
        RunEnd::TimedOut(after) => return Err(format!("the traced run timed out after {:.0} s", after.as_secs_f64())),
        RunEnd::Infrastructure(message) => return Err(message.clone()),
    }
    Ok(profiled.profile.truncated(PROFILE_TOP))
}

/// A module that does nothing: `_start` returns at once.
pub fn empty_module() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#).unwrap_or_default()
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn write_job(dir: &Path, module: &[u8], name: &str) -> anyhow::Result<()> {
    let job = JobSpec {
        seed: crate::execute::DEFAULT_SEED,
        start_time_ns: crate::execute::DEFAULT_START_TIME_NS,
        heap_budget: 0,
        stack_size: DEFAULT_STACK_SIZE,
        flags: 0,
        args: vec![name.as_bytes().to_vec()],
        env: Vec::new(),
        stdin: Vec::new(),
        module: module.to_vec(),
        image: Vec::new(),
        preopens: Vec::new(),
    };
    std::fs::write(dir.join(files::JOB), Job::encode(&job)).context("writing a job file")
}

/// Times QEMU by hand on an empty module and on hello, and hello through the harness.
pub fn overhead(target: &Target, exe: &Path, hello: &[u8], runs: usize) -> anyhow::Result<Overhead> {
    let time_bare = |module: &[u8]| -> anyhow::Result<Vec<f64>> {
        let dir = tempfile::Builder::new().prefix("xbench-bare-").tempdir()?;
        write_job(dir.path(), module, "bare.wasm")?;
        let invocation = launch::invocation(target, exe, dir.path())?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let status = Command::new(&invocation.program)
                .args(&invocation.args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .with_context(|| format!("starting {}", invocation.program.display()))?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            if status.code().is_none() {
                bail!("{} was killed: {status}", invocation.to_shell());
            }
        }
        Ok(times)
    };
    let bare_boot = time_bare(&empty_module())?;
    let bare_hello = time_bare(hello)?;
    let mut harness_hello = Vec::new();
    let spec = Spec::default();
    let settings = RunSettings::default();
    let mut hello_heap_peak = None;
    for _ in 0..runs {
        let started = Instant::now();
        let output = run_module(target, exe, "hello.wasm", hello.to_vec(), &spec, &settings)?;
        harness_hello.push(started.elapsed().as_secs_f64() * 1000.0);
        match output.end {
            RunEnd::Finished(record) => hello_heap_peak = record.heap_peak,
            end => bail!("hello did not finish on {}: {end:?}", target.name),
        }
    }
    Ok(Overhead {
        runs,
        bare_boot_ms: median(bare_boot),
        bare_hello_ms: median(bare_hello),
        harness_hello_ms: median(harness_hello),
        hello_heap_peak,
        hello_linear_memory: initial_memory(hello),
    })
}

/// The initial size of a module's first linear memory, in bytes.
fn initial_memory(module: &[u8]) -> Option<u64> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(wasmparser::Payload::MemorySection(reader)) = payload {
            let memory = reader.into_iter().next()?.ok()?;
            return Some(memory.initial * 65536);
        }
    }
    None
}

// ---- Footprint by component ---------------------------------------------------------------

/// The linker map the firmware's build script asks for, beside the newest build of `exe`.
pub fn map_file(exe: &Path) -> anyhow::Result<PathBuf> {
    let build = exe.parent().context("executable without a directory")?.join("build");
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&build).with_context(|| format!("listing {}", build.display()))? {
        let path = entry?.path().join("out").join("xila-firmware.map");
        if let Ok(meta) = std::fs::metadata(&path) {
            found.push((meta.modified()?, path));
        }
    }
    found.sort();
    found.pop().map(|(_, p)| p).with_context(|| format!("no xila-firmware.map under {} (built before the map was asked for?)", build.display()))
}

/// The component an input section belongs to, from its file (archive member) and its name.
pub fn component_of(file: &str, section: &str) -> &'static str {
    let member = file.rsplit('(').next().unwrap_or(file);
    let lower = file.to_ascii_lowercase();
    if lower.contains("/libc.a(") {
        return "libc (picolibc)";
    }
    if lower.contains("/libgcc.a(") {
        return "libgcc";
    }
    if lower.contains("compiler_builtins") {
        return "compiler builtins";
    }
    if lower.contains("lvgl") {
        return "LVGL";
    }
    if lower.contains("wamr") || lower.contains(".a(") && !lower.contains(".rlib(") {
        // Our own C beside WAMR: the platform shims, the WASI address guard, the stack probe.
        const OURS: [&str; 3] = ["xila_shims", "address_guard", "operand_stack"];
        if OURS.iter().any(|o| member.contains(o)) {
            return "runtime ABI + fs";
        }
        const WASI: [&str; 5] = ["libc_wasi_wrapper", "posix", "blocking_op", "str.o", "ssp_"];
        if WASI.iter().any(|w| member.contains(w)) {
            return "libc-wasi";
        }
        return "WAMR core";
    }
    if file == "<internal>" {
        // Constants the linker merged; WAMR's strings keep their function's name.
        return if section.contains("wasm_") || section.contains("wasi") { "WAMR core" } else { "merged constants" };
    }
    // The Rust code, merged by LTO into one object: by the (mangled) symbol in the section name.
    let symbol = section.trim_start_matches('.');
    let symbol = symbol.split_once('.').map_or("", |(_, rest)| rest);
    let symbol = symbol.strip_prefix("unlikely.").unwrap_or(symbol);
    rust_component(symbol)
}

/// The crates a Rust symbol can belong to, and their component.
const CRATES: &[(&str, &str)] = &[
    ("xila_runtime", "runtime ABI + fs"),
    ("bench_protocol", "runtime ABI + fs"),
    ("xila_lvgl_sys", "LVGL"),
    ("xila_firmware", "firmware (board, I/O, heap)"),
    ("xila_bench", "firmware (board, I/O, heap)"),
    ("semihosting", "firmware (board, I/O, heap)"),
    ("linked_list_allocator", "firmware (board, I/O, heap)"),
    ("rlsf", "firmware (board, I/O, heap)"),
    // rustc's shims: the global allocator's entry points (the firmware's heap) and panic glue.
    ("__rustc", "firmware (board, I/O, heap)"),
    ("compiler_builtins", "compiler builtins"),
    ("core", "Rust core/alloc"),
    ("alloc", "Rust core/alloc"),
];

fn rust_component(symbol: &str) -> &'static str {
    let path = demangle(symbol);
    // The crate named first (`<xila_firmware::Line as core::fmt::Write>` is the firmware's).
    let first = CRATES
        .iter()
        .filter_map(|(name, component)| {
            let at = path.match_indices(&format!("{name}::")).map(|(at, _)| at).find(|&at| {
                at == 0 || !path.as_bytes()[at - 1].is_ascii_alphanumeric() && path.as_bytes()[at - 1] != b'_'
            })?;
            Some((at, *component))
        })
        .min_by_key(|(at, _)| *at);
    if let Some((_, component)) = first {
        return component;
    }
    match symbol {
        _ if symbol.starts_with("os_") || symbol.starts_with("xila_") || symbol.starts_with("random_") => "runtime ABI + fs",
        _ if symbol.starts_with("firmware_main") || symbol.starts_with("_start") || symbol.contains("vector") => {
            "firmware (board, I/O, heap)"
        }
        _ if symbol.starts_with("mem") || symbol.starts_with("__") => "compiler builtins",
        _ if symbol.starts_with(".L") || symbol.starts_with("..L") || symbol.is_empty() => "Rust constants (LTO-merged)",
        _ => "other",
    }
}

/// Rust symbols as paths: legacy mangling (`_ZN4core3fmt5write17h0123456789abcdefE`) as
/// `core::fmt::write`, v0 (`_RNv...Cs<hash>_5alloc7raw_vec...`) roughly, by its identifiers.
/// Anything else is returned as it is.
pub fn demangle(symbol: &str) -> String {
    if let Some(v0) = symbol.strip_prefix("_R") {
        return demangle_v0(v0);
    }
    let Some(mut rest) = symbol.strip_prefix("_ZN") else { return symbol.to_string() };
    let mut parts: Vec<String> = Vec::new();
    while !rest.starts_with('E') && !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let Ok(len) = rest[..digits].parse::<usize>() else { break };
        let Some(part) = rest.get(digits..digits + len) else { break };
        parts.push(part.to_string());
        rest = &rest[digits + len..];
    }
    if parts.last().is_some_and(|p| p.len() == 17 && p.starts_with('h') && p[1..].chars().all(|c| c.is_ascii_hexdigit())) {
        parts.pop();
    }
    parts
        .iter()
        .map(|p| {
            p.replace("$LT$", "<")
                .replace("$GT$", ">")
                .replace("$u20$", " ")
                .replace("$RF$", "&")
                .replace("$C$", ",")
                .replace("..", "::")
                .trim_start_matches('_')
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("::")
}

fn demangle_v0(mut rest: &str) -> String {
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let bytes = rest.as_bytes();
        // A crate root's disambiguator, `Cs<base62>_`: not an identifier.
        if bytes[0] == b'C' && bytes.get(1) == Some(&b's') {
            match rest.find('_') {
                Some(end) => {
                    rest = &rest[end + 1..];
                    continue;
                }
                None => break,
            }
        }
        if bytes[0].is_ascii_digit() {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            let len: usize = rest[..digits].parse().unwrap_or(0);
            let mut start = digits;
            if rest.as_bytes().get(start) == Some(&b'_') {
                start += 1;
            }
            match rest.get(start..start + len) {
                Some(ident) if len > 0 => {
                    parts.push(ident.to_string());
                    rest = &rest[start + len..];
                }
                _ => rest = &rest[digits..],
            }
            continue;
        }
        rest = &rest[1..];
    }
    parts.join("::")
}

/// Sums the map's input sections by component: flash for everything loaded, RAM for data.
pub fn components_of_map(map: &Path) -> anyhow::Result<Vec<Component>> {
    analyse_map(map).map(|(components, _)| components)
}

/// The components, and the component of each symbol the map lists under an input section.
pub fn analyse_map(map: &Path) -> anyhow::Result<(Vec<Component>, BTreeMap<String, &'static str>)> {
    let text = std::fs::read_to_string(map).with_context(|| format!("reading {}", map.display()))?;
    let mut sums: BTreeMap<&'static str, Component> = BTreeMap::new();
    let mut symbols: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut current: Option<&'static str> = None;
    let mut output = String::new();
    for line in text.lines() {
        // Tokens with their start: VMA, LMA, Size, Align, then Out / In / Symbol.
        let mut tokens = Vec::new();
        let mut start = None;
        for (i, c) in line.char_indices().chain([(line.len(), ' ')]) {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    tokens.push((s, &line[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        let [_, _, (_, size), (align_at, align), (rest_at, rest), ..] = tokens[..] else { continue };
        let Ok(size) = u64::from_str_radix(size, 16) else { continue };
        // Output sections sit one space after the Align column; input sections and symbols
        // are indented further.
        if rest_at - (align_at + align.len()) == 1 {
            output = rest.to_string();
            current = None;
            continue;
        }
        if !rest.contains(":(") {
            // A symbol of the input section above.
            if let Some(component) = current {
                if !rest.starts_with('$') && !rest.starts_with(".L") {
                    symbols.insert(rest.to_string(), component);
                }
            }
            continue;
        }
        current = None;
        let (flash, ram) = match output.as_str() {
            ".text" | ".rodata" => (true, false),
            ".data" | ".tdata" => (true, true),
            ".bss" | ".tbss" => (false, true),
            _ => continue,
        };
        let (file, section) = match rest.rfind(":(") {
            Some(at) => (&rest[..at], rest[at + 2..].trim_end_matches(')')),
            None => continue,
        };
        let component = component_of(file, section);
        current = Some(component);
        let entry = sums.entry(component).or_insert_with(|| Component { name: component.into(), ..Default::default() });
        if flash {
            entry.flash += size;
        }
        if ram {
            entry.ram += size;
        }
    }
    let mut components: Vec<Component> = sums.into_values().collect();
    components.sort_by(|a, b| b.flash.cmp(&a.flash).then(a.name.cmp(&b.name)));
    Ok((components, symbols))
}

/// The `count` largest code and data symbols of an ELF file, with the component the linker map
/// puts each in (by name where the map has no entry).
pub fn top_symbols(exe: &Path, count: usize, by_map: &BTreeMap<String, &'static str>) -> anyhow::Result<Vec<Symbol>> {
    use object::{Object, ObjectSymbol, SymbolKind};
    let bytes = std::fs::read(exe).with_context(|| format!("reading {}", exe.display()))?;
    let file = object::File::parse(&*bytes).with_context(|| format!("parsing {}", exe.display()))?;
    let mut symbols: Vec<Symbol> = file
        .symbols()
        .filter(|s| matches!(s.kind(), SymbolKind::Text | SymbolKind::Data) && s.size() > 0)
        .filter_map(|s| {
            let raw = s.name().ok()?;
            let name = demangle(raw);
            let component = by_map.get(raw).copied().unwrap_or_else(|| rust_component_or_c(raw));
            Some(Symbol { name, size: s.size(), component: component.into() })
        })
        .collect();
    symbols.sort_by(|a, b| b.size.cmp(&a.size).then(a.name.cmp(&b.name)));
    symbols.dedup_by(|a, b| a.name == b.name && a.size == b.size);
    symbols.truncate(count);
    Ok(symbols)
}

/// A symbol's component without its file: Rust paths by crate, C names by their prefix.
pub fn rust_component_or_c(raw: &str) -> &'static str {
    if raw.starts_with("_ZN") {
        return rust_component(raw);
    }
    const WAMR: [&str; 8] = ["wasm_", "aot_", "bh_", "gc_", "ems_", "mem_allocator", "hmu_", "invokeNative"];
    if raw.starts_with("lv_") || raw.starts_with("_lv_") {
        "LVGL"
    } else if raw.starts_with("wasmtime_ssp_") || raw.starts_with("wasi_") || raw.contains("wasi") {
        "libc-wasi"
    } else if WAMR.iter().any(|p| raw.starts_with(p)) {
        "WAMR core"
    } else {
        rust_component(raw)
    }
}

// ---- HTML ---------------------------------------------------------------------------------

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Horizontal bars: (label, value, text shown after the bar).
fn bar_chart(title: &str, rows: &[(String, f64, String)], color: &str) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let (label_w, bar_w, row_h) = (130.0, 420.0, 20.0);
    let height = rows.len() as f64 * row_h + 30.0;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg width=\"{}\" height=\"{height}\" role=\"img\">",
        escape(title),
        label_w + bar_w + 90.0
    );
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * row_h;
        let w = (value / max * bar_w).max(1.0);
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 13.0,
            escape(label),
            y + 2.0,
            row_h - 5.0,
            label_w + w + 5.0,
            y + 13.0,
            escape(text)
        ));
    }
    svg.push_str("</svg></figure>");
    svg
}

/// A stacked bar of a firmware's flash by component.
fn stacked_bar(components: &[Component]) -> String {
    const COLORS: [&str; 10] =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
    let total: u64 = components.iter().map(|c| c.flash).sum::<u64>().max(1);
    let width = 640.0;
    let mut svg = format!("<svg width=\"{width}\" height=\"28\" role=\"img\">");
    let mut legend = String::from("<div class=\"legend\">");
    let mut x = 0.0;
    for (i, c) in components.iter().filter(|c| c.flash > 0).enumerate() {
        let w = c.flash as f64 / total as f64 * width;
        let color = COLORS[i % COLORS.len()];
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"2\" width=\"{w:.1}\" height=\"24\" fill=\"{color}\"><title>{}: {} KiB</title></rect>",
            escape(&c.name),
            kib(c.flash)
        ));
        legend.push_str(&format!(
            "<span><i style=\"background:{color}\"></i>{} {} KiB</span>",
            escape(&c.name),
            kib(c.flash)
        ));
        x += w;
    }
    svg.push_str("</svg>");
    legend.push_str("</div>");
    svg + &legend
}

/// `bench.html`: one self-contained page with the tables of `bench.md`, a chart per target of
/// the fast interpreter's instructions over native per workload, and the flash by component.
pub fn render_html(report: &BenchReport) -> String {
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>xbench bench</title><style>\
         body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
         td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}\
         svg text{font:12px system-ui,sans-serif}figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:4px}\
         .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}\
         .charts{display:flex;flex-wrap:wrap;gap:2em}</style></head><body>",
    );
    html.push_str("<h1>xbench bench</h1>");
    html.push_str(&format!("<p>Measured on {}. Full run {:.0} s.</p>", escape(&report.machine), report.total_wall_seconds));
    html.push_str("<h2>Interpreter over native (guest instructions, geometric mean)</h2><table><tr><th>target</th><th>fast/native</th><th>classic/fast</th><th>flash KiB (text+data)</th><th>harness overhead</th></tr>");
    for t in &report.targets {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.target),
            times(t.geomean_wasm_over_native()),
            times(t.geomean_classic_over_fast()),
            t.footprint.map(|f| kib(f.text + f.data)).unwrap_or_else(|| "-".into()),
            t.overhead.as_ref().map(|o| format!("{:+.1} %", o.percent())).unwrap_or_else(|| "-".into()),
        ));
    }
    html.push_str("</table>");
    html.push_str("<h2>Fast interpreter over native, per workload</h2><div class=\"charts\">");
    for t in &report.targets {
        let rows: Vec<(String, f64, String)> = t
            .results
            .iter()
            .filter_map(|r| r.wasm_over_native().map(|v| (r.workload.clone(), v, format!("{v:.1}x"))))
            .collect();
        html.push_str(&bar_chart(&t.target, &rows, "#4e79a7"));
    }
    html.push_str("</div><h2>Flash by component (runtime firmware, fast interpreter)</h2>");
    for t in &report.targets {
        if !t.components.is_empty() {
            html.push_str(&format!("<h3>{}</h3>", escape(&t.target)));
            html.push_str(&stacked_bar(&t.components));
        }
    }
    if report.targets.iter().any(|t| t.profile.is_some()) {
        html.push_str("<h2>Hottest functions (fast interpreter, measured region, share of guest instructions)</h2><div class=\"charts\">");
        for t in &report.targets {
            let Some(p) = &t.profile else { continue };
            let rows: Vec<(String, f64, String)> = p
                .functions
                .iter()
                .map(|f| {
                    let share = p.percent(f.instructions);
                    let label: String = f.name.chars().take(18).collect();
                    (label, share, format!("{share:.1} %"))
                })
                .collect();
            html.push_str(&bar_chart(&format!("{} {}", t.target, p.workload), &rows, "#e15759"));
        }
        html.push_str("</div>");
    }
    html.push_str("<h2>Tables</h2>");
    // The Markdown's tables, as HTML.
    for block in render_markdown(report).split("\n\n") {
        let lines: Vec<&str> = block.lines().collect();
        if lines.first().is_some_and(|l| l.starts_with('|')) {
            html.push_str("<table>");
            for (i, line) in lines.iter().enumerate() {
                if i == 1 {
                    continue;
                }
                let cell = if i == 0 { "th" } else { "td" };
                html.push_str("<tr>");
                for c in line.trim_matches('|').split(" | ") {
                    html.push_str(&format!("<{cell}>{}</{cell}>", escape(c.trim().trim_matches('*').trim_matches('`'))));
                }
                html.push_str("</tr>");
            }
            html.push_str("</table>");
        } else if let Some(title) = block.strip_prefix("## ") {
            html.push_str(&format!("<h3>{}</h3>", escape(title)));
        } else if !block.starts_with("# ") {
            html.push_str(&format!("<p>{}</p>", escape(block)));
        }
    }
    html.push_str("</body></html>\n");
    html
}

// ---- The whole run, its files and the gate ------------------------------------------------

pub fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| text.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let qemu = Command::new("qemu-system-riscv32")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().next().map(str::to_string))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores; {qemu}")
}

impl BenchReport {
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(dir.join("bench.json"), serde_json::to_string_pretty(self)?)?;
        std::fs::write(dir.join("bench.md"), render_markdown(self))?;
        std::fs::write(dir.join("bench.html"), render_html(self))?;
        Ok(())
    }

    pub fn load(file: &Path) -> anyhow::Result<BenchReport> {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let report: BenchReport = serde_json::from_str(&text).with_context(|| format!("{}: not a bench report", file.display()))?;
        if report.schema != SCHEMA {
            bail!("{}: bench report schema {} (this xbench reads {SCHEMA})", file.display(), report.schema);
        }
        Ok(report)
    }

    pub fn target(&self, name: &str) -> Option<&TargetBench> {
        self.targets.iter().find(|t| t.target == name)
    }
}

fn count(value: Option<u64>) -> String {
    match value {
        Some(v) if v >= 10_000_000 => format!("{:.1} M", v as f64 / 1e6),
        Some(v) if v >= 10_000 => format!("{:.0} k", v as f64 / 1e3),
        Some(v) => v.to_string(),
        None => "-".into(),
    }
}

fn times(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.1}x")).unwrap_or_else(|| "-".into())
}

fn kib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

/// The Markdown tables of a bench report.
pub fn render_markdown(report: &BenchReport) -> String {
    let mut md = String::new();
    md.push_str("# xbench bench\n\n");
    md.push_str(&format!("Measured on {}. Full run: {:.0} s (builds included).\n\n", report.machine, report.total_wall_seconds));
    md.push_str("Guest instructions inside the measured region (QEMU `-icount shift=0`; riscv: `minstret`, Cortex-M: SysTick virtual time).\n\n");
    md.push_str("## Interpreter over native, per workload\n\n| workload |");
    for t in &report.targets {
        md.push_str(&format!(" {} |", t.target));
    }
    md.push_str("\n| --- |");
    for _ in &report.targets {
        md.push_str(" ---: |");
    }
    md.push('\n');
    for workload in &report.workloads {
        md.push_str(&format!("| {workload} |"));
        for t in &report.targets {
            let r = t.results.iter().find(|r| &r.workload == workload);
            md.push_str(&format!(" {} |", times(r.and_then(WorkloadResult::wasm_over_native))));
        }
        md.push('\n');
    }
    md.push_str("| **geometric mean (fast/native)** |");
    for t in &report.targets {
        md.push_str(&format!(" **{}** |", times(t.geomean_wasm_over_native())));
    }
    md.push_str("\n| **geometric mean (classic/fast)** |");
    for t in &report.targets {
        md.push_str(&format!(" **{}** |", times(t.geomean_classic_over_fast())));
    }
    md.push_str("\n\n");

    for t in &report.targets {
        md.push_str(&format!("## {} ({})\n\n", t.target, t.rust_target));
        md.push_str("| workload | native | fast | classic | fast/native | classic/native | classic/fast | heap peak (fast) |\n");
        md.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for r in &t.results {
            let m = |v: &Option<VariantRun>| match v {
                Some(run) if run.ok => count(run.measured),
                Some(_) => "FAILED".into(),
                None => "-".into(),
            };
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.workload,
                m(&r.native),
                m(&r.fast),
                m(&r.classic),
                times(r.wasm_over_native()),
                times(r.classic_over_native()),
                times(r.classic_over_fast()),
                r.fast.as_ref().and_then(|f| f.heap_peak).map(|h| format!("{} KiB", kib(h))).unwrap_or_else(|| "-".into()),
            ));
        }
        md.push('\n');
        if let Some(empty) = &t.empty {
            md.push_str(&format!(
                "Start-up (runtime init, load and instantiation of the {} bench module, to the first mark): {} instructions (fast), {} (classic); whole empty run {}; heap peak of the empty run {} KiB.\n\n",
                "80 KB",
                count(empty.startup),
                count(t.empty_classic.as_ref().and_then(|e| e.startup)),
                count(empty.total),
                empty.heap_peak.map(kib).unwrap_or_else(|| "-".into()),
            ));
        }
        if let Some(f) = &t.footprint {
            md.push_str(&format!(
                "Firmware (fast): text {} KiB, data {} KiB, bss {} KiB",
                kib(f.text),
                kib(f.data),
                kib(f.bss)
            ));
            if let Some(c) = &t.classic_footprint {
                md.push_str(&format!("; classic: text {} KiB", kib(c.text)));
            }
            if let Some(w) = &t.without_graphics_footprint {
                md.push_str(&format!(
                    "; without graphics: text {} KiB, data {} KiB (text + data {} KiB)",
                    kib(w.text),
                    kib(w.data),
                    kib(w.text + w.data)
                ));
            }
            md.push_str(".\n\n");
        }
        if !t.components.is_empty() {
            let without: BTreeMap<&str, &Component> =
                t.without_graphics_components.iter().map(|c| (c.name.as_str(), c)).collect();
            md.push_str("| component | flash KiB | RAM KiB | flash KiB without graphics |\n| --- | ---: | ---: | ---: |\n");
            for c in &t.components {
                let alone = without.get(c.name.as_str()).map(|w| kib(w.flash)).unwrap_or_else(|| "-".into());
                md.push_str(&format!("| {} | {} | {} | {alone} |\n", c.name, kib(c.flash), kib(c.ram)));
            }
            md.push('\n');
        }
        if !t.top_symbols.is_empty() {
            md.push_str("| largest symbols | bytes | component |\n| --- | ---: | --- |\n");
            for s in &t.top_symbols {
                let name: String = s.name.chars().take(70).collect();
                md.push_str(&format!("| `{}` | {} | {} |\n", name.replace('|', "\\|"), s.size, s.component));
            }
            md.push('\n');
        }
        if let Some(p) = &t.profile {
            md.push_str(&format!(
                "Hottest functions, `{}` with the fast interpreter, measured region ({}):\n\n",
                p.workload,
                profile::coverage_line(p)
            ));
            md.push_str(&profile::render_markdown(p, PROFILE_TOP));
            md.push('\n');
            let parts: Vec<String> = p.components.iter().map(|c| format!("{} {:.1} %", c.name, p.percent(c.instructions))).collect();
            md.push_str(&format!("By component: {}.\n\n", parts.join(", ")));
        }
        if let Some(p) = &t.classic_profile {
            md.push_str(&format!(
                "The same region with the classic interpreter ({}):\n\n",
                profile::coverage_line(p)
            ));
            md.push_str(&profile::render_markdown(p, PROFILE_TOP));
            md.push('\n');
        }
        if let Some(o) = &t.overhead {
            md.push_str(&format!(
                "Wall time, median of {}: bare QEMU boot-and-exit {:.1} ms, bare QEMU hello {:.1} ms, harness-run hello {:.1} ms (harness overhead {:+.1} %).\n\n",
                o.runs, o.bare_boot_ms, o.bare_hello_ms, o.harness_hello_ms, o.percent()
            ));
            if let (Some(peak), Some(linear)) = (o.hello_heap_peak, o.hello_linear_memory) {
                md.push_str(&format!(
                    "hello: heap peak {} KiB, of which linear memory {} KiB: {} KiB of runtime heap beyond it.\n\n",
                    kib(peak),
                    kib(linear),
                    kib(peak.saturating_sub(linear))
                ));
            }
        }
        for p in &t.problems {
            md.push_str(&format!("- problem: {p}\n"));
        }
        if !t.problems.is_empty() {
            md.push('\n');
        }
    }
    md
}

/// Regressions of `current` against `baseline`: instruction counts grown more than 1 %, a
/// workload that passed and now fails, firmware text+data grown more than 1 %, and anything the
/// baseline measured that `current` did not (a target, a workload, a variant, a firmware size)
/// or measured as zero instructions. Notes list what only `current` has.
pub fn compare(baseline: &BenchReport, current: &BenchReport) -> (Vec<String>, Vec<String>) {
    let (mut regressions, mut notes) = (Vec::new(), Vec::new());
    for base in &baseline.targets {
        let Some(cur) = current.target(&base.target) else {
            regressions.push(format!("{}: in the baseline, not measured now", base.target));
            continue;
        };
        for b in &base.results {
            let Some(c) = cur.results.iter().find(|r| r.workload == b.workload) else {
                regressions.push(format!("{} {}: in the baseline, not measured now", base.target, b.workload));
                continue;
            };
            for (variant, bv, cv) in [("native", &b.native, &c.native), ("fast", &b.fast, &c.fast), ("classic", &b.classic, &c.classic)] {
                let Some(bv) = bv else { continue };
                let Some(cv) = cv else {
                    regressions.push(format!("{} {} {variant}: in the baseline, not measured now", base.target, b.workload));
                    continue;
                };
                if cv.ok && cv.measured.unwrap_or(0) == 0 {
                    regressions.push(format!("{} {} {variant}: no instructions measured", base.target, b.workload));
                    continue;
                }
                if bv.ok && !cv.ok {
                    regressions.push(format!("{} {} {variant}: passed in the baseline, now fails: {}", base.target, b.workload, cv.error));
                    continue;
                }
                if let (Some(old), Some(new)) = (bv.measured, cv.measured) {
                    if old > 0 && new as f64 > old as f64 * (1.0 + INSTRUCTION_GROWTH) {
                        regressions.push(format!(
                            "{} {} {variant}: {new} instructions, {:+.2} % over the baseline's {old} (limit {:.0} %)",
                            base.target,
                            b.workload,
                            100.0 * (new as f64 / old as f64 - 1.0),
                            100.0 * INSTRUCTION_GROWTH
                        ));
                    }
                }
            }
        }
        for (what, old, new) in [
            ("firmware (fast)", &base.footprint, &cur.footprint),
            ("firmware (classic)", &base.classic_footprint, &cur.classic_footprint),
            ("firmware (without graphics)", &base.without_graphics_footprint, &cur.without_graphics_footprint),
        ] {
            if old.is_some() && new.is_none() {
                regressions.push(format!("{} {what}: in the baseline, not measured now", base.target));
            }
            if let (Some(old), Some(new)) = (old, new) {
                let (o, n) = (old.text + old.data, new.text + new.data);
                if o > 0 && n as f64 > o as f64 * (1.0 + SIZE_GROWTH) {
                    regressions.push(format!(
                        "{} {what}: text+data {n} bytes, {:+.2} % over the baseline's {o} (limit {:.0} %)",
                        base.target,
                        100.0 * (n as f64 / o as f64 - 1.0),
                        100.0 * SIZE_GROWTH
                    ));
                }
            }
        }
    }
    for cur in &current.targets {
        if baseline.target(&cur.target).is_none() {
            notes.push(format!("{}: measured now, not in the baseline", cur.target));
        }
    }
    (regressions, notes)
}

/// Everything the `bench` subcommand does, for the targets given (MCU targets only).
pub fn run_bench(root: &Path, targets: &[Target], options: &BenchOptions, progress: &(dyn Fn(&str) + Sync)) -> anyhow::Result<BenchReport> {
    let started = Instant::now();
    progress("building conformance/bench for wasm32-wasip1");
    let module = build_guest(root)?;
    let hello_path = root.join("build/suites/basic/hello.wasm");
    let hello = std::fs::read(&hello_path).unwrap_or_else(|_| empty_module());
    let mut report = BenchReport {
        schema: SCHEMA,
        machine: machine_description(),
        workloads: options.workloads.clone(),
        ..Default::default()
    };
    for target in targets {
        report.targets.push(bench_target(root, target, &module, &hello, options, progress));
    }
    profile_targets(root, targets, &module, options, &mut report, progress);
    report.total_wall_seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Not a wall-clock figure: the guest instruction counts of one report, for the repeatability
/// check (`harness/tests/bench.rs`).
pub fn instruction_counts(report: &BenchReport) -> Vec<(String, String, String, Option<u64>)> {
    let mut out = Vec::new();
    for t in &report.targets {
        for r in &t.results {
            for (variant, run) in [("native", &r.native), ("fast", &r.fast), ("classic", &r.classic)] {
                if let Some(run) = run {
                    out.push((t.target.clone(), r.workload.clone(), variant.to_string(), run.measured));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_rust_symbols_are_demangled() {
        assert_eq!(demangle("_ZN4core3fmt5write17h0123456789abcdefE"), "core::fmt::write");
        assert_eq!(demangle("wasm_interp_call_func_bytecode"), "wasm_interp_call_func_bytecode");
        assert_eq!(rust_component("_ZN12xila_runtime6engine3run17h0123456789abcdefE"), "runtime ABI + fs");
        assert_eq!(demangle("_RNvNtCs49FdYmsWJ4B_5alloc7raw_vec17capacity_overflow"), "alloc::raw_vec::capacity_overflow");
        assert_eq!(rust_component("_RNvNtCs49FdYmsWJ4B_5alloc7raw_vec17capacity_overflow"), "Rust core/alloc");
        assert_eq!(
            rust_component("_ZN64_$LT$xila_firmware..finish..Line$u20$as$u20$core..fmt..Write$GT$9write_str17h0123456789abcdefE"),
            "firmware (board, I/O, heap)"
        );
    }

    #[test]
    fn our_c_beside_wamr_is_the_runtimes() {
        let archive = "/t/build/xila-wamr-sys-1/out/libwamr.a";
        assert_eq!(component_of(&format!("{archive}(ab-address_guard.o)"), ".text.guard_fd_io"), "runtime ABI + fs");
        assert_eq!(component_of(&format!("{archive}(ab-operand_stack.o)"), ".text.x"), "runtime ABI + fs");
        assert_eq!(component_of(&format!("{archive}(ab-wasm_loader.o)"), ".text.load"), "WAMR core");
        assert_eq!(component_of(&format!("{archive}(ab-libc_wasi_wrapper.o)"), ".text.wasi_fd_read"), "libc-wasi");
    }

    #[test]
    fn map_lines_are_split_by_component() {
        let dir = tempfile::tempdir().unwrap();
        let map = dir.path().join("x.map");
        std::fs::write(
            &map,
            "             VMA              LMA     Size Align Out     In      Symbol
        80000000         80000000     1000     4 .text
        80000000         80000000      100     4         /t/build/xila-wamr-sys-1/out/libwamr.a(ab-wasm_interp_fast.o):(.text.wasm_interp_call_func_bytecode)
        80000100         80000100       40     4         /t/build/xila-wamr-sys-1/out/libwamr.a(cd-posix.o):(.text.wasmtime_ssp_fd_read)
        80000140         80000140       20     4         /usr/lib/picolibc/libc.a(libc_string_memcpy.c.o):(.text.memcpy)
        80000160         80000160       10     4         /t/deps/xila_firmware-1.xila_firmware.abc-cgu.0.rcgu.o:(.text._ZN4core3fmt5write17h0123456789abcdefE)
        80001000         80001000       30     8 .bss
        80001000         80001000       30     8         /t/deps/xila_firmware-1.xila_firmware.abc-cgu.0.rcgu.o:(.bss._ZN12xila_runtime5state5STATE17h0123456789abcdefE)
        00000000         00000000      400     1 .debug_info
        00000000         00000000      400     1         /t/x.o:(.debug_info)
",
        )
        .unwrap();
        let components = components_of_map(&map).unwrap();
        let get = |name: &str| components.iter().find(|c| c.name == name).cloned().unwrap_or_default();
        assert_eq!(get("WAMR core").flash, 0x100);
        assert_eq!(get("libc-wasi").flash, 0x40);
        assert_eq!(get("libc (picolibc)").flash, 0x20);
        assert_eq!(get("Rust core/alloc").flash, 0x10);
        assert_eq!(get("runtime ABI + fs"), Component { name: "runtime ABI + fs".into(), flash: 0, ram: 0x30 });
        assert_eq!(components.iter().map(|c| c.flash).sum::<u64>(), 0x170);
    }

    #[test]
    fn growth_past_one_percent_is_a_regression() {
        let run = |m: u64| Some(VariantRun { ok: true, measured: Some(m), ..Default::default() });
        let report = |fast: u64, text: u64| BenchReport {
            schema: SCHEMA,
            targets: vec![TargetBench {
                target: "riscv32".into(),
                results: vec![WorkloadResult { workload: "fib".into(), fast: run(fast), native: run(100), classic: None }],
                footprint: Some(Footprint { text, ..Default::default() }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let (regressions, _) = compare(&report(1000, 1000), &report(1010, 1010));
        assert!(regressions.is_empty(), "{regressions:?}");
        let (regressions, _) = compare(&report(1000, 1000), &report(1011, 1011));
        assert_eq!(regressions.len(), 2, "{regressions:?}");
        assert!(regressions[0].contains("riscv32 fib fast: 1011 instructions"), "{regressions:?}");
        assert_eq!(geomean([2.0, 8.0]).map(|g| (g * 1e9).round() / 1e9), Some(4.0));
    }

    #[test]
    fn what_the_baseline_measured_and_this_run_did_not_is_a_regression() {
        let run = |m: u64| Some(VariantRun { ok: true, measured: Some(m), ..Default::default() });
        let target = |name: &str, results: Vec<WorkloadResult>| TargetBench {
            target: name.into(),
            results,
            footprint: Some(Footprint { text: 1000, ..Default::default() }),
            ..Default::default()
        };
        let fib = |fast, native| WorkloadResult { workload: "fib".into(), fast, native, classic: None };
        let crc = WorkloadResult { workload: "crc32".into(), fast: run(500), native: run(50), classic: None };
        let report = |targets| BenchReport { schema: SCHEMA, targets, ..Default::default() };
        let baseline = report(vec![target("riscv32", vec![fib(run(1000), run(100)), crc.clone()]), target("cortex-m4f", vec![])]);

        // A target gone, a workload gone, a variant gone, a count of zero: one line each.
        let current = report(vec![target("riscv32", vec![fib(run(0), None)])]);
        let (regressions, _) = compare(&baseline, &current);
        assert_eq!(
            regressions,
            [
                "riscv32 fib native: in the baseline, not measured now",
                "riscv32 fib fast: no instructions measured",
                "riscv32 crc32: in the baseline, not measured now",
                "cortex-m4f: in the baseline, not measured now",
            ],
        );
        // The same run again is clean.
        assert_eq!(compare(&baseline, &baseline).0, Vec::<String>::new());
    }
}
