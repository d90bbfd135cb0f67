//! What one run's platform calls need from the job: stdin, clocks and random generators, and
//! whether the run may end when the guest goes idle.

use crate::fs::Fs;
use crate::global::Global;
use crate::prng::Xoshiro256;

pub(crate) struct RunState {
    stdin: *const u8,
    stdin_len: usize,
    stdin_pos: usize,
    start_time_ns: u64,
    monotonic_origin_ns: u64,
    /// Serves the guest's `random_get`.
    guest_random: Xoshiro256,
    /// Serves libc-wasi's random fd numbering, kept apart so that opening files does not shift
    /// the guest's random stream.
    fd_random: Xoshiro256,
    /// The job asked to end the run when the guest goes idle ([`bench_protocol::flags::UNTIL_IDLE`]).
    until_idle: bool,
    /// A host function ended the run as idle ([`crate::idle::end`]); read by the engine.
    idle_requested: bool,
}

static STATE: Global<RunState> = Global::new(RunState {
    stdin: core::ptr::null(),
    stdin_len: 0,
    stdin_pos: 0,
    start_time_ns: 0,
    monotonic_origin_ns: 0,
    guest_random: Xoshiro256::zeroed(),
    fd_random: Xoshiro256::zeroed(),
    until_idle: false,
    idle_requested: false,
});

/// Starts a run. `stdin` must stay alive until [`end`].
pub(crate) fn begin(job: &bench_protocol::Job<'_>) {
    let origin = monotonic_ns();
    STATE.with(|state| {
        state.stdin = job.stdin.as_ptr();
        state.stdin_len = job.stdin.len();
        state.stdin_pos = 0;
        state.start_time_ns = job.start_time_ns;
        state.monotonic_origin_ns = origin;
        state.guest_random = Xoshiro256::seeded(job.seed);
        state.fd_random = Xoshiro256::seeded(job.seed ^ 0x6664_5f72_616e_646f);
        state.until_idle = job.until_idle();
        state.idle_requested = false;
    });
}

/// Forgets the job's stdin, which the caller is about to drop, and the run's idle request.
pub(crate) fn end() {
    STATE.with(|state| {
        state.stdin = core::ptr::null();
        state.stdin_len = 0;
        state.stdin_pos = 0;
        state.until_idle = false;
        state.idle_requested = false;
    });
}

pub(crate) fn monotonic_ns() -> u64 {
    crate::board().map_or(0, |board| board.monotonic_ns())
}

pub(crate) fn resolution_ns() -> u64 {
    crate::board().map_or(1, |board| board.clock_resolution_ns().max(1))
}

/// Wall-clock time: the job's start time plus the time elapsed since the run began.
pub(crate) fn realtime_ns() -> u64 {
    let now = monotonic_ns();
    STATE.with(|state| state.start_time_ns.saturating_add(now.saturating_sub(state.monotonic_origin_ns)))
}

/// stdin bytes not read yet.
pub(crate) fn stdin_remaining() -> usize {
    STATE.with(|state| state.stdin_len.saturating_sub(state.stdin_pos))
}

/// Copies the next stdin bytes into `out`; 0 at end of input.
pub(crate) fn read_stdin(out: &mut [u8]) -> usize {
    STATE.with(|state| {
        if state.stdin.is_null() {
            return 0;
        }
        // SAFETY: begin() stored a live slice; end() clears it before the job goes away.
        let stdin = unsafe { core::slice::from_raw_parts(state.stdin, state.stdin_len) };
        let rest = &stdin[state.stdin_pos.min(stdin.len())..];
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        state.stdin_pos += n;
        n
    })
}

/// Whether the job asked to end the run when the guest goes idle.
pub(crate) fn until_idle() -> bool {
    STATE.with(|state| state.until_idle)
}

/// Records that the run ends as idle (see [`crate::idle`]).
pub(crate) fn request_idle() {
    STATE.with(|state| state.idle_requested = true);
}

/// Whether a host function ended this run as idle.
pub(crate) fn idle_requested() -> bool {
    STATE.with(|state| state.idle_requested)
}

pub(crate) fn guest_random(out: &mut [u8]) {
    STATE.with(|state| state.guest_random.fill(out));
}

pub(crate) fn fd_random_below(upper: u64) -> u64 {
    STATE.with(|state| state.fd_random.below(upper))
}

/// The mounted file system; lives from [`mount`] until [`take_image`].
static FS: Global<Option<Fs>> = Global::new(None);

/// Mounts the job's image (an empty root when it has none). Replaces any earlier file system.
pub(crate) fn mount(job: &bench_protocol::Job<'_>) -> Result<(), alloc::string::String> {
    FS.with(|fs| *fs = None);
    let image = if job.image.is_empty() {
        bench_protocol::Image::EMPTY
    } else {
        bench_protocol::Image::decode(job.image).map_err(|e| alloc::format!("{e}"))?
    };
    let mounted = Fs::mount(&image, realtime_ns).map_err(|e| alloc::format!("mounting the file-system image failed (WASI errno {e})"))?;
    FS.with(|fs| *fs = Some(mounted));
    Ok(())
}

/// Runs `f` on the mounted file system. `f` must not call back into `with_fs`.
pub(crate) fn with_fs<R>(f: impl FnOnce(&mut Option<Fs>) -> R) -> R {
    FS.with(f)
}

/// The file system as the run left it, as an image, and unmounts it.
pub fn take_image() -> Option<alloc::vec::Vec<u8>> {
    FS.with(|fs| fs.take()).map(|fs| fs.export())
}
