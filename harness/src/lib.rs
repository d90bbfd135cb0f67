//! The bench's harness: boots the runtime firmware of each target in QEMU, feeds it WebAssembly
//! modules, and compares what comes out with the tests' specs.
//!
//! One path: suite and target are read ([`suite`], [`target`]), the firmware is built if stale
//! ([`firmware`]), each test is packed into a job and run ([`execute`], [`launch`]), and the run
//! is judged against its spec ([`verdict`]).

pub mod availability;
pub mod bench;
pub mod compare;
pub mod coverage;
pub mod execute;
pub mod expectations;
pub mod figures;
pub mod firmware;
pub mod footprint;
pub mod frame;
pub mod gate;
pub mod launch;
pub mod matrix;
pub mod profile;
pub mod report;
pub mod report_html;
pub mod report_junit;
pub mod spec;
pub mod suite;
pub mod suite_build;
pub mod target;
pub mod verdict;

use std::path::{Path, PathBuf};

/// The bench's checkout: `XBENCH_ROOT`, else the nearest directory above the current one that
/// has `targets/` and `Cargo.toml`, else the checkout this harness was built from.
pub fn find_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XBENCH_ROOT") {
        return PathBuf::from(root);
    }
    let is_root = |dir: &Path| dir.join("targets").is_dir() && dir.join("Cargo.toml").is_file();
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(found) = cwd.ancestors().find(|dir| is_root(dir)) {
            return found.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
