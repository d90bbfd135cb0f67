//! proc_raise: the VM has no signals, so raising one answers ENOSYS and the program goes on.
#[path = "../wasi.rs"]
mod wasi;

fn main() {
    println!("raising 15");
    let e = unsafe { wasi::proc_raise(15) };
    wasi::check("proc_raise", e, wasi::ENOSYS);
    println!("proc_raise returned {e}");
}
