//! Raw imports of all 46 wasi_snapshot_preview1 functions and a checker that stops the test at
//! the first mismatch with a message naming the call, the errno it got and the one expected.
#![allow(dead_code)]

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn args_get(argv: *mut u32, buf: *mut u8) -> u16;
    pub fn args_sizes_get(argc: *mut u32, size: *mut u32) -> u16;
    pub fn environ_get(env: *mut u32, buf: *mut u8) -> u16;
    pub fn environ_sizes_get(count: *mut u32, size: *mut u32) -> u16;
    pub fn clock_res_get(id: u32, resolution: *mut u64) -> u16;
    pub fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    pub fn fd_advise(fd: u32, offset: u64, len: u64, advice: u8) -> u16;
    pub fn fd_allocate(fd: u32, offset: u64, len: u64) -> u16;
    pub fn fd_close(fd: u32) -> u16;
    pub fn fd_datasync(fd: u32) -> u16;
    pub fn fd_fdstat_get(fd: u32, stat: *mut u8) -> u16;
    pub fn fd_fdstat_set_flags(fd: u32, flags: u16) -> u16;
    pub fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> u16;
    pub fn fd_filestat_get(fd: u32, stat: *mut u8) -> u16;
    pub fn fd_filestat_set_size(fd: u32, size: u64) -> u16;
    pub fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u16) -> u16;
    pub fn fd_pread(fd: u32, iovs: *const u32, n: usize, offset: u64, nread: *mut u32) -> u16;
    pub fn fd_prestat_get(fd: u32, prestat: *mut u8) -> u16;
    pub fn fd_prestat_dir_name(fd: u32, path: *mut u8, len: usize) -> u16;
    pub fn fd_pwrite(fd: u32, iovs: *const u32, n: usize, offset: u64, nwritten: *mut u32) -> u16;
    pub fn fd_read(fd: u32, iovs: *const u32, n: usize, nread: *mut u32) -> u16;
    pub fn fd_readdir(fd: u32, buf: *mut u8, len: usize, cookie: u64, used: *mut u32) -> u16;
    pub fn fd_renumber(from: u32, to: u32) -> u16;
    pub fn fd_seek(fd: u32, offset: i64, whence: u8, new: *mut u64) -> u16;
    pub fn fd_sync(fd: u32) -> u16;
    pub fn fd_tell(fd: u32, offset: *mut u64) -> u16;
    pub fn fd_write(fd: u32, iovs: *const u32, n: usize, nwritten: *mut u32) -> u16;
    pub fn path_create_directory(fd: u32, path: *const u8, len: usize) -> u16;
    pub fn path_filestat_get(fd: u32, flags: u32, path: *const u8, len: usize, stat: *mut u8) -> u16;
    pub fn path_filestat_set_times(fd: u32, flags: u32, path: *const u8, len: usize, atim: u64, mtim: u64, fst: u16) -> u16;
    pub fn path_link(old_fd: u32, old_flags: u32, old: *const u8, old_len: usize, new_fd: u32, new: *const u8, new_len: usize) -> u16;
    pub fn path_open(fd: u32, dirflags: u32, path: *const u8, len: usize, oflags: u16, base: u64, inheriting: u64, fdflags: u16, opened: *mut u32) -> u16;
    pub fn path_readlink(fd: u32, path: *const u8, len: usize, buf: *mut u8, buf_len: usize, used: *mut u32) -> u16;
    pub fn path_remove_directory(fd: u32, path: *const u8, len: usize) -> u16;
    pub fn path_rename(fd: u32, old: *const u8, old_len: usize, new_fd: u32, new: *const u8, new_len: usize) -> u16;
    pub fn path_symlink(old: *const u8, old_len: usize, fd: u32, new: *const u8, new_len: usize) -> u16;
    pub fn path_unlink_file(fd: u32, path: *const u8, len: usize) -> u16;
    pub fn poll_oneoff(subs: *const u8, events: *mut u8, n: usize, nevents: *mut u32) -> u16;
    pub fn proc_exit(code: u32) -> !;
    pub fn proc_raise(signal: u8) -> u16;
    pub fn random_get(buf: *mut u8, len: usize) -> u16;
    pub fn sched_yield() -> u16;
    pub fn sock_accept(fd: u32, flags: u16, new: *mut u32) -> u16;
    pub fn sock_recv(fd: u32, iovs: *const u32, n: usize, flags: u16, len: *mut u32, oflags: *mut u16) -> u16;
    pub fn sock_send(fd: u32, iovs: *const u32, n: usize, flags: u16, len: *mut u32) -> u16;
    pub fn sock_shutdown(fd: u32, how: u8) -> u16;
}

pub const SUCCESS: u16 = 0;
pub const EACCES: u16 = 2;
pub const EBADF: u16 = 8;
pub const EEXIST: u16 = 20;
pub const EINVAL: u16 = 28;
pub const EISDIR: u16 = 31;
pub const ELOOP: u16 = 32;
pub const ENAMETOOLONG: u16 = 37;
pub const ENOENT: u16 = 44;
pub const ENOSYS: u16 = 52;
pub const ENOTDIR: u16 = 54;
pub const ENOTEMPTY: u16 = 55;
pub const ENOTSOCK: u16 = 57;
pub const ENOTSUP: u16 = 58;
pub const EPERM: u16 = 63;
pub const ESPIPE: u16 = 70;
pub const ENOTCAPABLE: u16 = 76;

pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;
pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

pub const O_CREAT: u16 = 1;
pub const O_DIRECTORY: u16 = 2;
pub const O_EXCL: u16 = 4;
pub const O_TRUNC: u16 = 8;
pub const FDFLAG_APPEND: u16 = 1;
pub const FDFLAG_NONBLOCK: u16 = 4;
pub const LOOKUP_FOLLOW: u32 = 1;
pub const RIGHTS_ALL: u64 = (1 << 28) - 1;
/// RIGHTS_ALL without the rights that need write access (a directory cannot be opened for writing).
pub const RIGHTS_DIR: u64 = RIGHTS_ALL & !(1 | 1 << 6 | 1 << 8 | 1 << 22);
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
pub const RIGHT_FD_SEEK: u64 = 1 << 2;

static mut FAILED_CHECKS: u32 = 0;

/// Stops the test at the first mismatch.
pub fn check(what: &str, got: u16, want: u16) {
    if got != want {
        eprintln!("{what}: got errno {got}, expected {want}");
        std::process::exit(1);
    }
}

pub fn check_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) {
    if got != want {
        eprintln!("{what}: got {got:?}, expected {want:?}");
        std::process::exit(1);
    }
}

pub fn u64_at(buf: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(buf[at..at + 8].try_into().unwrap())
}

pub fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(buf[at..at + 4].try_into().unwrap())
}

pub fn u16_at(buf: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(buf[at..at + 2].try_into().unwrap())
}

/// The first preopen: fd 3.
pub const ROOT: u32 = 3;

pub fn open(dir: u32, path: &str, oflags: u16, rights: u64, fdflags: u16) -> Result<u32, u16> {
    let mut fd = 0;
    let e = unsafe { path_open(dir, 0, path.as_ptr(), path.len(), oflags, rights, rights, fdflags, &mut fd) };
    if e == SUCCESS { Ok(fd) } else { Err(e) }
}

pub fn open_follow(dir: u32, path: &str, oflags: u16, rights: u64) -> Result<u32, u16> {
    let mut fd = 0;
    let e = unsafe { path_open(dir, LOOKUP_FOLLOW, path.as_ptr(), path.len(), oflags, rights, rights, 0, &mut fd) };
    if e == SUCCESS { Ok(fd) } else { Err(e) }
}

pub fn errno_of<T>(r: Result<T, u16>) -> u16 {
    match r {
        Ok(_) => SUCCESS,
        Err(e) => e,
    }
}

pub fn write(fd: u32, bytes: &[u8]) -> Result<u32, u16> {
    let iov = [bytes.as_ptr() as u32, bytes.len() as u32];
    let mut n = 0;
    let e = unsafe { fd_write(fd, iov.as_ptr(), 1, &mut n) };
    if e == SUCCESS { Ok(n) } else { Err(e) }
}

pub fn read(fd: u32, len: usize) -> Result<Vec<u8>, u16> {
    let mut buf = vec![0u8; len];
    let iov = [buf.as_mut_ptr() as u32, len as u32];
    let mut n = 0;
    let e = unsafe { fd_read(fd, iov.as_ptr(), 1, &mut n) };
    if e != SUCCESS {
        return Err(e);
    }
    buf.truncate(n as usize);
    Ok(buf)
}

pub fn filestat_at(dir: u32, flags: u32, path: &str) -> Result<[u8; 64], u16> {
    let mut st = [0u8; 64];
    let e = unsafe { path_filestat_get(dir, flags, path.as_ptr(), path.len(), st.as_mut_ptr()) };
    if e == SUCCESS { Ok(st) } else { Err(e) }
}

pub fn fstat(fd: u32) -> Result<[u8; 64], u16> {
    let mut st = [0u8; 64];
    let e = unsafe { fd_filestat_get(fd, st.as_mut_ptr()) };
    if e == SUCCESS { Ok(st) } else { Err(e) }
}

pub fn fdstat(fd: u32) -> Result<[u8; 24], u16> {
    let mut st = [0u8; 24];
    let e = unsafe { fd_fdstat_get(fd, st.as_mut_ptr()) };
    if e == SUCCESS { Ok(st) } else { Err(e) }
}

pub fn mkdir(dir: u32, path: &str) -> u16 {
    unsafe { path_create_directory(dir, path.as_ptr(), path.len()) }
}
pub fn rmdir(dir: u32, path: &str) -> u16 {
    unsafe { path_remove_directory(dir, path.as_ptr(), path.len()) }
}
pub fn unlink(dir: u32, path: &str) -> u16 {
    unsafe { path_unlink_file(dir, path.as_ptr(), path.len()) }
}
pub fn symlink(target: &str, dir: u32, path: &str) -> u16 {
    unsafe { path_symlink(target.as_ptr(), target.len(), dir, path.as_ptr(), path.len()) }
}
pub fn rename(dir: u32, old: &str, new_dir: u32, new: &str) -> u16 {
    unsafe { path_rename(dir, old.as_ptr(), old.len(), new_dir, new.as_ptr(), new.len()) }
}
pub fn link(dir: u32, flags: u32, old: &str, new_dir: u32, new: &str) -> u16 {
    unsafe { path_link(dir, flags, old.as_ptr(), old.len(), new_dir, new.as_ptr(), new.len()) }
}
pub fn readlink(dir: u32, path: &str) -> Result<Vec<u8>, u16> {
    let mut buf = vec![0u8; 256];
    let mut used = 0;
    let e = unsafe { path_readlink(dir, path.as_ptr(), path.len(), buf.as_mut_ptr(), buf.len(), &mut used) };
    if e != SUCCESS {
        return Err(e);
    }
    buf.truncate(used as usize);
    Ok(buf)
}

/// Creates a file with the given contents.
pub fn create(dir: u32, path: &str, contents: &[u8]) {
    let fd = open(dir, path, O_CREAT | O_TRUNC, RIGHTS_ALL, 0).unwrap_or_else(|e| {
        eprintln!("create {path}: errno {e}");
        std::process::exit(1)
    });
    check_eq(&format!("write {path}"), write(fd, contents), Ok(contents.len() as u32));
    check("close", unsafe { fd_close(fd) }, SUCCESS);
}
