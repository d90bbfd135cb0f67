//! The clocks come from the target's timer: monotonic time advances, its resolution is real,
//! and realtime starts from the host's time passed at boot.
#[path = "../wasi.rs"]
mod wasi;

fn now(clock: u32) -> u64 {
    let mut time = 0;
    let errno = unsafe { wasi::clock_time_get(clock, 1, &mut time) };
    assert_eq!(errno, 0, "clock_time_get({clock}) failed");
    time
}

fn main() {
    let mut resolution = 0;
    assert_eq!(unsafe { wasi::clock_res_get(wasi::CLOCK_MONOTONIC, &mut resolution) }, 0);
    assert!(resolution > 0 && resolution <= 1_000_000, "monotonic resolution {resolution} ns is not a real timer's");
    let start = now(wasi::CLOCK_MONOTONIC);
    let mut sum = 0u64;
    for i in 0..20_000u64 {
        sum = std::hint::black_box(sum.wrapping_add(i * i));
    }
    let end = now(wasi::CLOCK_MONOTONIC);
    assert!(end > start, "monotonic clock did not advance: {start} then {end}");
    // 2020-01-01 in nanoseconds since the epoch: a realtime clock that starts at 0 fails.
    let realtime = now(wasi::CLOCK_REALTIME);
    assert!(realtime > 1_577_836_800_000_000_000, "realtime clock reads {realtime}");
    let elapsed = std::time::Instant::now();
    assert!(elapsed.elapsed().as_nanos() < 10_000_000_000);
    println!("clock advances (checksum {})", sum % 7);
}
