//! proc_raise: WAMR's libc-wasi has no signals; it records "wasi proc raise <n>" as the
//! instance's exception, which ends the run as a trap naming the signal.
#[path = "../wasi.rs"]
mod wasi;

fn main() {
    println!("raising 15");
    let e = unsafe { wasi::proc_raise(15) };
    println!("proc_raise returned {e}");
}
