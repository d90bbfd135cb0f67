//! WASI preview 1 errno values (`__wasi_errno_t`).

pub type Errno = u16;

pub const SUCCESS: Errno = 0;
pub const ACCES: Errno = 2;
pub const AGAIN: Errno = 6;
pub const BADF: Errno = 8;
pub const BUSY: Errno = 10;
pub const EXIST: Errno = 20;
pub const FAULT: Errno = 21;
pub const FBIG: Errno = 22;
pub const INVAL: Errno = 28;
pub const IO: Errno = 29;
pub const ISDIR: Errno = 31;
pub const LOOP: Errno = 32;
pub const NAMETOOLONG: Errno = 37;
pub const NODEV: Errno = 43;
pub const NOENT: Errno = 44;
pub const NOMEM: Errno = 48;
pub const NOSPC: Errno = 51;
pub const NOSYS: Errno = 52;
pub const NOTDIR: Errno = 54;
pub const NOTEMPTY: Errno = 55;
pub const NOTSOCK: Errno = 57;
pub const NOTSUP: Errno = 58;
pub const NOTTY: Errno = 59;
pub const OVERFLOW: Errno = 61;
pub const PERM: Errno = 63;
pub const SPIPE: Errno = 70;
pub const XDEV: Errno = 75;
pub const NOTCAPABLE: Errno = 76;
