//! Test specs in the wasi-testsuite legacy form (`<test>.json` beside `<test>.wasm`), and the
//! suite's `manifest.json`.
//!
//! Keys of the format: `args`, `env`, `root`, `dirs`, `exit_code`, `stdout`, `stderr`.
//! Keys this bench adds (other runners ignore unknown keys with a warning):
//! - `stdin`: bytes fed to the guest's stdin;
//! - `status`: the expected end of the run when it is not an exit, for example `"trap"`;
//! - `message`: text the firmware's message must contain (the trap message, say);
//! - `timeout`: seconds before the run is killed (default [`DEFAULT_TIMEOUT_SECONDS`]);
//! - `files`: `{"path": "contents"}`, files the guest must leave in its file system (paths
//!   relative to the image: under `root`, or starting with the `dirs` entry's name);
//! - `frame`: a golden PNG (path relative to the spec) that the display's last frame must
//!   equal; the firmware writes a frame after every run that used the graphics bindings, and
//!   without this key it is only compared across targets. `XBENCH_BLESS=1` (or a directory)
//!   writes the golden from the host's frame (see [`crate::execute`]);
//! - `frame_tolerance`: `{"pixels": N, "channel": M}`, how many pixels may differ, and by how
//!   much a channel (0-255) may differ before its pixel counts (default: exact);
//! - `events`: pointer events injected into the display's input device, fed in order when the
//!   guest calls `window_pop_event`: `[{"click": [x, y]}, {"press": [x, y]}, {"release": [x, y]}]`;
//! - `wasm_stack`: bytes of WAMR operand stack for this test, overriding `--wasm-stack` (a
//!   deeply recursive test needs more than the default);
//! - `until_idle`: `true` for an application that never exits (Xila's loop on
//!   `window_pop_event`): the run ends when the guest waits for input with every `events` entry
//!   delivered and no event pending (without `events`, at its first wait), with the status
//!   `idle`; stdout, stderr and the frame are kept and checked as after an exit. Such a spec
//!   expects that ending with `"status": "idle"`, which needs `until_idle` (without it the guest
//!   would wait until its timeout).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bench_protocol::Status;
use serde_json::Value;

/// Seconds a test may run before it is killed, unless its spec says otherwise. The
/// wasi-testsuite runner uses 5 s on native runtimes; emulation gets twice that.
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 10.0;

/// What a test expects, and how to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    pub exit_code: u32,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
    pub status: Status,
    pub message: Option<String>,
    pub timeout_seconds: f64,
    /// `root` or `dirs`: directories (relative to the spec's directory) packed into the
    /// guest's file system and preopened.
    pub dirs: Vec<String>,
    /// The directory came from `root`: preopened as the guest's `/` (the reference runner's
    /// rule), not under its own name as each of `dirs` is.
    pub root: bool,
    /// `files`: path in the image -> contents the guest must leave there.
    pub files: Vec<(String, String)>,
    /// The directory the spec file is in; `root`/`dirs` are relative to it.
    pub base_dir: Option<PathBuf>,
    /// Keys this runner does not know; reported as warnings.
    pub unknown_keys: Vec<String>,
    /// `stdin_file`: a file (relative to the spec) whose bytes become stdin; read by [`Spec::load`].
    pub stdin_file: Option<PathBuf>,
    /// Why this bench cannot run the test at all (the preview-2/3 `operations` form): the test
    /// is reported as skipped with this reason, not as a failure or a crash.
    pub unsupported: Option<String>,
    /// `frame`: the golden PNG, relative to the spec's directory.
    pub frame: Option<String>,
    /// `frame_tolerance`.
    pub frame_tolerance: crate::frame::Tolerance,
    /// `events`: injected pointer events.
    pub events: Vec<bench_protocol::InputEvent>,
    /// `wasm_stack`: the test's own operand stack size, in bytes.
    pub wasm_stack: Option<u32>,
    /// `until_idle`: end the run as `idle` once the guest waits for input with nothing left to
    /// deliver ([`bench_protocol::flags::UNTIL_IDLE`]).
    pub until_idle: bool,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Vec::new(),
            exit_code: 0,
            stdout: None,
            stderr: None,
            status: Status::Exited,
            message: None,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            dirs: Vec::new(),
            root: false,
            files: Vec::new(),
            base_dir: None,
            unknown_keys: Vec::new(),
            stdin_file: None,
            unsupported: None,
            frame: None,
            frame_tolerance: crate::frame::Tolerance::default(),
            events: Vec::new(),
            wasm_stack: None,
            until_idle: false,
        }
    }
}

impl Spec {
    /// Reads a spec file. A broken file is an error naming the file and the field.
    pub fn load(file: &Path) -> anyhow::Result<Spec> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("spec file {}: cannot read it", file.display()))?;
        let mut spec = Spec::parse(&text).with_context(|| format!("spec file {}", file.display()))?;
        spec.base_dir = file.parent().map(Path::to_path_buf);
        if let Some(name) = &spec.stdin_file {
            let path = spec.base_dir.clone().unwrap_or_default().join(name);
            spec.stdin = std::fs::read(&path).with_context(|| {
                format!("spec file {}: field `stdin_file`: cannot read {}", file.display(), path.display())
            })?;
        }
        Ok(spec)
    }

    /// The spec of the module at `module`: its `.json` sibling, or the defaults if there is none.
    pub fn for_module(module: &Path) -> anyhow::Result<Spec> {
        let file = module.with_extension("json");
        if file.exists() {
            Spec::load(&file)
        } else {
            Ok(Spec { base_dir: module.parent().map(Path::to_path_buf), ..Spec::default() })
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Spec> {
        let value: Value = serde_json::from_str(text).context("not valid JSON")?;
        let Value::Object(fields) = value else { bail!("the top level must be a JSON object") };
        let mut spec = Spec::default();
        for (key, value) in &fields {
            match key.as_str() {
                "args" => spec.args = string_list(key, value)?,
                "dirs" => spec.dirs = string_list(key, value)?,
                "root" => {
                    spec.dirs = vec![string(key, value)?];
                    spec.root = true;
                }
                "files" => spec.files = string_map(key, value)?,
                "env" => spec.env = string_map(key, value)?,
                "stdin" => spec.stdin = string(key, value)?.into_bytes(),
                "stdout" => spec.stdout = Some(string(key, value)?),
                "stderr" => spec.stderr = Some(string(key, value)?),
                "message" => spec.message = Some(string(key, value)?),
                "exit_code" => {
                    spec.exit_code = value
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .with_context(|| format!("field `{key}` must be an integer from 0 to 4294967295"))?
                }
                "status" => {
                    let name = string(key, value)?;
                    spec.status = Status::from_name(&name).with_context(|| {
                        let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
                        format!("field `{key}`: unknown status {name:?}; expected one of {}", names.join(", "))
                    })?
                }
                "timeout" => {
                    spec.timeout_seconds = value
                        .as_f64()
                        .filter(|s| *s > 0.0)
                        .with_context(|| format!("field `{key}` must be a positive number of seconds"))?
                }
                "operations" | "proposals" => {
                    spec.unsupported =
                        Some(format!("not supported (preview 2/3 format): the spec has `{key}`"))
                }
                "frame" => spec.frame = Some(string(key, value)?),
                "frame_tolerance" => spec.frame_tolerance = tolerance(key, value)?,
                "events" => spec.events = events(key, value)?,
                "wasm_stack" => {
                    spec.wasm_stack = Some(
                        value
                            .as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .filter(|n| *n >= 1024)
                            .with_context(|| format!("field `{key}` must be a number of bytes from 1024 to 4294967295"))?,
                    )
                }
                "until_idle" => {
                    spec.until_idle =
                        value.as_bool().with_context(|| format!("field `{key}` must be true or false"))?
                }
                "stdin_file" => {
                    let name = string(key, value)?;
                    spec.stdin_file = Some(PathBuf::from(name));
                }
                _ => spec.unknown_keys.push(key.clone()),
            }
        }
        if spec.status == Status::Idle && !spec.until_idle {
            bail!(
                "field `status`: \"idle\" needs \"until_idle\": true, which ends the run when the guest waits for input (without it the guest waits until its timeout)"
            );
        }
        Ok(spec)
    }
}

impl Spec {
    /// Where the golden frame is: `frame`, relative to the spec's directory.
    pub fn frame_path(&self) -> Option<PathBuf> {
        let name = self.frame.as_ref()?;
        Some(self.base_dir.clone().unwrap_or_else(|| PathBuf::from(".")).join(name))
    }
}

fn tolerance(key: &str, value: &Value) -> anyhow::Result<crate::frame::Tolerance> {
    let fields = value.as_object().with_context(|| format!("field `{key}` must be an object with `pixels` and `channel`"))?;
    let mut tolerance = crate::frame::Tolerance::default();
    for (name, item) in fields {
        match name.as_str() {
            "pixels" => {
                tolerance.pixels =
                    item.as_u64().with_context(|| format!("field `{key}.pixels` must be a non-negative integer"))?
            }
            "channel" => {
                tolerance.channel = item
                    .as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .with_context(|| format!("field `{key}.channel` must be an integer from 0 to 255"))?
            }
            other => bail!("field `{key}`: unknown key `{other}` (expected `pixels` and `channel`)"),
        }
    }
    Ok(tolerance)
}

fn events(key: &str, value: &Value) -> anyhow::Result<Vec<bench_protocol::InputEvent>> {
    use bench_protocol::{InputEvent, InputKind};
    let items = value.as_array().with_context(|| format!("field `{key}` must be a list like [{{\"click\": [x, y]}}]"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = format!("{key}[{i}]");
            let object = item.as_object().filter(|o| o.len() == 1).with_context(|| {
                format!("field `{field}` must be one of {{\"click\": [x, y]}}, {{\"press\": [x, y]}}, {{\"release\": [x, y]}}")
            })?;
            let (name, point) = object.iter().next().context("empty event")?;
            let kind = match name.as_str() {
                "click" => InputKind::Click,
                "press" => InputKind::Press,
                "release" => InputKind::Release,
                other => bail!("field `{field}`: unknown event `{other}` (expected click, press or release)"),
            };
            let coordinates: Option<Vec<i32>> = point
                .as_array()
                .filter(|p| p.len() == 2)
                .map(|p| p.iter().filter_map(|c| c.as_i64().and_then(|c| i32::try_from(c).ok())).collect());
            match coordinates.as_deref() {
                Some(&[x, y]) => Ok(InputEvent { kind, x, y }),
                _ => bail!("field `{field}.{name}` must be [x, y], two integers"),
            }
        })
        .collect()
}

fn string(key: &str, value: &Value) -> anyhow::Result<String> {
    value.as_str().map(str::to_owned).with_context(|| format!("field `{key}` must be a string"))
}

fn string_list(key: &str, value: &Value) -> anyhow::Result<Vec<String>> {
    let items = value.as_array().with_context(|| format!("field `{key}` must be a list of strings"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| string(&format!("{key}[{i}]"), item))
        .collect()
}

fn string_map(key: &str, value: &Value) -> anyhow::Result<Vec<(String, String)>> {
    let map = value.as_object().with_context(|| format!("field `{key}` must be an object of strings"))?;
    map.iter()
        .map(|(name, item)| Ok((name.clone(), string(&format!("{key}.{name}"), item)?)))
        .collect()
}

/// A suite's `manifest.json`: exactly `name` and `version`.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub name: String,
    pub version: Option<String>,
}

impl Manifest {
    /// Reads `<dir>/manifest.json`; without one, the suite is named after its directory.
    pub fn for_suite(dir: &Path) -> anyhow::Result<Manifest> {
        let file = dir.join("manifest.json");
        if !file.exists() {
            return Ok(Manifest { name: dir.display().to_string(), version: None });
        }
        let context = || format!("manifest {}", file.display());
        let text = std::fs::read_to_string(&file).with_context(context)?;
        let fields: BTreeMap<String, Value> =
            serde_json::from_str(&text).context("not a JSON object").with_context(context)?;
        let mut manifest = Manifest { name: String::new(), version: None };
        for (key, value) in &fields {
            match key.as_str() {
                "name" => manifest.name = string(key, value).with_context(context)?,
                "version" => manifest.version = Some(string(key, value).with_context(context)?),
                _ => bail!("{}: unknown field `{key}` (a manifest has only `name` and `version`)", context()),
            }
        }
        if manifest.name.is_empty() {
            bail!("{}: missing field `name`", context());
        }
        Ok(manifest)
    }
}

/// The test modules of a suite directory, sorted by name.
pub fn discover_modules(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot list suite directory {}", dir.display()))?;
    let mut modules: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .collect();
    modules.sort();
    Ok(modules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn every_key_of_the_format_is_read() {
        let spec = Spec::parse(
            r#"{"args": ["a", "b \"q\"\n"], "env": {"K": "v\u00e9"}, "exit_code": 33,
                "stdout": "out", "stderr": "err", "stdin": "in\n", "status": "trap",
                "message": "unreachable", "timeout": 2.5, "root": "fs", "extra": 1}"#,
        )
        .expect("parses");
        assert_eq!(spec.args, ["a", "b \"q\"\n"]);
        assert_eq!(spec.env, [("K".to_string(), "vé".to_string())]);
        assert_eq!(spec.exit_code, 33);
        assert_eq!(spec.stdout.as_deref(), Some("out"));
        assert_eq!(spec.stderr.as_deref(), Some("err"));
        assert_eq!(spec.stdin, b"in\n");
        assert_eq!(spec.status, Status::Trap);
        assert_eq!(spec.message.as_deref(), Some("unreachable"));
        assert_eq!(spec.timeout_seconds, 2.5);
        assert_eq!(spec.wasm_stack, None);
        assert_eq!(spec.dirs, ["fs"]);
        assert!(spec.root);
        assert_eq!(spec.unknown_keys, ["extra"]);
    }

    #[test]
    fn frame_keys_and_events_are_read() {
        let spec = Spec::parse(
            r#"{"frame": "golden/w.png", "frame_tolerance": {"pixels": 5, "channel": 8},
                "events": [{"click": [60, 80]}, {"press": [1, 2]}, {"release": [-3, 4]}]}"#,
        )
        .unwrap();
        assert_eq!(spec.frame.as_deref(), Some("golden/w.png"));
        assert_eq!(spec.frame_tolerance, crate::frame::Tolerance { pixels: 5, channel: 8 });
        use bench_protocol::{InputEvent, InputKind};
        assert_eq!(
            spec.events,
            [
                InputEvent { kind: InputKind::Click, x: 60, y: 80 },
                InputEvent { kind: InputKind::Press, x: 1, y: 2 },
                InputEvent { kind: InputKind::Release, x: -3, y: 4 }
            ]
        );
        for (text, expected) in [
            (r#"{"events": [{"tap": [1, 2]}]}"#, "unknown event `tap`"),
            (r#"{"events": [{"click": [1]}]}"#, "`events[0].click`"),
            (r#"{"frame_tolerance": {"channel": 300}}"#, "`frame_tolerance.channel`"),
            (r#"{"frame": 3}"#, "`frame`"),
        ] {
            let message = format!("{:#}", Spec::parse(text).unwrap_err());
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn until_idle_asks_for_an_idle_ending_and_idle_is_a_status() {
        let spec = Spec::parse(r#"{"until_idle": true, "status": "idle", "events": [{"click": [5, 5]}], "stdout": "ready\n"}"#)
            .unwrap();
        assert!(spec.until_idle);
        assert_eq!(spec.status, Status::Idle);
        assert_eq!(spec.events.len(), 1);
        // Without events: the first wait ends the run.
        let spec = Spec::parse(r#"{"until_idle": true, "status": "idle"}"#).unwrap();
        assert!(spec.until_idle && spec.events.is_empty());
        // Asking for it without expecting it is allowed: an idle ending is then a failure.
        let spec = Spec::parse(r#"{"until_idle": true}"#).unwrap();
        assert_eq!((spec.until_idle, spec.status), (true, Status::Exited));
        assert!(!Spec::parse(r#"{"until_idle": false}"#).unwrap().until_idle);
        assert!(!Spec::parse("{}").unwrap().until_idle);
    }

    #[test]
    fn legacy_dirs_and_expected_files_are_read() {
        let spec = Spec::parse(r#"{"dirs": ["a.dir", "b"], "files": {"a.dir/out": "x\ny"}}"#).unwrap();
        assert_eq!(spec.dirs, ["a.dir", "b"]);
        assert!(!spec.root);
        assert_eq!(spec.files, [("a.dir/out".to_string(), "x\ny".to_string())]);
    }

    #[test]
    fn an_empty_spec_expects_a_clean_exit() {
        let spec = Spec::parse("{}").unwrap();
        assert_eq!((spec.exit_code, spec.status), (0, Status::Exited));
        assert_eq!(spec.timeout_seconds, DEFAULT_TIMEOUT_SECONDS);
    }

    #[rstest]
    #[case::not_json("{", "not valid JSON")]
    #[case::not_object("[1]", "JSON object")]
    #[case::args_type(r#"{"args": "x"}"#, "`args`")]
    #[case::arg_item(r#"{"args": ["x", 3]}"#, "`args[1]`")]
    #[case::env_value(r#"{"env": {"K": 1}}"#, "`env.K`")]
    #[case::exit_code(r#"{"exit_code": -1}"#, "`exit_code`")]
    #[case::status(r#"{"status": "melted"}"#, "unknown status")]
    #[case::timeout(r#"{"timeout": 0}"#, "`timeout`")]
    #[case::wasm_stack(r#"{"wasm_stack": 16}"#, "`wasm_stack`")]
    #[case::until_idle(r#"{"until_idle": "yes"}"#, "`until_idle` must be true or false")]
    #[case::idle_without_until_idle(r#"{"status": "idle"}"#, "\"idle\" needs \"until_idle\": true")]
    #[case::idle_with_until_idle_false(r#"{"status": "idle", "until_idle": false}"#, "needs \"until_idle\": true")]
    fn a_broken_spec_names_the_field(#[case] text: &str, #[case] expected: &str) {
        let message = format!("{:#}", Spec::parse(text).unwrap_err());
        assert!(message.contains(expected), "{message}");
    }

    #[test]
    fn the_preview2_form_is_unsupported_not_an_error() {
        let spec = Spec::parse(r#"{"operations": [{"type": "run"}]}"#).expect("parses");
        assert!(spec.unsupported.as_deref().is_some_and(|r| r.starts_with("not supported (preview 2/3 format)")));
    }

    #[test]
    fn stdin_can_come_from_a_file_beside_the_spec() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("input.txt"), b"from a file\n").unwrap();
        std::fs::write(dir.path().join("t.json"), r#"{"stdin_file": "input.txt"}"#).unwrap();
        assert_eq!(Spec::load(&dir.path().join("t.json")).unwrap().stdin, b"from a file\n");
        std::fs::write(dir.path().join("t.json"), r#"{"stdin_file": "missing.txt"}"#).unwrap();
        let message = format!("{:#}", Spec::load(&dir.path().join("t.json")).unwrap_err());
        assert!(message.contains("t.json") && message.contains("`stdin_file`"), "{message}");
    }

    #[test]
    fn a_broken_spec_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.json");
        std::fs::write(&file, r#"{"exit_code": "zero"}"#).unwrap();
        let message = format!("{:#}", Spec::load(&file).unwrap_err());
        assert!(message.contains("t.json") && message.contains("`exit_code`"), "{message}");
    }

    #[test]
    fn manifests_allow_only_name_and_version() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::for_suite(dir.path()).unwrap().name, dir.path().display().to_string());
        std::fs::write(dir.path().join("manifest.json"), r#"{"name": "S", "version": "wasm32-wasip1"}"#).unwrap();
        assert_eq!(Manifest::for_suite(dir.path()).unwrap().name, "S");
        std::fs::write(dir.path().join("manifest.json"), r#"{"name": "S", "extra": 1}"#).unwrap();
        assert!(format!("{:#}", Manifest::for_suite(dir.path()).unwrap_err()).contains("`extra`"));
    }
}
