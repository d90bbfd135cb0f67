//! Starting QEMU's log at the measured region instead of at reset.
//!
//! Tracing costs QEMU about 0.1 µs per guest instruction, and a bench run spends 30-36 M
//! instructions loading its module before the region starts. So for a region profile QEMU starts
//! paused (`-S`) with its gdb stub on a Unix socket, and this client, speaking the GDB remote
//! protocol: sets a breakpoint on the runtime's `bench_begin` native, lets the guest run to it
//! untraced, turns the log on there (the monitor's `log` command, through gdb's `qRcmd`), removes
//! the breakpoint and lets the guest run to its end, holding the connection until QEMU exits.
//!
//! `-d nochain` is part of the compile flags every TB is looked up with, so the TBs translated
//! before the log was on are never entered again: every TB after the breakpoint is translated
//! anew (in_asm logged) and unchained (exec logged). The guest's instruction count is untouched:
//! a stopped VM's virtual clock stands still.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// How long QEMU may take to open its gdb socket.
const CONNECT_WITHIN: Duration = Duration::from_secs(30);

/// The QEMU arguments for a paused start with the gdb stub on `socket`.
pub fn qemu_args(socket: &Path) -> anyhow::Result<Vec<String>> {
    let path = socket.to_str().context("the gdb socket's path is not UTF-8")?;
    // QEMU's option parser splits on commas; a doubled comma stands for one.
    Ok(vec![
        "-chardev".into(),
        format!("socket,id=xbench-gdb,path={},server=on,wait=off", path.replace(',', ",,")),
        "-gdb".into(),
        "chardev:xbench-gdb".into(),
        "-S".into(),
    ])
}

/// The client's thread, started before QEMU.
pub struct RegionStart {
    thread: Option<JoinHandle<anyhow::Result<bool>>>,
    /// Set once QEMU is gone, so that a client still trying to connect gives up.
    qemu_done: Arc<AtomicBool>,
}

impl RegionStart {
    /// Connects to `socket` once QEMU has made it, and turns `log_items` on when the guest first
    /// reaches `begin`.
    pub fn start(socket: PathBuf, begin: u64, log_items: &str) -> anyhow::Result<RegionStart> {
        let qemu_done = Arc::new(AtomicBool::new(false));
        let done = qemu_done.clone();
        let command = format!("log {log_items}");
        let thread = std::thread::Builder::new()
            .name("xbench-gdb".into())
            .spawn(move || drive(&socket, begin, &command, &done))
            .context("starting the gdb client")?;
        Ok(RegionStart { thread: Some(thread), qemu_done })
    }

    /// Once QEMU has exited: whether the guest reached the region (and the log was turned on).
    pub fn finish(mut self) -> anyhow::Result<bool> {
        self.qemu_done.store(true, Ordering::SeqCst);
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => bail!("the gdb client panicked"),
            None => Ok(false),
        }
    }
}

impl Drop for RegionStart {
    fn drop(&mut self) {
        self.qemu_done.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The whole conversation. `Ok(false)`: the guest ended before reaching `begin`.
fn drive(socket: &Path, begin: u64, command: &str, qemu_done: &AtomicBool) -> anyhow::Result<bool> {
    let started = Instant::now();
    let stream = loop {
        match UnixStream::connect(socket) {
            Ok(stream) => break stream,
            Err(_) if qemu_done.load(Ordering::SeqCst) => bail!("QEMU ended before its gdb stub was reached"),
            Err(e) if started.elapsed() > CONNECT_WITHIN => {
                return Err(e).with_context(|| format!("connecting to QEMU's gdb stub at {}", socket.display()))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let mut gdb = Remote { stream, pending: Vec::new() };
    let result = converse(&mut gdb, begin, command);
    if result.is_err() {
        // Detaching resumes the guest: the run ends (untraced) instead of waiting paused for
        // its timeout.
        let _ = gdb.send("D");
    }
    result
}

fn converse(gdb: &mut Remote, begin: u64, command: &str) -> anyhow::Result<bool> {
    // The breakpoint's kind is the instruction size; QEMU's TCG breakpoints go by address only.
    gdb.expect_ok(&format!("Z0,{begin:x},2"))?;
    gdb.send("c")?;
    match gdb.receive()? {
        Some(reply) if reply.starts_with('T') || reply.starts_with('S') => {}
        // Exited (`W`), killed (`X`), or gone: the guest never reached the region.
        Some(reply) if reply.starts_with('W') || reply.starts_with('X') => return Ok(false),
        None => return Ok(false),
        Some(reply) => bail!("QEMU's gdb stub answered `{reply}` to continue"),
    }
    let hex: String = command.bytes().map(|b| format!("{b:02x}")).collect();
    gdb.send(&format!("qRcmd,{hex}"))?;
    loop {
        // The monitor's output comes as `O<hex>` packets before the final `OK`.
        match gdb.receive()? {
            Some(reply) if reply == "OK" => break,
            Some(reply) if reply.starts_with('O') => continue,
            Some(reply) => bail!("QEMU's monitor refused `{command}`: {reply}"),
            None => bail!("QEMU closed its gdb stub during `{command}`"),
        }
    }
    gdb.expect_ok(&format!("z0,{begin:x},2"))?;
    gdb.send("c")?;
    // Held open until QEMU exits: its answer to this continue is the guest's end.
    while let Some(reply) = gdb.receive()? {
        if reply.starts_with('W') || reply.starts_with('X') {
            break;
        }
    }
    Ok(true)
}

/// One GDB remote protocol connection: `$payload#checksum` packets, each acknowledged by `+`.
struct Remote {
    stream: UnixStream,
    pending: Vec<u8>,
}

impl Remote {
    fn send(&mut self, payload: &str) -> anyhow::Result<()> {
        let checksum = payload.bytes().fold(0u8, |sum, b| sum.wrapping_add(b));
        self.stream.write_all(format!("${payload}#{checksum:02x}").as_bytes()).context("writing to QEMU's gdb stub")
    }

    fn expect_ok(&mut self, payload: &str) -> anyhow::Result<()> {
        self.send(payload)?;
        match self.receive()? {
            Some(reply) if reply == "OK" => Ok(()),
            Some(reply) => bail!("QEMU's gdb stub answered `{reply}` to `{payload}`"),
            None => bail!("QEMU closed its gdb stub after `{payload}`"),
        }
    }

    /// The next packet's payload (acknowledged), or `None` when QEMU has closed the connection.
    fn receive(&mut self) -> anyhow::Result<Option<String>> {
        loop {
            if let Some(packet) = take_packet(&mut self.pending) {
                // QEMU may be gone already after its last packet (`W`: the guest exited); a
                // lost acknowledgement then matters to nobody.
                let _ = self.stream.write_all(b"+");
                return Ok(Some(packet));
            }
            let mut buffer = [0u8; 4096];
            let read = match self.stream.read(&mut buffer) {
                Ok(read) => read,
                // QEMU exiting may reset the connection rather than close it.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
                Err(e) => return Err(e).context("reading from QEMU's gdb stub"),
            };
            if read == 0 {
                return Ok(None);
            }
            self.pending.extend_from_slice(&buffer[..read]);
        }
    }
}

/// Takes the first whole `$...#xx` packet out of `pending`, dropping the acknowledgements and
/// anything else before it.
fn take_packet(pending: &mut Vec<u8>) -> Option<String> {
    let start = pending.iter().position(|&b| b == b'$')?;
    let hash = start + pending[start..].iter().position(|&b| b == b'#')?;
    if pending.len() < hash + 3 {
        return None;
    }
    let payload = String::from_utf8_lossy(&pending[start + 1..hash]).into_owned();
    pending.drain(..hash + 3);
    Some(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_are_cut_from_the_stream() {
        let mut pending = b"+$OK#9a$T05thread:01;#0".to_vec();
        assert_eq!(take_packet(&mut pending).as_deref(), Some("OK"));
        assert_eq!(take_packet(&mut pending), None, "the second packet's checksum is incomplete");
        pending.push(b'7');
        assert_eq!(take_packet(&mut pending).as_deref(), Some("T05thread:01;"));
        assert!(pending.is_empty());
    }

    #[test]
    fn the_socket_path_is_escaped_for_qemu() {
        let args = qemu_args(Path::new("/tmp/a,b/gdb.sock")).unwrap();
        assert_eq!(args[1], "socket,id=xbench-gdb,path=/tmp/a,,b/gdb.sock,server=on,wait=off");
        assert_eq!(args.last().map(String::as_str), Some("-S"));
    }

    #[test]
    fn a_qemu_that_never_came_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let start = RegionStart::start(dir.path().join("none.sock"), 0x100, "exec").unwrap();
        let message = start.finish().unwrap_err().to_string();
        assert!(message.contains("QEMU ended"), "{message}");
    }
}
