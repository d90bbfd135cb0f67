//! Legacy `dirs`: the directory is preopened under its own name at fd 3.
#[path = "../wasi.rs"]
mod wasi;
use wasi::*;

fn main() {
    let mut pre = [0u8; 8];
    check("fd_prestat_get", unsafe { fd_prestat_get(ROOT, pre.as_mut_ptr()) }, SUCCESS);
    let len = u32_at(&pre, 4) as usize;
    let mut name = vec![0u8; len];
    check("fd_prestat_dir_name", unsafe { fd_prestat_dir_name(ROOT, name.as_mut_ptr(), len) }, SUCCESS);
    check_eq("preopen name", String::from_utf8_lossy(&name).into_owned(), std::env::args().nth(1).unwrap());
    check("fd_prestat_get 4", unsafe { fd_prestat_get(4, pre.as_mut_ptr()) }, EBADF);
    create(ROOT, "legacy-out.txt", b"legacy\n");
    println!("legacy dirs ok");
}
