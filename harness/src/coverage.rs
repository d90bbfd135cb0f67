//! Which WASI preview-1 functions a suite exercises: every module's imports, read with
//! wasmparser, counted per function. A function no test imports is uncovered.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

/// The 46 functions of `wasi_snapshot_preview1`.
pub const PREVIEW1_FUNCTIONS: [&str; 46] = [
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
    "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
    "sock_recv", "sock_send", "sock_shutdown",
];

const MODULE: &str = "wasi_snapshot_preview1";

/// The preview-1 functions one module imports.
pub fn imports_of(module: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ImportSection(reader) = payload? {
            for import in reader {
                let import = import?;
                if import.module == MODULE {
                    names.push(import.name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// For each preview-1 function, the tests of `suite_dir` that import it.
pub fn of_suite(suite_dir: &Path) -> anyhow::Result<BTreeMap<&'static str, Vec<String>>> {
    let mut table: BTreeMap<&'static str, Vec<String>> = PREVIEW1_FUNCTIONS.iter().map(|f| (*f, Vec::new())).collect();
    for module in crate::spec::discover_modules(suite_dir)? {
        let bytes = std::fs::read(&module).with_context(|| format!("reading {}", module.display()))?;
        let test = module.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        for name in imports_of(&bytes).with_context(|| format!("reading the imports of {}", module.display()))? {
            if let Some(tests) = table.iter_mut().find(|(f, _)| **f == name).map(|(_, t)| t) {
                if !tests.contains(&test) {
                    tests.push(test.clone());
                }
            }
        }
    }
    Ok(table)
}

/// The table as text: one line per function, uncovered ones marked.
pub fn render(table: &BTreeMap<&'static str, Vec<String>>) -> String {
    let mut text = String::new();
    let covered = table.values().filter(|tests| !tests.is_empty()).count();
    for (function, tests) in table {
        let mark = if tests.is_empty() { "UNCOVERED" } else { "" };
        text.push_str(&format!("{function:<26} {:>3} tests {mark:<9} {}\n", tests.len(), tests.join(" ")));
    }
    text.push_str(&format!("{covered} of {} preview-1 functions covered\n", table.len()));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_counted_per_function_and_test() {
        let dir = tempfile::tempdir().unwrap();
        let module = |imports: &str| {
            wat::parse_str(format!("(module {imports} (memory (export \"memory\") 1) (func (export \"_start\")))")).unwrap()
        };
        let exit = r#"(import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))"#;
        let yield_ = r#"(import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))"#;
        std::fs::write(dir.path().join("a.wasm"), module(exit)).unwrap();
        std::fs::write(dir.path().join("b.wasm"), module(&format!("{exit} {yield_}"))).unwrap();
        let table = of_suite(dir.path()).unwrap();
        assert_eq!(table["proc_exit"], ["a", "b"]);
        assert_eq!(table["sched_yield"], ["b"]);
        assert!(table["fd_read"].is_empty());
        assert_eq!(table.len(), 46);
        assert!(render(&table).contains("2 of 46 preview-1 functions covered"));
    }
}
