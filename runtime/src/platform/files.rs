//! Files: stdin (0), stdout (1) and stderr (2) are wired to the job and the board; every other
//! handle is an open file or directory of the in-firmware file system ([`crate::fs`]), numbered
//! from 3. libc-wasi resolves guest paths component by component with `os_openat` and
//! `os_readlinkat` (posix.c `path_get`), so the paths that reach here are relative to a
//! directory handle; the file system still refuses anything that would leave it. Whatever
//! reaches here answers with a WASI errno, never a crash or a hang.

use super::{errno, WasiErrno};
use crate::fs::{self, Fs};
use core::ffi::{c_char, c_int, c_void, CStr};

type Handle = c_int;

const STDIN: Handle = 0;
const STDOUT: Handle = 1;
const STDERR: Handle = 2;
/// File-system handle `h` is platform handle `h + FIRST_FS_HANDLE`.
const FIRST_FS_HANDLE: Handle = 3;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const ACCESS_READ_ONLY: u8 = 0;
const ACCESS_WRITE_ONLY: u8 = 1;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const POLLIN: i16 = 0x001;
const POLLOUT: i16 = 0x004;
const POLLNVAL: i16 = 0x020;

#[repr(C)]
pub struct IoVec {
    buf: *mut u8,
    len: usize,
}

#[repr(C)]
pub struct FileStat {
    dev: u64,
    ino: u64,
    filetype: u8,
    nlink: u64,
    size: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

/// `__wasi_dirent_t`.
#[repr(C)]
pub struct Dirent {
    next: u64,
    ino: u64,
    namlen: u32,
    filetype: u8,
}

#[repr(C)]
pub struct PollFd {
    fd: c_int,
    events: i16,
    revents: i16,
}

fn is_stdio(handle: Handle) -> bool {
    (STDIN..=STDERR).contains(&handle)
}

/// The file-system handle behind a platform handle.
fn fs_handle(handle: Handle) -> Option<usize> {
    usize::try_from(handle.checked_sub(FIRST_FS_HANDLE)?).ok()
}

fn platform_handle(h: usize) -> Result<Handle, WasiErrno> {
    Handle::try_from(h).ok().and_then(|h| h.checked_add(FIRST_FS_HANDLE)).ok_or(errno::NOMEM)
}

/// Runs `f` on the mounted file system with the file-system handle of `handle`; stdio gets
/// `for_stdio`, anything else EBADF.
fn on_fs(handle: Handle, for_stdio: WasiErrno, f: impl FnOnce(&mut Fs, usize) -> fs::Result<()>) -> WasiErrno {
    if is_stdio(handle) {
        return for_stdio;
    }
    let Some(h) = fs_handle(handle) else { return errno::BADF };
    crate::state::with_fs(|fs| match fs {
        Some(fs) => f(fs, h).err().unwrap_or(errno::SUCCESS),
        None => errno::BADF,
    })
}

/// A C path from libc-wasi as bytes.
unsafe fn path_of<'a>(path: *const c_char) -> Result<&'a [u8], WasiErrno> {
    if path.is_null() {
        return Err(errno::INVAL);
    }
    // SAFETY: libc-wasi passes NUL-terminated strings it allocated.
    Ok(unsafe { CStr::from_ptr(path) }.to_bytes())
}

unsafe fn iovecs<'a>(iov: *const IoVec, count: c_int) -> &'a [IoVec] {
    if iov.is_null() || count <= 0 {
        return &[];
    }
    // SAFETY: libc-wasi passes `count` iovecs it translated from the guest.
    unsafe { core::slice::from_raw_parts(iov, count as usize) }
}

unsafe fn buffers_mut<'a>(iov: *const IoVec, count: c_int) -> alloc::vec::Vec<&'a mut [u8]> {
    unsafe { iovecs(iov, count) }
        .iter()
        .filter(|v| !v.buf.is_null() && v.len > 0)
        // SAFETY: each iovec is a validated range of linear memory, and they do not overlap
        // in a way the guest could not also produce with one read.
        .map(|v| unsafe { core::slice::from_raw_parts_mut(v.buf, v.len) })
        .collect()
}

unsafe fn buffers<'a>(iov: *const IoVec, count: c_int) -> alloc::vec::Vec<&'a [u8]> {
    unsafe { iovecs(iov, count) }
        .iter()
        .filter(|v| !v.buf.is_null() && v.len > 0)
        // SAFETY: as above.
        .map(|v| unsafe { core::slice::from_raw_parts(v.buf.cast_const(), v.len) })
        .collect()
}

unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: checked non-null; libc-wasi passes its own locals.
        unsafe { out.write(value) };
    }
}

#[no_mangle]
pub unsafe extern "C" fn os_writev(handle: Handle, iov: *const IoVec, count: c_int, written: *mut usize) -> WasiErrno {
    let write: fn(&dyn crate::Board, &[u8]) = match handle {
        STDOUT => |board, bytes| board.write_stdout(bytes),
        STDERR => |board, bytes| board.write_stderr(bytes),
        STDIN => return errno::BADF,
        _ => {
            let bufs = unsafe { buffers(iov, count) };
            return on_fs(handle, errno::BADF, |fs, h| {
                let n = fs.write(h, &bufs)?;
                unsafe { put(written, n) };
                Ok(())
            });
        }
    };
    let Some(board) = crate::board() else { return errno::BADF };
    let mut total = 0usize;
    for bytes in unsafe { buffers(iov, count) } {
        write(board, bytes);
        total += bytes.len();
    }
    unsafe { put(written, total) };
    errno::SUCCESS
}

#[no_mangle]
pub unsafe extern "C" fn os_readv(handle: Handle, iov: *const IoVec, count: c_int, read: *mut usize) -> WasiErrno {
    let mut bufs = unsafe { buffers_mut(iov, count) };
    if handle != STDIN {
        return on_fs(handle, errno::BADF, |fs, h| {
            let n = fs.read(h, &mut bufs)?;
            unsafe { put(read, n) };
            Ok(())
        });
    }
    let mut total = 0usize;
    for out in bufs {
        let n = crate::state::read_stdin(out);
        total += n;
        if n < out.len() {
            break;
        }
    }
    unsafe { put(read, total) };
    errno::SUCCESS
}

#[no_mangle]
pub unsafe extern "C" fn os_preadv(handle: Handle, iov: *const IoVec, count: c_int, offset: u64, read: *mut usize) -> WasiErrno {
    let mut bufs = unsafe { buffers_mut(iov, count) };
    on_fs(handle, errno::SPIPE, |fs, h| {
        let n = fs.pread(h, &mut bufs, offset)?;
        unsafe { put(read, n) };
        Ok(())
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_pwritev(handle: Handle, iov: *const IoVec, count: c_int, offset: u64, written: *mut usize) -> WasiErrno {
    let bufs = unsafe { buffers(iov, count) };
    on_fs(handle, errno::SPIPE, |fs, h| {
        let n = fs.pwrite(h, &bufs, offset)?;
        unsafe { put(written, n) };
        Ok(())
    })
}

fn file_stat(stat: fs::Stat) -> FileStat {
    FileStat {
        dev: 1,
        ino: stat.ino,
        filetype: stat.filetype,
        nlink: stat.nlink,
        size: stat.size,
        atim: stat.atim,
        mtim: stat.mtim,
        ctim: stat.ctim,
    }
}

#[no_mangle]
pub unsafe extern "C" fn os_fstat(handle: Handle, buf: *mut FileStat) -> WasiErrno {
    if buf.is_null() {
        return errno::INVAL;
    }
    if is_stdio(handle) {
        let stat = FileStat { dev: 0, ino: 0, filetype: FILETYPE_CHARACTER_DEVICE, nlink: 1, size: 0, atim: 0, mtim: 0, ctim: 0 };
        unsafe { put(buf, stat) };
        return errno::SUCCESS;
    }
    on_fs(handle, errno::BADF, |fs, h| {
        let stat = fs.fstat(h)?;
        unsafe { put(buf, file_stat(stat)) };
        Ok(())
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_fstatat(handle: Handle, path: *const c_char, buf: *mut FileStat, flags: u32) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| {
        let stat = fs.statat(h, path, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
        unsafe { put(buf, file_stat(stat)) };
        Ok(())
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_file_get_fdflags(handle: Handle, flags: *mut u16) -> WasiErrno {
    if is_stdio(handle) {
        unsafe { put(flags, 0) };
        return errno::SUCCESS;
    }
    on_fs(handle, errno::BADF, |fs, h| {
        let value = fs.fdflags(h)?;
        unsafe { put(flags, value) };
        Ok(())
    })
}

#[no_mangle]
pub extern "C" fn os_file_set_fdflags(handle: Handle, flags: u16) -> WasiErrno {
    // The board's streams never block and are never buffered: NONBLOCK and the sync flags are
    // true of them already; APPEND is what a stream does anyway.
    if is_stdio(handle) {
        return if flags & !fs::fdflags::ALL == 0 { errno::SUCCESS } else { errno::INVAL };
    }
    on_fs(handle, errno::BADF, |fs, h| fs.set_fdflags(h, flags))
}

/// Data lives in RAM: there is nothing to flush, but the handle must be a file.
#[no_mangle]
pub extern "C" fn os_fdatasync(handle: Handle) -> WasiErrno {
    on_fs(handle, errno::INVAL, |fs, h| fs.fdflags(h).map(|_| ()))
}

#[no_mangle]
pub extern "C" fn os_fsync(handle: Handle) -> WasiErrno {
    on_fs(handle, errno::INVAL, |fs, h| fs.fdflags(h).map(|_| ()))
}

/// A preopen: `path` names a directory of the mounted image ("/" is its root).
#[no_mangle]
pub unsafe extern "C" fn os_open_preopendir(path: *const c_char, out: *mut Handle) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    crate::state::with_fs(|fs| {
        let Some(fs) = fs else { return errno::NOENT };
        match fs.open_dir_from_root(path).and_then(platform_handle) {
            Ok(handle) => {
                unsafe { put(out, handle) };
                errno::SUCCESS
            }
            Err(e) => e,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_openat(
    handle: Handle,
    path: *const c_char,
    oflags: u16,
    fd_flags: u16,
    lookup_flags: u32,
    access_mode: u8,
    out: *mut Handle,
) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| {
        let new = fs.openat(h, path, oflags, fd_flags, lookup_flags & LOOKUP_SYMLINK_FOLLOW != 0, access_mode)?;
        match platform_handle(new) {
            Ok(handle) => {
                unsafe { put(out, handle) };
                Ok(())
            }
            Err(e) => {
                let _ = fs.close(new);
                Err(e)
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_file_get_access_mode(handle: Handle, mode: *mut u8) -> WasiErrno {
    let value = match handle {
        STDIN => ACCESS_READ_ONLY,
        STDOUT | STDERR => ACCESS_WRITE_ONLY,
        _ => {
            return on_fs(handle, errno::BADF, |fs, h| {
                let value = fs.access_mode(h)?;
                unsafe { put(mode, value) };
                Ok(())
            })
        }
    };
    unsafe { put(mode, value) };
    errno::SUCCESS
}

/// Closing stdio leaves the board's streams alone.
#[no_mangle]
pub extern "C" fn os_close(handle: Handle, _is_stdio: bool) -> WasiErrno {
    on_fs(handle, errno::SUCCESS, |fs, h| fs.close(h))
}

#[no_mangle]
pub extern "C" fn os_fallocate(handle: Handle, offset: u64, length: u64) -> WasiErrno {
    on_fs(handle, errno::NOTSUP, |fs, h| fs.allocate(h, offset, length))
}

#[no_mangle]
pub extern "C" fn os_ftruncate(handle: Handle, size: u64) -> WasiErrno {
    on_fs(handle, errno::INVAL, |fs, h| fs.truncate(h, size))
}

#[no_mangle]
pub extern "C" fn os_futimens(handle: Handle, atime: u64, mtime: u64, flags: u16) -> WasiErrno {
    on_fs(handle, errno::NOTSUP, |fs, h| fs.futimens(h, atime, mtime, flags))
}

#[no_mangle]
pub unsafe extern "C" fn os_utimensat(handle: Handle, path: *const c_char, atime: u64, mtime: u64, flags: u16, lookup: u32) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| fs.utimensat(h, path, atime, mtime, flags, lookup & LOOKUP_SYMLINK_FOLLOW != 0))
}

#[no_mangle]
pub unsafe extern "C" fn os_readlinkat(handle: Handle, path: *const c_char, buf: *mut c_char, size: usize, read: *mut usize) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    let out: &mut [u8] = if buf.is_null() || size == 0 {
        &mut []
    } else {
        // SAFETY: libc-wasi passes a buffer of `size` bytes (its own or the guest's, validated).
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) }
    };
    on_fs(handle, errno::NOTDIR, |fs, h| {
        let n = fs.readlinkat(h, path, out)?;
        unsafe { put(read, n) };
        Ok(())
    })
}

#[no_mangle]
pub unsafe extern "C" fn os_linkat(from: Handle, from_path: *const c_char, to: Handle, to_path: *const c_char, lookup: u32) -> WasiErrno {
    let (from_path, to_path) = match unsafe { (path_of(from_path), path_of(to_path)) } {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let Some(to_h) = fs_handle(to) else { return if is_stdio(to) { errno::NOTDIR } else { errno::BADF } };
    on_fs(from, errno::NOTDIR, |fs, h| fs.linkat(h, from_path, to_h, to_path, lookup & LOOKUP_SYMLINK_FOLLOW != 0))
}

#[no_mangle]
pub unsafe extern "C" fn os_symlinkat(old_path: *const c_char, handle: Handle, new_path: *const c_char) -> WasiErrno {
    let (old_path, new_path) = match unsafe { (path_of(old_path), path_of(new_path)) } {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| fs.symlinkat(old_path, h, new_path))
}

#[no_mangle]
pub unsafe extern "C" fn os_mkdirat(handle: Handle, path: *const c_char) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| fs.mkdirat(h, path))
}

#[no_mangle]
pub unsafe extern "C" fn os_renameat(old: Handle, old_path: *const c_char, new: Handle, new_path: *const c_char) -> WasiErrno {
    let (old_path, new_path) = match unsafe { (path_of(old_path), path_of(new_path)) } {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let Some(new_h) = fs_handle(new) else { return if is_stdio(new) { errno::NOTDIR } else { errno::BADF } };
    on_fs(old, errno::NOTDIR, |fs, h| fs.renameat(h, old_path, new_h, new_path))
}

#[no_mangle]
pub unsafe extern "C" fn os_unlinkat(handle: Handle, path: *const c_char, is_dir: bool) -> WasiErrno {
    let path = match unsafe { path_of(path) } {
        Ok(path) => path,
        Err(e) => return e,
    };
    on_fs(handle, errno::NOTDIR, |fs, h| fs.unlinkat(h, path, is_dir))
}

#[no_mangle]
pub unsafe extern "C" fn os_lseek(handle: Handle, offset: i64, whence: u8, new_offset: *mut u64) -> WasiErrno {
    on_fs(handle, errno::SPIPE, |fs, h| {
        let value = fs.seek(h, offset, whence)?;
        unsafe { put(new_offset, value) };
        Ok(())
    })
}

/// Advice changes nothing in RAM; it is checked and accepted.
#[no_mangle]
pub extern "C" fn os_fadvise(handle: Handle, _offset: u64, _length: u64, advice: u8) -> WasiErrno {
    on_fs(handle, errno::SPIPE, |fs, h| {
        if advice > 5 {
            return Err(errno::INVAL);
        }
        fs.fdflags(h).map(|_| ())
    })
}

/// ESUCCESS would mean "is a terminal"; the board's streams are not, nor are files.
#[no_mangle]
pub extern "C" fn os_isatty(handle: Handle) -> WasiErrno {
    on_fs(handle, errno::NOTTY, |fs, h| fs.fdflags(h).and(Err(errno::NOTTY)))
}

/// A raw handle of -1 (wasm_runtime_set_wasi_args without `_ex`) means "the default".
#[no_mangle]
pub extern "C" fn os_convert_stdin_handle(raw: c_int) -> Handle {
    if raw < 0 { STDIN } else { raw }
}

#[no_mangle]
pub extern "C" fn os_convert_stdout_handle(raw: c_int) -> Handle {
    if raw < 0 { STDOUT } else { raw }
}

#[no_mangle]
pub extern "C" fn os_convert_stderr_handle(raw: c_int) -> Handle {
    if raw < 0 { STDERR } else { raw }
}

// libc-wasi asks these only to take a shortcut for stdio that leaves its file type "unknown"
// (WAMR 2.4.3, `fd_determine_type_rights`). Answering "no" sends stdio through `os_fstat`,
// which reports a character device as WASI says, with the rights of one; `os_close` and the
// rest still know stdio by its handle.
#[no_mangle]
pub extern "C" fn os_is_stdin_handle(_handle: Handle) -> bool {
    false
}

#[no_mangle]
pub extern "C" fn os_is_stdout_handle(_handle: Handle) -> bool {
    false
}

#[no_mangle]
pub extern "C" fn os_is_stderr_handle(_handle: Handle) -> bool {
    false
}

/// A directory stream is its directory's handle: the handle keeps the stream position, and
/// closing the stream closes the handle, as libc-wasi expects (`fd_object_release`).
#[no_mangle]
pub unsafe extern "C" fn os_fdopendir(handle: Handle, stream: *mut c_int) -> WasiErrno {
    on_fs(handle, errno::NOTDIR, |fs, h| {
        fs.opendir(h)?;
        unsafe { put(stream, handle) };
        Ok(())
    })
}

#[no_mangle]
pub extern "C" fn os_rewinddir(stream: c_int) -> WasiErrno {
    on_fs(stream, errno::BADF, |fs, h| fs.seekdir(h, 0))
}

#[no_mangle]
pub extern "C" fn os_seekdir(stream: c_int, position: u64) -> WasiErrno {
    on_fs(stream, errno::BADF, |fs, h| fs.seekdir(h, position))
}

/// The name stays valid until the next readdir or close of the same stream; libc-wasi copies
/// it right away.
#[no_mangle]
pub unsafe extern "C" fn os_readdir(stream: c_int, entry: *mut c_void, name: *mut *const c_char) -> WasiErrno {
    unsafe { put(name, core::ptr::null()) };
    on_fs(stream, errno::BADF, |fs, h| {
        let Some(item) = fs.readdir(h)? else { return Ok(()) };
        let text = fs.dir_name(h)?;
        let dirent = Dirent { next: item.next, ino: item.ino, namlen: (text.len() - 1) as u32, filetype: item.filetype };
        unsafe {
            put(entry.cast::<Dirent>(), dirent);
            put(name, text.as_ptr().cast::<c_char>());
        }
        Ok(())
    })
}

#[no_mangle]
pub extern "C" fn os_closedir(stream: c_int) -> WasiErrno {
    on_fs(stream, errno::BADF, |fs, h| fs.close(h))
}

#[no_mangle]
pub extern "C" fn os_get_invalid_dir_stream() -> c_int {
    -1
}

#[no_mangle]
pub unsafe extern "C" fn os_is_dir_stream_valid(stream: *mut c_int) -> bool {
    // SAFETY: libc-wasi passes a pointer to its own stream field.
    !stream.is_null() && unsafe { *stream } >= 0
}

#[no_mangle]
pub extern "C" fn os_get_invalid_handle() -> Handle {
    -1
}

#[no_mangle]
pub extern "C" fn os_invalid_raw_handle() -> c_int {
    -1
}

#[no_mangle]
pub unsafe extern "C" fn os_is_handle_valid(handle: *mut Handle) -> bool {
    // SAFETY: libc-wasi passes a pointer to its own handle field.
    !handle.is_null() && unsafe { *handle } > -1
}

/// libc-wasi calls this for two things: the preopens (image paths like "/" or "/dir", which
/// must resolve) and, in `path_symlink`/`path_link`, to check that a link target lies inside a
/// preopen (`validate_path`, where "does not exist" means "allowed"). Only absolute paths to a
/// directory of the image resolve; everything else is "does not exist", so that creating a
/// symlink is always allowed and the sandbox is enforced where it matters, when a path is
/// resolved (an absolute or escaping target is then ENOTCAPABLE).
#[no_mangle]
pub unsafe extern "C" fn os_realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    const RESOLVED_MAX: usize = 256;
    let Ok(bytes) = (unsafe { path_of(path) }) else { return core::ptr::null_mut() };
    if resolved.is_null() || bytes.len() >= RESOLVED_MAX || !bytes.starts_with(b"/") {
        return core::ptr::null_mut();
    }
    let exists = crate::state::with_fs(|fs| {
        let Some(fs) = fs else { return false };
        match fs.open_dir_from_root(bytes) {
            Ok(h) => {
                let _ = fs.close(h);
                true
            }
            Err(_) => false,
        }
    });
    if !exists {
        return core::ptr::null_mut();
    }
    // SAFETY: resolved has room for PATH_MAX (>= 256) bytes; the copy includes the NUL.
    unsafe { core::ptr::copy_nonoverlapping(path, resolved, bytes.len() + 1) };
    resolved
}

#[no_mangle]
pub extern "C" fn os_compare_file_handle(a: Handle, b: Handle) -> bool {
    a == b
}

/// Readiness for poll_oneoff: stdin is always readable (EOF counts), stdout and stderr always
/// writable, files always both (RAM never blocks); a closed handle is invalid. When nothing is
/// ready, waits out the timeout (milliseconds; negative means forever, which with nothing that
/// could ever become ready is answered at once instead of hanging).
#[no_mangle]
pub unsafe extern "C" fn os_poll(fds: *mut PollFd, count: u32, timeout: c_int) -> c_int {
    if fds.is_null() || count == 0 {
        if timeout > 0 {
            super::time::sleep_ms(timeout as u64);
        }
        return 0;
    }
    // SAFETY: libc-wasi passes `count` pollfds it allocated.
    let fds = unsafe { core::slice::from_raw_parts_mut(fds, count as usize) };
    let mut ready = 0;
    for pfd in fds {
        pfd.revents = match pfd.fd {
            fd if fd < 0 => 0,
            STDIN => pfd.events & POLLIN,
            STDOUT | STDERR => pfd.events & POLLOUT,
            fd => {
                let open = fs_handle(fd).is_some_and(|h| crate::state::with_fs(|fs| fs.as_ref().is_some_and(|fs| fs.is_open(h))));
                if open { pfd.events & (POLLIN | POLLOUT) } else { POLLNVAL }
            }
        };
        if pfd.revents != 0 {
            ready += 1;
        }
    }
    if ready == 0 && timeout > 0 {
        super::time::sleep_ms(timeout as u64);
    }
    ready
}

/// The bytes a read on `handle` would return now, for `ioctl(FIONREAD)` (poll's `nbytes`):
/// stdin's unread bytes, a file's bytes past its offset; -1 for anything else.
#[no_mangle]
pub extern "C" fn xila_readable_bytes(handle: Handle) -> core::ffi::c_long {
    if handle == STDIN {
        return crate::state::stdin_remaining() as core::ffi::c_long;
    }
    let Some(h) = fs_handle(handle) else { return -1 };
    crate::state::with_fs(|fs| fs.as_ref().and_then(|fs| fs.readable(h).ok()))
        .map_or(-1, |n| n.min(core::ffi::c_long::MAX as u64) as core::ffi::c_long)
}
