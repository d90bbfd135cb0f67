//! The bench's workloads as a WebAssembly guest: `bench <workload>` runs one workload between
//! the runtime's `xila_bench.begin` and `xila_bench.end` marks (the measured region), checks
//! its answer, prints `<workload> ok <checksum>` and exits 0, or exits 1 on a wrong answer.
//! `bench none` measures the marks alone; `bench list` prints the workload names.

use xila_bench_workloads::{find, ALL, SCRATCH_WORDS};

#[link(wasm_import_module = "xila_bench")]
extern "C" {
    /// Records the instruction counter: the measured region starts here.
    fn begin();
    /// Records the instruction counter: the measured region ends here.
    fn end();
}

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    if name == "list" {
        for w in ALL {
            println!("{} {}", w.name, w.what);
        }
        return;
    }
    // Allocated and touched before the measured region.
    let mut scratch = vec![0u32; SCRATCH_WORDS];
    if name == "none" {
        // SAFETY: the runtime's natives take no arguments and touch no guest memory.
        unsafe {
            begin();
            end();
        }
        println!("none ok");
        return;
    }
    let Some(workload) = find(&name) else {
        eprintln!("bench: unknown workload {name:?}; `bench list` names them");
        std::process::exit(2);
    };
    // SAFETY: as above.
    unsafe { begin() };
    let result = workload.run(&mut scratch);
    // SAFETY: as above.
    unsafe { end() };
    match result {
        Ok(sum) => println!("{name} ok {sum:#010x}"),
        Err(sum) => {
            eprintln!("{name}: wrong answer {sum:#010x}");
            std::process::exit(1);
        }
    }
}
