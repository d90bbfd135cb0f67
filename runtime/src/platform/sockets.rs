//! Sockets: not supported. Each stub fails the POSIX way (-1 with errno = ENOTSUP), which
//! libc-wasi turns into the WASI errno the guest sees.
//!
//! The stubs take no parameters: they never read their arguments, and on every ABI we target
//! (SysV x86-64, RISC-V ILP32, AAPCS) the caller owns argument registers and stack, so a callee
//! that ignores them is called correctly whatever C passes.

use super::{errno, xila_set_errno_not_a_socket, xila_set_errno_not_supported, WasiErrno};
use core::ffi::c_int;

macro_rules! not_supported {
    ($($name:ident)*) => {$(
        #[no_mangle]
        pub extern "C" fn $name() -> c_int {
            // SAFETY: a plain C function with no arguments.
            unsafe { xila_set_errno_not_supported() };
            -1
        }
    )*};
}

/// Calls that libc-wasi makes only on a handle it has checked is open: no open handle is ever a
/// socket, so POSIX says ENOTSOCK.
macro_rules! not_a_socket {
    ($($name:ident)*) => {$(
        #[no_mangle]
        pub extern "C" fn $name() -> c_int {
            // SAFETY: a plain C function with no arguments.
            unsafe { xila_set_errno_not_a_socket() };
            -1
        }
    )*};
}

not_a_socket! {
    os_socket_accept os_socket_recv os_socket_recv_from os_socket_send os_socket_send_to
}

not_supported! {
    os_socket_create os_socket_bind os_socket_settimeout os_socket_listen
    os_socket_connect
    os_socket_close os_socket_inet_network os_socket_addr_resolve os_socket_addr_local
    os_socket_addr_remote os_socket_set_send_buf_size os_socket_get_send_buf_size
    os_socket_set_recv_buf_size os_socket_get_recv_buf_size os_socket_set_keep_alive
    os_socket_get_keep_alive os_socket_set_send_timeout os_socket_get_send_timeout
    os_socket_set_recv_timeout os_socket_get_recv_timeout os_socket_set_reuse_addr
    os_socket_get_reuse_addr os_socket_set_reuse_port os_socket_get_reuse_port
    os_socket_set_linger os_socket_get_linger os_socket_set_tcp_no_delay
    os_socket_get_tcp_no_delay os_socket_set_tcp_quick_ack os_socket_get_tcp_quick_ack
    os_socket_set_tcp_keep_idle os_socket_get_tcp_keep_idle os_socket_set_tcp_keep_intvl
    os_socket_get_tcp_keep_intvl os_socket_set_tcp_fastopen_connect
    os_socket_get_tcp_fastopen_connect os_socket_set_ip_multicast_loop
    os_socket_get_ip_multicast_loop os_socket_set_ip_add_membership
    os_socket_set_ip_drop_membership os_socket_set_ip_ttl os_socket_get_ip_ttl
    os_socket_set_ip_multicast_ttl os_socket_get_ip_multicast_ttl os_socket_set_ipv6_only
    os_socket_get_ipv6_only os_socket_set_broadcast os_socket_get_broadcast
}

/// The one socket call that returns a WASI errno directly: no handle is ever a socket, so an
/// open handle (stdio, a file, a directory) is ENOTSOCK and anything else EBADF.
#[no_mangle]
pub extern "C" fn os_socket_shutdown(socket: c_int) -> WasiErrno {
    let open = (0..=2).contains(&socket)
        || usize::try_from(socket - 3).is_ok_and(|h| crate::state::with_fs(|fs| fs.as_ref().is_some_and(|fs| fs.is_open(h))));
    if open { errno::NOTSOCK } else { errno::BADF }
}
