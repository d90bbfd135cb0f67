//! `xbench`: the bench's command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use bench_protocol::Status;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use harness::execute::{host_time_ns, run_module, RunEnd, RunSettings, DEFAULT_SEED, DEFAULT_START_TIME_NS};
use harness::launch::{self, invocation};
use harness::spec::Spec;
use harness::matrix::{self, MatrixOptions, Progress, TargetState};
use harness::report::Report;
use harness::suite::{failure_details, result_line, summary_line, Suite, TestResult};
use harness::target::{Target, TargetSet};
use harness::expectations::Expectations;
use harness::verdict::{Outcome, OutputMatch};
use harness::{coverage, firmware, find_root, gate, suite_build};

#[derive(Parser)]
#[command(name = "xbench", about = "Cross-compilation test bench for Xila's WebAssembly VM", version)]
struct Cli {
    /// The bench's checkout (default: found from the current directory).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// The directory of target files (default: `<root>/targets`).
    #[arg(long, global = true)]
    targets_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Commands,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Seed of the guest's random_get generator.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Keep each run's job directory (job, channels, result record) and print where it is.
    #[arg(long)]
    keep: bool,
    /// The guest's realtime clock at boot: seconds since the Unix epoch, or `now` for the
    /// host's time (default: 2026-01-01T00:00:00Z, fixed so that runs repeat).
    #[arg(long)]
    start_time: Option<String>,
    /// Heap bytes the runtime may use (default: the target's whole heap, or its `heap_budget`).
    #[arg(long)]
    ram_budget: Option<u32>,
    /// WAMR's operand stack per instance, in bytes (frames, locals and operands; each result
    /// reports the `operand_stack_peak` it used).
    #[arg(long, default_value_t = harness::execute::DEFAULT_STACK_SIZE, value_parser = clap::value_parser!(u32).range(1024..))]
    wasm_stack: u32,
    /// Make the firmware fault or panic on purpose, to check how such ends are reported.
    #[arg(long, value_enum)]
    self_test: Option<SelfTest>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SelfTest {
    Fault,
    Panic,
}

#[derive(Subcommand)]
enum Commands {
    /// Run one module on a target; print its stdout and stderr and exit with its status.
    Run {
        #[arg(long, short)]
        target: String,
        /// A `.wasm` module, or a `.wat` text module.
        module: PathBuf,
        /// Environment variables for the guest, as NAME=value.
        #[arg(long = "env", short = 'e')]
        env: Vec<String>,
        /// A file whose bytes become the guest's stdin.
        #[arg(long)]
        stdin: Option<PathBuf>,
        /// Seconds before the run is killed.
        #[arg(long, default_value_t = harness::spec::DEFAULT_TIMEOUT_SECONDS)]
        timeout: f64,
        /// End the run as `idle` (exit status 246) when the guest waits for input
        /// (`window_pop_event`) with no event pending, as a spec's `until_idle` does: for an
        /// application that never exits.
        #[arg(long)]
        until_idle: bool,
        #[command(flatten)]
        run: RunArgs,
        /// Arguments for the guest.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run one module on an MCU target with QEMU's execution log and print the hottest
    /// functions: rank, guest instructions, share and cumulative share.
    Profile {
        #[arg(long, short)]
        target: String,
        /// A `.wasm` module, or a `.wat` text module.
        module: PathBuf,
        /// Functions listed.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Count only between the guest's `xila_bench.begin` and `end` marks (the bench's
        /// measured region), not the whole run.
        #[arg(long)]
        region: bool,
        /// Also write the whole profile (every function) as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Also list the interpreter loop's `--top` hottest WebAssembly opcode handlers (from the
        /// firmware's DWARF line table and WAMR's HANDLE_OP labels).
        #[arg(long)]
        opcodes: bool,
        /// Run this firmware ELF instead of the target's (e.g. the bench's classic-interpreter
        /// build, target/firmware/<target>-classic/<triple>/firmware/xila-firmware).
        #[arg(long)]
        firmware: Option<PathBuf>,
        /// Seconds before the run is killed (a traced run is about 50 times slower than a plain one).
        #[arg(long, default_value_t = 120.0)]
        timeout: f64,
        #[command(flatten)]
        run: RunArgs,
        /// Arguments for the guest.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run every `*.wasm` of a suite directory against its `.json` spec, on one or more
    /// targets, and compare the outputs across targets.
    Test {
        /// Targets, comma-separated or repeated; `all` runs every target this machine can run
        /// and lists the others as skipped.
        #[arg(long, short, value_delimiter = ',', required = true)]
        target: Vec<String>,
        suite: PathBuf,
        /// Run only tests whose names contain one of these.
        filters: Vec<String>,
        /// Filters must equal the test name.
        #[arg(long)]
        exact: bool,
        /// Tests run at once (default: the number of cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// How stdout and stderr are compared with the spec.
        #[arg(long, value_enum, default_value_t = OutputMatch::Prefix)]
        output_match: OutputMatch,
        /// Runs again after an infrastructure error (never after a guest failure).
        #[arg(long, default_value_t = 1)]
        retries: u32,
        /// Known failures (wasi-testsuite TOML, see ci/baseline/expectations.toml).
        #[arg(long)]
        expectations: Option<PathBuf>,
        /// Write report.json, summary.md, junit.xml and report.html into this directory.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Leave the passing testcases out of junit.xml (its counts stay those of the whole run).
        #[arg(long, requires = "report")]
        junit_failures_only: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// List the targets with their QEMU command lines.
    Targets,
    /// Build a target's firmware (or the host runner) if it is missing or stale.
    Build {
        #[arg(long, short)]
        target: String,
    },
    /// Compile a source suite (`conformance/<suite>`) into a runnable suite directory.
    BuildSuite { source: PathBuf, out: PathBuf },
    /// Fail (exit 1) when a report regresses against the baseline; one line per cause.
    Gate {
        /// The baseline directory: `<suite>.json`, `thresholds.toml`.
        #[arg(long, default_value = "ci/baseline")]
        baseline: PathBuf,
        /// The report directory (or its report.json) of the run to judge.
        #[arg(long)]
        report: PathBuf,
        /// A target the baseline ran that this run may leave out (its QEMU or compiler is
        /// missing here, say); repeat for more. Recorded in the report's gate lines.
        #[arg(long = "allow-skip", value_name = "TARGET")]
        allow_skip: Vec<String>,
    },
    /// Show what changed between two reports (outcomes, instructions, sizes, divergences).
    Compare {
        old: PathBuf,
        new: PathBuf,
        /// Thresholds file (default: the gate's defaults).
        #[arg(long)]
        thresholds: Option<PathBuf>,
    },
    /// Work on reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The performance lab: conformance/bench's workloads as WebAssembly (WAMR fast and classic
    /// interpreters) and natively on each target, in guest instructions around the workload;
    /// footprint by component; harness overhead; the hottest functions of one workload (see
    /// `profile`). Writes bench.json, bench.md and bench.html.
    Bench {
        /// Targets, comma-separated; `all` runs every MCU target this machine can run.
        #[arg(long, short, value_delimiter = ',', default_value = "all")]
        target: Vec<String>,
        /// Only these workloads (default: all).
        #[arg(long, value_delimiter = ',')]
        workloads: Vec<String>,
        /// Skip the classic-interpreter build and runs.
        #[arg(long)]
        no_classic: bool,
        /// Skip the native benchmark firmware.
        #[arg(long)]
        no_native: bool,
        /// The workload profiled (hottest functions, fast interpreter) when it is among those run.
        #[arg(long, default_value = harness::bench::PROFILE_WORKLOAD)]
        profile_workload: String,
        /// Skip the profile.
        #[arg(long)]
        no_profile: bool,
        /// Runs per median of the bare-boot and harness-hello wall times (0: not measured).
        #[arg(long, default_value_t = 20)]
        overhead_runs: usize,
        /// Runs at once (default: the number of cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// The report directory.
        #[arg(long, default_value = "report/bench")]
        report: PathBuf,
        /// Fail on instruction or size growth over 1 % against this bench.json.
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
    /// Which WASI preview-1 functions the modules of a suite import, and how many tests each.
    Coverage { suite: PathBuf },
    /// Accept a report as the new baseline of its suite.
    Baseline {
        #[arg(long, default_value = "ci/baseline")]
        baseline: PathBuf,
        #[arg(long)]
        report: PathBuf,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Combine shard reports (from runs on different machines) into one report directory,
    /// comparing the targets across shards.
    Merge {
        /// The report directory to write (all four formats).
        #[arg(long)]
        out: PathBuf,
        /// The shards' report.json files (or report directories).
        #[arg(required = true)]
        reports: Vec<PathBuf>,
    },
    /// Print the README's graphics figures (LVGL's footprint against LVGL 8.3, the cost of a
    /// frame and of a call) from committed reports; with `--readme`, write them into it.
    Figures {
        /// The bindings suite's report (default: the accepted one).
        #[arg(long, default_value = "ci/baseline/bindings.json")]
        report: PathBuf,
        /// The report to compare with: the last one of the LVGL 8.3 bindings.
        #[arg(long, default_value = "ci/baseline/history/bindings-lvgl-8.3.json")]
        before: PathBuf,
        /// Replace the README's figures block instead of printing.
        #[arg(long)]
        readme: Option<PathBuf>,
    },
}

/// A report directory, or the report file itself.
fn report_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("report.json")
    } else {
        path.to_path_buf()
    }
}

fn print_comparison(comparison: &gate::Comparison) {
    for line in &comparison.notes {
        println!("note: {line}");
    }
    for line in &comparison.regressions {
        println!("REGRESSION: {line}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xbench: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = cli.root.unwrap_or_else(find_root);
    let targets_dir = cli.targets_dir.unwrap_or_else(|| root.join("targets"));
    let load_targets = || TargetSet::load(&targets_dir).map_err(anyhow::Error::from);
    match cli.command {
        Commands::Run { target, module, env, stdin, timeout, until_idle, run, args } => {
            let targets = load_targets()?;
            let target = targets.get(&target)?;
            let spec = Spec {
                args,
                env: env.iter().map(|pair| parse_env(pair)).collect::<anyhow::Result<_>>()?,
                stdin: match stdin {
                    Some(file) => std::fs::read(&file).with_context(|| format!("reading stdin file {}", file.display()))?,
                    None => Vec::new(),
                },
                timeout_seconds: timeout,
                until_idle,
                ..Spec::default()
            };
            run_one(&root, target, &module, &spec, &settings(&run)?)
        }
        Commands::Profile { target, module, top, region, json, opcodes, firmware, timeout, run, args } => {
            let targets = load_targets()?;
            let target = targets.get(&target)?;
            let spec = Spec { args, timeout_seconds: timeout, ..Spec::default() };
            let scope = if region { harness::profile::Scope::Region } else { harness::profile::Scope::Run };
            profile_one(&root, target, &module, &spec, &settings(&run)?, scope, top, json.as_deref(), opcodes, firmware.as_deref())
        }
        Commands::Test { target, suite, filters, exact, jobs, output_match, retries, expectations, report, junit_failures_only, run } => {
            let targets = load_targets()?;
            let selected = matrix::select(&targets, &target)?;
            let expectations = expectations.as_deref().map(Expectations::load).transpose()?;
            let options = TestOptions {
                filters: &filters,
                exact,
                jobs,
                retries,
                output_match,
                expectations: expectations.as_ref(),
                known_targets: targets.targets.keys().cloned().collect(),
                report: report.as_deref(),
                junit_failures_only,
            };
            test_suite(&root, &selected, &suite, &options, &settings(&run)?)
        }
        Commands::Targets => {
            let targets = load_targets()?;
            let example = Path::new("<firmware>");
            for target in targets.targets.values() {
                let command = invocation(target, example, Path::new("<job-dir>"))?;
                println!("{:<10} {:<32} {}", target.name, target.rust_target, target.description);
                println!("           {}", command.to_shell());
            }
            Ok(ExitCode::SUCCESS)
        }
        Commands::Build { target } => {
            let targets = load_targets()?;
            let executable = firmware::ensure_built(&root, targets.get(&target)?)?;
            println!("{}", executable.display());
            Ok(ExitCode::SUCCESS)
        }
        Commands::Gate { baseline, report, allow_skip } => {
            let current = gate::LoadedReport::load(&report_file(&report))?;
            let baseline_file = gate::baseline_file(&baseline, &current)?;
            let accepted = gate::LoadedReport::load(&baseline_file)?;
            let thresholds = gate::Thresholds::load(&baseline.join("thresholds.toml"))?;
            let allowed: std::collections::BTreeSet<String> = allow_skip.into_iter().collect();
            let comparison = gate::compare(&accepted, &current, &thresholds, &allowed);
            print_comparison(&comparison);
            // The report's pages show the deltas from now on.
            let mut pages = Report::load(&current.path)?;
            pages.baseline_deltas = comparison.regressions.iter().map(|r| format!("REGRESSION: {r}")).collect();
            pages.baseline_deltas.extend(comparison.notes.iter().cloned());
            if let Some(dir) = current.path.parent() {
                pages.write(dir)?;
            }
            if comparison.regressions.is_empty() {
                println!("gate: passed against {}", baseline_file.display());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("gate: FAILED, {} regressions against {}", comparison.regressions.len(), baseline_file.display());
                Ok(ExitCode::FAILURE)
            }
        }
        Commands::Compare { old, new, thresholds } => {
            let old = gate::LoadedReport::load(&report_file(&old))?;
            let new = gate::LoadedReport::load(&report_file(&new))?;
            let thresholds = match thresholds {
                Some(file) => gate::Thresholds::load(&file)?,
                None => gate::Thresholds::default(),
            };
            let comparison = gate::compare(&old, &new, &thresholds, &std::collections::BTreeSet::new());
            print_comparison(&comparison);
            println!("{} regressions, {} other changes", comparison.regressions.len(), comparison.notes.len());
            Ok(if comparison.regressions.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Commands::Report(ReportCommand::Merge { out, reports }) => {
            let parts = reports
                .iter()
                .map(|path| {
                    let file = report_file(path);
                    Report::load(&file).map(|report| (file, report))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let merged = Report::merge(parts)?;
            merged.write(&out)?;
            println!(
                "merged {} reports: {} results, {} divergences; report: {}",
                reports.len(),
                merged.results.len(),
                merged.divergences.len(),
                out.join("report.json").display()
            );
            Ok(if merged.passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Commands::Report(ReportCommand::Figures { report, before, readme }) => {
            let figures = harness::figures::from_files(&root.join(report_file(&report)), &root.join(report_file(&before)))?;
            match readme {
                None => print!("{figures}"),
                Some(readme) => {
                    let path = root.join(readme);
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                    std::fs::write(&path, harness::figures::splice(&text, &figures)?)
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("figures: {}", path.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Commands::Bench { target, workloads, no_classic, no_native, profile_workload, no_profile, overhead_runs, jobs, report, baseline } => {
            let targets = load_targets()?;
            let profile = (!no_profile).then_some(profile_workload);
            bench_command(&root, &targets, &target, workloads, !no_classic, !no_native, profile, overhead_runs, jobs, &report, baseline.as_deref())
        }
        Commands::Coverage { suite } => {
            print!("{}", coverage::render(&coverage::of_suite(&suite)?));
            Ok(ExitCode::SUCCESS)
        }
        Commands::Baseline { baseline, report } => {
            let current = gate::LoadedReport::load(&report_file(&report))?;
            let file = gate::baseline_file(&baseline, &current)?;
            std::fs::create_dir_all(&baseline)?;
            std::fs::copy(&current.path, &file).with_context(|| format!("writing {}", file.display()))?;
            println!("baseline: {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Commands::BuildSuite { source, out } => {
            let names = suite_build::build_suite(&root, &source, &out)?;
            println!("built {} test modules into {}", names.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn settings(run: &RunArgs) -> anyhow::Result<RunSettings> {
    let flags = match run.self_test {
        None => 0,
        Some(SelfTest::Fault) => bench_protocol::flags::SELF_TEST_FAULT,
        Some(SelfTest::Panic) => bench_protocol::flags::SELF_TEST_PANIC,
    };
    let start_time_ns = match run.start_time.as_deref() {
        None => DEFAULT_START_TIME_NS,
        Some("now") => host_time_ns(),
        Some(seconds) => seconds
            .parse::<u64>()
            .ok()
            .and_then(|s| s.checked_mul(1_000_000_000))
            .with_context(|| format!("--start-time {seconds:?} is neither `now` nor seconds since the Unix epoch"))?,
    };
    Ok(RunSettings {
        seed: run.seed,
        start_time_ns,
        keep_job_dirs: run.keep,
        flags,
        heap_budget: run.ram_budget.unwrap_or(0),
        stack_size: run.wasm_stack,
    })
}

fn parse_env(pair: &str) -> anyhow::Result<(String, String)> {
    let (name, value) = pair.split_once('=').with_context(|| format!("--env {pair:?} is not NAME=value"))?;
    Ok((name.to_string(), value.to_string()))
}

/// Reads a module, compiling WAT, and checks it with wasmparser before any QEMU starts, so that
/// a load error can carry the validator's explanation beside WAMR's.
fn read_module(path: &Path) -> anyhow::Result<(Vec<u8>, Option<String>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read module {}", path.display()))?;
    let bytes = if path.extension().is_some_and(|e| e == "wat") {
        wat::parse_bytes(&bytes).with_context(|| format!("compiling {}", path.display()))?.into_owned()
    } else {
        bytes
    };
    let problem = wasmparser::Validator::new().validate_all(&bytes).err().map(|e| e.to_string());
    Ok((bytes, problem))
}

fn run_one(root: &Path, target: &Target, module: &Path, spec: &Spec, settings: &RunSettings) -> anyhow::Result<ExitCode> {
    let (bytes, problem) = read_module(module)?;
    let executable = firmware::ensure_built(root, target)?;
    let name = module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let output = run_module(target, &executable, &name, bytes, spec, settings)?;
    std::io::stdout().write_all(&output.stdout)?;
    std::io::stdout().flush()?;
    std::io::stderr().write_all(&output.stderr)?;
    if let Some(dir) = &output.job_dir {
        eprintln!("xbench: job directory kept at {}", dir.display());
    }
    match output.end {
        RunEnd::Finished(record) => {
            if record.status != Status::Exited {
                eprintln!("xbench: {}: {}", record.status, record.message);
                if let (Status::LoadError, Some(problem)) = (record.status, &problem) {
                    eprintln!("xbench: wasmparser: {problem}");
                }
            }
            let status = record.status.process_exit_status(record.exit_code);
            Ok(ExitCode::from((status & 0xff) as u8))
        }
        RunEnd::TimedOut(after) => {
            eprintln!("xbench: timeout: the guest was killed after {:.1} s", after.as_secs_f64());
            Ok(ExitCode::from(124))
        }
        RunEnd::Infrastructure(message) => bail!("{message}\ncommand: {}", output.invocation.to_shell()),
    }
}

/// `xbench profile`: the run's output as `xbench run` gives it, then the table. Exits 1 when
/// the guest did not exit with 0 (the profile is printed all the same).
#[allow(clippy::too_many_arguments)]
fn profile_one(
    root: &Path,
    target: &Target,
    module: &Path,
    spec: &Spec,
    settings: &RunSettings,
    scope: harness::profile::Scope,
    top: usize,
    json: Option<&Path>,
    opcodes: bool,
    firmware: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    use harness::profile;
    if target.is_host() {
        bail!("target `host` runs natively, without QEMU; a profile reads QEMU's execution log, so choose an MCU target");
    }
    let (bytes, _) = read_module(module)?;
    let executable = match firmware {
        Some(elf) if elf.is_file() => elf.to_path_buf(),
        Some(elf) => bail!("no firmware ELF at {}", elf.display()),
        None => firmware::ensure_built(root, target)?,
    };
    let name = module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let profiled = profile::profile_module(target, &executable, &name, bytes, spec, settings, scope)?;
    let shown = &profiled.profile;
    std::io::stdout().write_all(&profiled.output.stdout)?;
    std::io::stderr().write_all(&profiled.output.stderr)?;
    if let Some(dir) = &profiled.output.job_dir {
        eprintln!("xbench: job directory kept at {}", dir.display());
    }
    if let Some(file) = json {
        std::fs::write(file, serde_json::to_string_pretty(shown)?).with_context(|| format!("writing {}", file.display()))?;
    }
    print!("{}", profile::render_table(shown, top));
    if opcodes {
        print!("{}", profile::render_handlers(shown, top));
    }
    let ok = match &profiled.output.end {
        RunEnd::Finished(record) if record.status == Status::Exited && record.exit_code == 0 => true,
        RunEnd::Finished(record) => {
            eprintln!("xbench: the guest ended with {} (exit code {}): {}", record.status, record.exit_code, record.message);
            false
        }
        RunEnd::TimedOut(after) => {
            eprintln!("xbench: timeout: the guest was killed after {:.1} s; the profile covers what ran", after.as_secs_f64());
            false
        }
        RunEnd::Infrastructure(message) => {
            eprintln!("xbench: {message}\ncommand: {}", profiled.output.invocation.to_shell());
            false
        }
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

struct TestOptions<'a> {
    retries: u32,
    expectations: Option<&'a Expectations>,
    /// Every target that has a file, for checking the names in the expectations.
    known_targets: Vec<String>,
    filters: &'a [String],
    exact: bool,
    jobs: Option<usize>,
    output_match: OutputMatch,
    report: Option<&'a Path>,
    junit_failures_only: bool,
}

/// Prints one line per test as results arrive, with details under those that did not pass.
/// On a terminal (and outside CI) a progress bar stays under the lines.
struct ConsoleProgress {
    bar: Option<ProgressBar>,
}

impl ConsoleProgress {
    fn new(total: usize) -> Self {
        let interactive = std::io::stdout().is_terminal() && std::env::var_os("CI").is_none();
        let bar = interactive.then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} tests, {elapsed} {msg}") {
                bar.set_style(style);
            }
            bar
        });
        ConsoleProgress { bar }
    }

    fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text.trim_end()),
            None => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ConsoleProgress {
    fn target_skipped(&self, target: &Target, reason: &str) {
        self.say(&format!("{:<13} {} (every test): {reason}\n", "SKIP", target.name));
    }

    fn target_started(&self, target: &Target, tests: usize, jobs: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(target.name.clone());
        }
        let noun = if tests == 1 { "test" } else { "tests" };
        self.say(&format!("running {tests} {noun} on {} ({jobs} at a time)\n", target.name));
    }

    fn test_finished(&self, target: &Target, result: &TestResult) {
        let mut text = result_line(&target.name, result);
        text.push('\n');
        match &result.outcome {
            Outcome::Pass => {}
            Outcome::Skip(reason) => text.push_str(&format!("    {reason}\n")),
            _ => text.push_str(&failure_details(result)),
        }
        self.say(&text);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

fn test_suite(
    root: &Path,
    selected: &[matrix::Selected],
    dir: &Path,
    options: &TestOptions<'_>,
    settings: &RunSettings,
) -> anyhow::Result<ExitCode> {
    let mut suite = Suite::load(dir)?;
    for test in &suite.tests {
        for key in &test.spec.unknown_keys {
            eprintln!("xbench: warning: {}: unknown spec key `{key}` ignored", test.name);
        }
    }
    if let Some(expectations) = options.expectations {
        let targets: Vec<&str> = options.known_targets.iter().map(String::as_str).collect();
        let tests: Vec<&str> = suite.tests.iter().map(|t| t.name.as_str()).collect();
        for warning in expectations.unknown_names(&suite.manifest.name, &targets, &tests) {
            eprintln!("xbench: warning: {warning}");
        }
    }
    suite.filter(options.filters, options.exact);
    if suite.tests.is_empty() {
        let filtered = if options.filters.is_empty() { "" } else { " matching the filters" };
        bail!("suite {} has no tests{filtered}", dir.display());
    }
    let jobs = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(1));
    println!("suite: {} ({} tests), seed {:#x}", suite.manifest.name, suite.tests.len(), settings.seed);
    let matrix_options =
        MatrixOptions {
            root,
            expectations: options.expectations,
            settings,
            output_match: options.output_match,
            jobs,
            retries: options.retries,
        };
    // Ctrl-C stops every QEMU of the run; the tests under way end as interrupted and the
    // report of what ran is still written.
    if let Err(e) = ctrlc::set_handler(|| {
        eprintln!("xbench: interrupted; stopping the runs under way");
        launch::interrupt();
    }) {
        eprintln!("xbench: warning: Ctrl-C will not stop QEMU cleanly: {e}");
    }
    let progress = ConsoleProgress::new(suite.tests.len() * selected.len());
    let run = matrix::run_matrix(&suite, selected, &matrix_options, &progress)?;
    progress.finish();

    for divergence in &run.divergences {
        println!("DIVERGENCE    {} ({} vs {})", divergence.test, divergence.reference, divergence.targets.join(", "));
        for line in divergence.diff.lines() {
            println!("    {line}");
        }
    }
    let mut all_results = Vec::new();
    for target_run in &run.targets {
        match &target_run.state {
            TargetState::Skipped(reason) => println!("{}: skipped: {reason}", target_run.target.name),
            TargetState::BuildFailed(reason) => println!("{}: firmware build failed: {reason}", target_run.target.name),
            TargetState::Ran { results, wall, .. } => {
                println!("{}: {}", target_run.target.name, summary_line(results, *wall));
                all_results.extend(results.iter().cloned());
            }
        }
    }
    if let Some(dir) = options.report {
        let report = Report::from_run(&run);
        report.write_with(dir, options.junit_failures_only)?;
        println!("report: {}", dir.join("report.json").display());
    }
    let mut closing = summary_line(&all_results, run.wall);
    if !run.divergences.is_empty() {
        closing.push_str(&format!(", {} divergent across targets", run.divergences.len()));
    }
    println!("{closing}");
    if launch::interrupted() {
        println!("interrupted: the report covers the tests that finished");
        return Ok(ExitCode::from(130));
    }
    Ok(if run.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[allow(clippy::too_many_arguments)]
fn bench_command(
    root: &Path,
    targets: &TargetSet,
    requested: &[String],
    workloads: Vec<String>,
    classic: bool,
    native: bool,
    profile: Option<String>,
    overhead_runs: usize,
    jobs: Option<usize>,
    report_dir: &Path,
    baseline: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    use harness::bench;
    let mut chosen = Vec::new();
    for selected in matrix::select(targets, requested)? {
        let target = selected.target;
        if target.is_host() {
            if selected.named {
                bail!("the bench counts guest instructions, which the host target cannot; choose an MCU target");
            }
            continue;
        }
        match harness::availability::check(&target) {
            Ok(()) => chosen.push(target),
            Err(reason) if selected.named => bail!("target `{}` cannot run here: {reason}", target.name),
            Err(reason) => println!("{}: skipped: {reason}", target.name),
        }
    }
    let workloads = if workloads.is_empty() { bench::WORKLOADS.iter().map(|w| w.to_string()).collect() } else { workloads };
    if let Some(unknown) = workloads.iter().chain(&profile).find(|w| !bench::WORKLOADS.contains(&w.as_str())) {
        bail!("unknown workload `{unknown}`; the workloads are {}", bench::WORKLOADS.join(", "));
    }
    let options = bench::BenchOptions {
        workloads,
        classic,
        native,
        overhead_runs,
        jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(1)),
        profile,
    };
    let progress = |line: &str| println!("{line}");
    let report = bench::run_bench(root, &chosen, &options, &progress)?;
    report.write(report_dir)?;
    println!();
    for t in &report.targets {
        let fmt = |v: Option<f64>| v.map(|v| format!("{v:.1}x")).unwrap_or_else(|| "-".into());
        println!(
            "{:<11} fast/native {:>6} (geometric mean)  classic/fast {:>6}  text+data {} bytes{}",
            t.target,
            fmt(t.geomean_wasm_over_native()),
            fmt(t.geomean_classic_over_fast()),
            t.footprint.map(|f| (f.text + f.data).to_string()).unwrap_or_else(|| "-".into()),
            if t.problems.is_empty() { String::new() } else { format!("  ({} problems, see bench.md)", t.problems.len()) }
        );
    }
    println!("report: {}", report_dir.join("bench.json").display());
    let mut failed = report.targets.iter().any(|t| !t.problems.is_empty());
    if let Some(file) = baseline {
        if file.is_file() {
            let accepted = bench::BenchReport::load(file)?;
            let (regressions, notes) = bench::compare(&accepted, &report);
            for note in &notes {
                println!("note: {note}");
            }
            for regression in &regressions {
                println!("REGRESSION: {regression}");
            }
            if regressions.is_empty() {
                println!("bench gate: passed against {}", file.display());
            } else {
                println!("bench gate: FAILED, {} regressions against {}", regressions.len(), file.display());
                failed = true;
            }
        } else {
            println!("note: no baseline at {}; accept this run with `cp {} {}`", file.display(), report_dir.join("bench.json").display(), file.display());
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
