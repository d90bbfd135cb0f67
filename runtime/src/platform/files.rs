//! Files: the only handles are stdin (0), stdout (1) and stderr (2), wired to the job and the
//! board. There are no preopens, so libc-wasi rejects path calls with EBADF before reaching
//! here; whatever does reach here answers with a WASI errno, never a crash or a hang.

use super::{errno, WasiErrno};
use core::ffi::{c_char, c_int, c_void};

type Handle = c_int;

const STDIN: Handle = 0;
const STDOUT: Handle = 1;
const STDERR: Handle = 2;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const ACCESS_READ_ONLY: u8 = 0;
const ACCESS_WRITE_ONLY: u8 = 1;
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

#[repr(C)]
pub struct PollFd {
    fd: c_int,
    events: i16,
    revents: i16,
}

fn is_stdio(handle: Handle) -> bool {
    (STDIN..=STDERR).contains(&handle)
}

/// The answer for an operation stdio cannot do, or a handle that does not exist.
fn unsupported_on(handle: Handle, for_stdio: WasiErrno) -> WasiErrno {
    if is_stdio(handle) {
        for_stdio
    } else {
        errno::BADF
    }
}

unsafe fn iovecs<'a>(iov: *const IoVec, count: c_int) -> &'a [IoVec] {
    if iov.is_null() || count <= 0 {
        return &[];
    }
    // SAFETY: libc-wasi passes `count` iovecs it translated from the guest.
    unsafe { core::slice::from_raw_parts(iov, count as usize) }
}

#[no_mangle]
pub unsafe extern "C" fn os_writev(handle: Handle, iov: *const IoVec, count: c_int, written: *mut usize) -> WasiErrno {
    let Some(board) = crate::board() else { return errno::BADF };
    let write: fn(&dyn crate::Board, &[u8]) = match handle {
        STDOUT => |board, bytes| board.write_stdout(bytes),
        STDERR => |board, bytes| board.write_stderr(bytes),
        _ => return errno::BADF,
    };
    let mut total = 0usize;
    for vec in unsafe { iovecs(iov, count) } {
        if vec.buf.is_null() || vec.len == 0 {
            continue;
        }
        // SAFETY: each iovec is a validated range of linear memory.
        write(board, unsafe { core::slice::from_raw_parts(vec.buf, vec.len) });
        total += vec.len;
    }
    if !written.is_null() {
        // SAFETY: checked non-null; libc-wasi passes a local.
        unsafe { *written = total };
    }
    errno::SUCCESS
}

#[no_mangle]
pub unsafe extern "C" fn os_readv(handle: Handle, iov: *const IoVec, count: c_int, read: *mut usize) -> WasiErrno {
    if handle != STDIN {
        return errno::BADF;
    }
    let mut total = 0usize;
    for vec in unsafe { iovecs(iov, count) } {
        if vec.buf.is_null() || vec.len == 0 {
            continue;
        }
        // SAFETY: each iovec is a validated range of linear memory.
        let out = unsafe { core::slice::from_raw_parts_mut(vec.buf, vec.len) };
        let n = crate::state::read_stdin(out);
        total += n;
        if n < out.len() {
            break;
        }
    }
    if !read.is_null() {
        // SAFETY: checked non-null; libc-wasi passes a local.
        unsafe { *read = total };
    }
    errno::SUCCESS
}

#[no_mangle]
pub extern "C" fn os_preadv(handle: Handle, _iov: *const IoVec, _count: c_int, _offset: u64, _read: *mut usize) -> WasiErrno {
    unsupported_on(handle, errno::SPIPE)
}

#[no_mangle]
pub extern "C" fn os_pwritev(handle: Handle, _iov: *const IoVec, _count: c_int, _offset: u64, _written: *mut usize) -> WasiErrno {
    unsupported_on(handle, errno::SPIPE)
}

#[no_mangle]
pub unsafe extern "C" fn os_fstat(handle: Handle, buf: *mut FileStat) -> WasiErrno {
    if !is_stdio(handle) {
        return errno::BADF;
    }
    if buf.is_null() {
        return errno::INVAL;
    }
    // SAFETY: checked non-null; libc-wasi passes its own filestat.
    unsafe {
        buf.write(FileStat { dev: 0, ino: 0, filetype: FILETYPE_CHARACTER_DEVICE, nlink: 1, size: 0, atim: 0, mtim: 0, ctim: 0 })
    };
    errno::SUCCESS
}

#[no_mangle]
pub extern "C" fn os_fstatat(handle: Handle, _path: *const c_char, _buf: *mut FileStat, _flags: u32) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub unsafe extern "C" fn os_file_get_fdflags(handle: Handle, flags: *mut u16) -> WasiErrno {
    if !is_stdio(handle) {
        return errno::BADF;
    }
    if !flags.is_null() {
        // SAFETY: checked non-null; libc-wasi passes a local.
        unsafe { *flags = 0 };
    }
    errno::SUCCESS
}

#[no_mangle]
pub extern "C" fn os_file_set_fdflags(handle: Handle, _flags: u16) -> WasiErrno {
    unsupported_on(handle, errno::NOTSUP)
}

#[no_mangle]
pub extern "C" fn os_fdatasync(handle: Handle) -> WasiErrno {
    unsupported_on(handle, errno::INVAL)
}

#[no_mangle]
pub extern "C" fn os_fsync(handle: Handle) -> WasiErrno {
    unsupported_on(handle, errno::INVAL)
}

#[no_mangle]
pub extern "C" fn os_open_preopendir(_path: *const c_char, _out: *mut Handle) -> WasiErrno {
    errno::NOSYS
}

#[no_mangle]
pub extern "C" fn os_openat(
    handle: Handle,
    _path: *const c_char,
    _oflags: u16,
    _fd_flags: u16,
    _lookup_flags: u32,
    _access_mode: u8,
    _out: *mut Handle,
) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub unsafe extern "C" fn os_file_get_access_mode(handle: Handle, mode: *mut u8) -> WasiErrno {
    let value = match handle {
        STDIN => ACCESS_READ_ONLY,
        STDOUT | STDERR => ACCESS_WRITE_ONLY,
        _ => return errno::BADF,
    };
    if !mode.is_null() {
        // SAFETY: checked non-null; libc-wasi passes a local.
        unsafe { *mode = value };
    }
    errno::SUCCESS
}

/// Closing stdio leaves the board's streams alone.
#[no_mangle]
pub extern "C" fn os_close(handle: Handle, _is_stdio: bool) -> WasiErrno {
    unsupported_on(handle, errno::SUCCESS)
}

#[no_mangle]
pub extern "C" fn os_fallocate(handle: Handle, _offset: u64, _length: u64) -> WasiErrno {
    unsupported_on(handle, errno::NOTSUP)
}

#[no_mangle]
pub extern "C" fn os_ftruncate(handle: Handle, _size: u64) -> WasiErrno {
    unsupported_on(handle, errno::INVAL)
}

#[no_mangle]
pub extern "C" fn os_futimens(handle: Handle, _atime: u64, _mtime: u64, _flags: u16) -> WasiErrno {
    unsupported_on(handle, errno::NOTSUP)
}

#[no_mangle]
pub extern "C" fn os_utimensat(handle: Handle, _path: *const c_char, _atime: u64, _mtime: u64, _flags: u16, _lookup: u32) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_readlinkat(handle: Handle, _path: *const c_char, _buf: *mut c_char, _size: usize, _read: *mut usize) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_linkat(from: Handle, _from_path: *const c_char, _to: Handle, _to_path: *const c_char, _lookup: u32) -> WasiErrno {
    unsupported_on(from, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_symlinkat(_old_path: *const c_char, handle: Handle, _new_path: *const c_char) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_mkdirat(handle: Handle, _path: *const c_char) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_renameat(old: Handle, _old_path: *const c_char, _new: Handle, _new_path: *const c_char) -> WasiErrno {
    unsupported_on(old, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_unlinkat(handle: Handle, _path: *const c_char, _is_dir: bool) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_lseek(handle: Handle, _offset: i64, _whence: u8, _new_offset: *mut u64) -> WasiErrno {
    unsupported_on(handle, errno::SPIPE)
}

#[no_mangle]
pub extern "C" fn os_fadvise(handle: Handle, _offset: u64, _length: u64, _advice: u8) -> WasiErrno {
    unsupported_on(handle, errno::SPIPE)
}

/// ESUCCESS would mean "is a terminal"; the board's streams are not.
#[no_mangle]
pub extern "C" fn os_isatty(handle: Handle) -> WasiErrno {
    unsupported_on(handle, errno::NOTTY)
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

#[no_mangle]
pub extern "C" fn os_fdopendir(handle: Handle, _stream: *mut c_int) -> WasiErrno {
    unsupported_on(handle, errno::NOTDIR)
}

#[no_mangle]
pub extern "C" fn os_rewinddir(_stream: c_int) -> WasiErrno {
    errno::BADF
}

#[no_mangle]
pub extern "C" fn os_seekdir(_stream: c_int, _position: u64) -> WasiErrno {
    errno::BADF
}

#[no_mangle]
pub extern "C" fn os_readdir(_stream: c_int, _entry: *mut c_void, _name: *mut *const c_char) -> WasiErrno {
    errno::BADF
}

#[no_mangle]
pub extern "C" fn os_closedir(_stream: c_int) -> WasiErrno {
    errno::BADF
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

#[no_mangle]
pub extern "C" fn os_realpath(_path: *const c_char, _resolved: *mut c_char) -> *mut c_char {
    core::ptr::null_mut()
}

#[no_mangle]
pub extern "C" fn os_compare_file_handle(a: Handle, b: Handle) -> bool {
    a == b
}

/// Readiness of stdio for poll_oneoff: stdin is always readable (EOF counts), stdout and
/// stderr always writable; anything else is invalid. Never blocks.
#[no_mangle]
pub unsafe extern "C" fn os_poll(fds: *mut PollFd, count: u32, _timeout: c_int) -> c_int {
    if fds.is_null() {
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
            _ => POLLNVAL,
        };
        if pfd.revents != 0 {
            ready += 1;
        }
    }
    ready
}
