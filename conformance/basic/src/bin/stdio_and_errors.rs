//! fdstat on stdio, sched_yield, and proper errno values where there is no file system yet.
#[path = "../wasi.rs"]
mod wasi;

fn main() {
    for fd in 0..3 {
        let mut stat = [0u8; 24];
        assert_eq!(unsafe { wasi::fd_fdstat_get(fd, stat.as_mut_ptr()) }, 0, "fd_fdstat_get({fd})");
        assert_eq!(stat[0], wasi::FILETYPE_CHARACTER_DEVICE, "fd {fd} is not a character device");
    }
    assert_eq!(unsafe { wasi::sched_yield() }, 0);
    assert_eq!(unsafe { wasi::fd_close(99) }, wasi::ERRNO_BADF, "closing a never-opened fd");
    let mut prestat = [0u8; 8];
    assert_eq!(unsafe { wasi::fd_prestat_get(3, prestat.as_mut_ptr()) }, wasi::ERRNO_BADF, "no preopen at fd 3");
    let mut opened = 0;
    let path = b"file.txt";
    let errno = unsafe { wasi::path_open(3, 0, path.as_ptr(), path.len(), 0, u64::MAX, u64::MAX, 0, &mut opened) };
    assert_eq!(errno, wasi::ERRNO_BADF, "path_open without a preopen");
    match std::fs::File::open("anything") {
        Ok(_) => panic!("opened a file without a preopen"),
        Err(_) => println!("no file system: open fails cleanly"),
    }
    println!("stdio and errors ok");
}
