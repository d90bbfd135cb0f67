//! proc_exit with a code: the code reaches the harness, nothing after it runs.
#[path = "../wasi.rs"]
mod wasi;

fn main() {
    println!("exiting with 42");
    unsafe { wasi::proc_exit(42) };
}
