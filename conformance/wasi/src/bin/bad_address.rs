//! Pointers and lengths outside linear memory: every WASI function that takes one answers
//! EFAULT, writes nothing, and the program goes on (it ends normally and prints its verdict).
//! Each output pointer is checked twice: wholly past the end, and straddling the end (the
//! first bytes in memory, the rest outside), which a check of the start address alone misses.
#[path = "../wasi.rs"]
mod wasi;
use wasi::*;

const EFAULT: u16 = 21;

/// One past the last byte of linear memory.
fn memory_end() -> usize {
    core::arch::wasm32::memory_size(0) * 65536
}

/// An address whose first byte is in memory and whose `size`-byte record is not.
fn straddling<T>(size: usize) -> *mut T {
    (memory_end() - size / 2) as *mut T
}

/// An address wholly outside linear memory.
fn outside<T>() -> *mut T {
    (memory_end() + 64) as *mut T
}

fn both<T>(what: &str, size: usize, call: impl Fn(*mut T) -> u16) {
    check(&format!("{what} (outside)"), call(outside()), EFAULT);
    check(&format!("{what} (straddling)"), call(straddling(size)), EFAULT);
}

fn main() {
    // A page of our own at the end of memory, so that the writes that must succeed there
    // (args_get below) clobber nothing the allocator owns.
    check_eq("memory.grow", core::arch::wasm32::memory_grow(0, 1) != usize::MAX, true);
    let mut word_cell = 0u32;
    let mut buf_cell = [0u8; 64];
    let mut flags_cell = 0u16;
    // Raw pointers, so that the closures below can share them.
    let word: *mut u32 = &mut word_cell;
    let buf: *mut u8 = buf_cell.as_mut_ptr();
    let flags: *mut u16 = &mut flags_cell;
    let name = b"efault_probe";

    both("args_sizes_get argc", 4, |p| unsafe { args_sizes_get(p, word) });
    both("environ_sizes_get size", 4, |p| unsafe { environ_sizes_get(word, p) });
    // The lists need exactly `count` slots (no terminator), the buffers exactly their size.
    let (mut argc, mut argv_size, mut envc, mut env_size) = (0u32, 0u32, 0u32, 0u32);
    check("args_sizes_get", unsafe { args_sizes_get(&mut argc, &mut argv_size) }, SUCCESS);
    check("environ_sizes_get", unsafe { environ_sizes_get(&mut envc, &mut env_size) }, SUCCESS);
    check_eq("argc", argc, 2);
    check_eq("environ count", envc, 1);
    let (argv_bytes, env_bytes) = (argc as usize * 4, envc as usize * 4);
    both("args_get argv", argv_bytes, |p| unsafe { args_get(p, buf) });
    both("args_get buffer", argv_size as usize, |p| unsafe { args_get(buf.cast(), p) });
    both("environ_get list", env_bytes, |p| unsafe { environ_get(p, buf) });
    both("environ_get buffer", env_size as usize, |p| unsafe { environ_get(buf.cast(), p) });
    let mut list = [0u32; 2];
    let at_end = (memory_end() - argv_bytes) as *mut u32;
    check("args_get list ending at the end of memory", unsafe { args_get(at_end, buf) }, SUCCESS);
    unsafe { core::ptr::copy_nonoverlapping(at_end, list.as_mut_ptr(), 2) };
    check_eq("args_get first offset", list[0], buf as u32);
    both("clock_res_get", 8, |p| unsafe { clock_res_get(0, p) });
    both("clock_time_get", 8, |p| unsafe { clock_time_get(1, 1, p) });
    both("random_get", 16, |p| unsafe { random_get(p, 16) });

    both("fd_prestat_get", 8, |p| unsafe { fd_prestat_get(ROOT, p) });
    both("fd_prestat_dir_name", 4, |p| unsafe { fd_prestat_dir_name(ROOT, p, 4) });
    both("fd_fdstat_get", 24, |p| unsafe { fd_fdstat_get(1, p) });
    both("fd_filestat_get", 64, |p| unsafe { fd_filestat_get(ROOT, p) });
    both("fd_tell", 8, |p| unsafe { fd_tell(1, p) });
    both("fd_seek", 8, |p| unsafe { fd_seek(1, 0, 0, p) });
    both("fd_readdir buffer", 32, |p| unsafe { fd_readdir(ROOT, p, 32, 0, word) });
    both("fd_readdir used", 4, |p| unsafe { fd_readdir(ROOT, buf, 64, 0, p) });

    // Vectored I/O: the iovec array, a buffer an iovec points at, and the count written back.
    let text = b"must not appear\n";
    let good_iov = [text.as_ptr() as u32, text.len() as u32];
    let past_end_iov = [(memory_end() - 4) as u32, 8];
    both("fd_write iovecs", 8, |p| unsafe { fd_write(1, p, 1, word) });
    check("fd_write iovec buffer", unsafe { fd_write(1, past_end_iov.as_ptr(), 1, word) }, EFAULT);
    both("fd_write written", 4, |p| unsafe { fd_write(1, good_iov.as_ptr(), 1, p) });
    both("fd_read iovecs", 8, |p| unsafe { fd_read(0, p, 1, word) });
    both("fd_read read", 4, |p| unsafe { fd_read(0, good_iov.as_ptr(), 1, p) });
    both("fd_pwrite iovecs", 8, |p| unsafe { fd_pwrite(1, p, 1, 0, word) });
    both("fd_pread iovecs", 8, |p| unsafe { fd_pread(0, p, 1, 0, word) });
    check("fd_pread iovec buffer", unsafe { fd_pread(0, past_end_iov.as_ptr(), 1, 0, word) }, EFAULT);

    // Paths: the string itself, and a length that runs past the end of memory.
    let end = memory_end();
    let long = end - (name.as_ptr() as usize) + 1;
    both("path_open path", 4, |p: *mut u8| unsafe { path_open(ROOT, 0, p, 4, 0, RIGHTS_ALL, RIGHTS_ALL, 0, word) });
    check("path_open length", unsafe { path_open(ROOT, 0, name.as_ptr(), long, 0, RIGHTS_ALL, RIGHTS_ALL, 0, word) }, EFAULT);
    both("path_open opened", 4, |p| unsafe { path_open(ROOT, 0, b".".as_ptr(), 1, 0, RIGHTS_DIR, RIGHTS_DIR, 0, p) });
    both("path_create_directory", 4, |p: *mut u8| unsafe { path_create_directory(ROOT, p, 4) });
    check("path_create_directory length", unsafe { path_create_directory(ROOT, name.as_ptr(), long) }, EFAULT);
    both("path_remove_directory", 4, |p: *mut u8| unsafe { path_remove_directory(ROOT, p, 4) });
    both("path_unlink_file", 4, |p: *mut u8| unsafe { path_unlink_file(ROOT, p, 4) });
    both("path_filestat_get path", 4, |p: *mut u8| unsafe { path_filestat_get(ROOT, 0, p, 4, buf) });
    both("path_filestat_get stat", 64, |p| unsafe { path_filestat_get(ROOT, 0, b".".as_ptr(), 1, p) });
    both("path_filestat_set_times", 4, |p: *mut u8| unsafe { path_filestat_set_times(ROOT, 0, p, 4, 0, 0, 0) });
    both("path_readlink path", 4, |p: *mut u8| unsafe { path_readlink(ROOT, p, 4, buf, 64, word) });
    both("path_readlink buffer", 16, |p| unsafe { path_readlink(ROOT, name.as_ptr(), name.len(), p, 16, word) });
    both("path_readlink used", 4, |p| unsafe { path_readlink(ROOT, name.as_ptr(), name.len(), buf, 64, p) });
    both("path_symlink target", 4, |p: *mut u8| unsafe { path_symlink(p, 4, ROOT, name.as_ptr(), name.len()) });
    both("path_symlink link", 4, |p: *mut u8| unsafe { path_symlink(name.as_ptr(), name.len(), ROOT, p, 4) });
    both("path_link old", 4, |p: *mut u8| unsafe { path_link(ROOT, 0, p, 4, ROOT, name.as_ptr(), name.len()) });
    both("path_link new", 4, |p: *mut u8| unsafe { path_link(ROOT, 0, name.as_ptr(), name.len(), ROOT, p, 4) });
    both("path_rename old", 4, |p: *mut u8| unsafe { path_rename(ROOT, p, 4, ROOT, name.as_ptr(), name.len()) });
    both("path_rename new", 4, |p: *mut u8| unsafe { path_rename(ROOT, name.as_ptr(), name.len(), ROOT, p, 4) });

    // poll_oneoff: subscriptions (48 bytes each), events (32 each), the event count.
    let subscription = [0u8; 48];
    let mut event_cell = [0u8; 32];
    let event = event_cell.as_mut_ptr();
    both("poll_oneoff subscriptions", 48, |p: *mut u8| unsafe { poll_oneoff(p, event, 1, word) });
    both("poll_oneoff events", 32, |p| unsafe { poll_oneoff(subscription.as_ptr(), p, 1, word) });
    both("poll_oneoff count", 4, |p| unsafe { poll_oneoff(subscription.as_ptr(), event, 1, p) });

    // Sockets check their pointers first, like every other call.
    both("sock_accept", 4, |p| unsafe { sock_accept(1, 0, p) });
    both("sock_recv iovecs", 8, |p| unsafe { sock_recv(0, p, 1, 0, word, flags) });
    both("sock_send iovecs", 8, |p| unsafe { sock_send(1, p, 1, 0, word) });

    // Nothing was written: no file or directory named by a faulting call exists.
    check("nothing created", unsafe { path_filestat_get(ROOT, 0, name.as_ptr(), name.len(), buf) }, ENOENT);
    check_eq("word untouched", word_cell, 0);
    println!("bad_address ok");
}
