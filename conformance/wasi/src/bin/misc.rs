//! Everything but files: args, environment, clocks, random, sched_yield, poll_oneoff (clock and
//! fd subscriptions on stdio and files), sockets (not supported), proc_raise and proc_exit.
#[path = "../wasi.rs"]
mod wasi;
use wasi::*;

fn subscription_clock(userdata: u64, timeout: u64, flags: u16) -> [u8; 48] {
    let mut s = [0u8; 48];
    s[..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = 0;
    s[16..20].copy_from_slice(&1u32.to_le_bytes());
    s[24..32].copy_from_slice(&timeout.to_le_bytes());
    s[40..42].copy_from_slice(&flags.to_le_bytes());
    s
}

fn subscription_fd(userdata: u64, kind: u8, fd: u32) -> [u8; 48] {
    let mut s = [0u8; 48];
    s[..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = kind;
    s[16..20].copy_from_slice(&fd.to_le_bytes());
    s
}

fn poll(subs: &[[u8; 48]]) -> (u16, Vec<(u64, u16, u8)>) {
    let flat: Vec<u8> = subs.iter().flatten().copied().collect();
    let mut events = vec![0u8; 32 * subs.len()];
    let mut n = 0;
    let e = unsafe { poll_oneoff(flat.as_ptr(), events.as_mut_ptr(), subs.len(), &mut n) };
    let list = (0..n as usize).map(|i| (u64_at(&events, i * 32), u16_at(&events, i * 32 + 8), events[i * 32 + 10])).collect();
    (e, list)
}

fn main() {
    // args_sizes_get / args_get.
    let (mut argc, mut size) = (0u32, 0u32);
    check("args_sizes_get", unsafe { args_sizes_get(&mut argc, &mut size) }, SUCCESS);
    check_eq("argc", argc, 3);
    let mut ptrs = vec![0u32; argc as usize];
    let mut buf = vec![0u8; size as usize];
    check("args_get", unsafe { args_get(ptrs.as_mut_ptr(), buf.as_mut_ptr()) }, SUCCESS);
    check_eq("args", String::from_utf8_lossy(&buf).into_owned(), "misc.wasm\0one\0two words\0".to_string());
    // environ_sizes_get / environ_get.
    check("environ_sizes_get", unsafe { environ_sizes_get(&mut argc, &mut size) }, SUCCESS);
    let mut ptrs = vec![0u32; argc as usize];
    let mut buf = vec![0u8; size as usize];
    check("environ_get", unsafe { environ_get(ptrs.as_mut_ptr(), buf.as_mut_ptr()) }, SUCCESS);
    check_eq("env", String::from_utf8_lossy(&buf).into_owned(), "XILA=bench\0".to_string());

    // clock_res_get / clock_time_get.
    let (mut res, mut t1, mut t2) = (0u64, 0u64, 0u64);
    check("clock_res_get", unsafe { clock_res_get(1, &mut res) }, SUCCESS);
    check_eq("resolution > 0", res > 0, true);
    check("clock_res_get bad", unsafe { clock_res_get(9, &mut res) }, EINVAL);
    check("clock_time_get", unsafe { clock_time_get(1, 0, &mut t1) }, SUCCESS);
    check("clock_time_get realtime", unsafe { clock_time_get(0, 0, &mut t2) }, SUCCESS);
    check_eq("realtime from the host", t2 >= 1_767_225_600_000_000_000, true);
    check("clock_time_get bad", unsafe { clock_time_get(9, 0, &mut t2) }, EINVAL);

    // random_get, sched_yield.
    let mut r = [0u8; 32];
    check("random_get", unsafe { random_get(r.as_mut_ptr(), r.len()) }, SUCCESS);
    check_eq("random bytes", r.iter().any(|&b| b != 0), true);
    check("random_get 0", unsafe { random_get(r.as_mut_ptr(), 0) }, SUCCESS);
    check("sched_yield", unsafe { sched_yield() }, SUCCESS);

    // poll_oneoff: one clock (sleeps), clock + fds, files, bad fds, no subscriptions.
    unsafe { clock_time_get(1, 0, &mut t1) };
    let (e, events) = poll(&[subscription_clock(7, 2_000_000, 0)]);
    unsafe { clock_time_get(1, 0, &mut t2) };
    check("poll_oneoff clock", e, SUCCESS);
    check_eq("clock event", events, vec![(7, 0, 0)]);
    check_eq("slept 2 ms", t2 - t1 >= 2_000_000, true);
    let file = open(ROOT, "p.cleanup", O_CREAT, RIGHTS_ALL, 0).unwrap();
    let (e, events) = poll(&[subscription_clock(1, 1_000_000_000, 0), subscription_fd(2, 1, 0), subscription_fd(3, 2, 1), subscription_fd(4, 1, file)]);
    check("poll_oneoff fds", e, SUCCESS);
    check_eq("fd events", events, vec![(2, 0, 1), (3, 0, 2), (4, 0, 1)]);
    // nbytes of a read subscription: the bytes a read would return now (5 written, 1 skipped).
    let text = b"hello";
    let iov = [text.as_ptr() as u32, text.len() as u32];
    let (mut written, mut position) = (0u32, 0u64);
    check("fd_write for poll", unsafe { fd_write(file, iov.as_ptr(), 1, &mut written) }, SUCCESS);
    check("fd_seek for poll", unsafe { fd_seek(file, 1, 0, &mut position) }, SUCCESS);
    let flat = subscription_fd(8, 1, file);
    let mut event = [0u8; 32];
    let mut n = 0;
    check("poll_oneoff nbytes", unsafe { poll_oneoff(flat.as_ptr(), event.as_mut_ptr(), 1, &mut n) }, SUCCESS);
    check_eq("nbytes of a file read", (n, u64_at(&event, 16)), (1, 4));
    let (e, events) = poll(&[subscription_fd(5, 2, file), subscription_fd(6, 1, 66)]);
    check("poll_oneoff bad fd", e, SUCCESS);
    check_eq("bad fd event", events, vec![(6, EBADF, 1), (5, 0, 2)]);
    let mut n = 0;
    check("poll_oneoff none", unsafe { poll_oneoff([0u8; 48].as_ptr(), [0u8; 32].as_mut_ptr(), 0, &mut n) }, SUCCESS);
    check_eq("no events", n, 0);

    // Sockets: none exist. A file or stdio fd is not a socket; an unknown fd is EBADF.
    let iov = [r.as_ptr() as u32, 4];
    let (mut len, mut flags, mut newfd) = (0u32, 0u16, 0u32);
    check("sock_accept bad fd", unsafe { sock_accept(77, 0, &mut newfd) }, EBADF);
    check("sock_recv bad fd", unsafe { sock_recv(77, iov.as_ptr(), 1, 0, &mut len, &mut flags) }, EBADF);
    check("sock_send bad fd", unsafe { sock_send(77, iov.as_ptr(), 1, 0, &mut len) }, EBADF);
    check("sock_shutdown bad fd", unsafe { sock_shutdown(77, 2) }, EBADF);
    check("sock_accept file", unsafe { sock_accept(file, 0, &mut newfd) }, ENOTSOCK);
    check("sock_recv file", unsafe { sock_recv(file, iov.as_ptr(), 1, 0, &mut len, &mut flags) }, ENOTSOCK);
    check("sock_send stdout", unsafe { sock_send(1, iov.as_ptr(), 1, 0, &mut len) }, ENOTSOCK);
    check("sock_shutdown file", unsafe { sock_shutdown(file, 2) }, ENOTSOCK);

    // stdio through fd_fdstat_get: character devices.
    check_eq("stdout is a character device", fdstat(1).map(|s| s[0]), Ok(FILETYPE_CHARACTER_DEVICE));
    check_eq("stdin read at EOF", read(0, 8), Ok(Vec::new()));

    println!("misc ok");
    unsafe { proc_exit(3) };
}
