//! LVGL 9.3 with the bench's headless display and pointer input: started once per process on
//! the first graphics call, rendering into a framebuffer on the runtime's heap.
//!
//! Input: a pointer input device reads the events the job injects ([`inject`]). Its read
//! timer is paused: the injected samples are fed to LVGL in order, one gesture at a time, when
//! the guest asks for events and has none pending (after the layout is brought up to date), so
//! that what the guest sees does not depend on timing. A click is a press and a release at one
//! point.
//!
//! Output: [`with_frame`] renders what is pending and lends the framebuffer, which the
//! firmware and the host runner write to the job's `frame` file after the run.

use crate::global::Global;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use xila_lvgl_sys as lv;
use xila_lvgl_sys::dispatch::Error;

/// The display: 320 x 240 RGB565 (LV_COLOR_DEPTH 16 in config/lv_conf.overrides).
pub const HOR_RES: usize = 320;
pub const VER_RES: usize = 240;
const BYTES_PER_PIXEL: usize = 2;

struct Display {
    started: bool,
    /// HOR_RES * VER_RES RGB565 pixels, 4-aligned as LVGL's draw buffers must be.
    framebuffer: *mut u8,
    input: *mut lv::lv_indev_t,
}

static DISPLAY: Global<Display> =
    Global::new(Display { started: false, framebuffer: core::ptr::null_mut(), input: core::ptr::null_mut() });

/// Pointer samples still to be read by LVGL: (pressed, x, y).
struct Input {
    samples: VecDeque<(bool, i32, i32)>,
    /// The last sample read, repeated when there is none.
    last: (bool, i32, i32),
}

static INPUT: Global<Input> = Global::new(Input { samples: VecDeque::new(), last: (false, 0, 0) });

/// Queues the job's injected pointer events for the input device (replacing any left over).
pub fn inject(events: impl Iterator<Item = bench_protocol::InputEvent>) {
    use bench_protocol::InputKind;
    INPUT.with(|input| {
        input.samples.clear();
        for event in events {
            let point = (event.x, event.y);
            if matches!(event.kind, InputKind::Click | InputKind::Press) {
                input.samples.push_back((true, point.0, point.1));
            }
            if matches!(event.kind, InputKind::Click | InputKind::Release) {
                input.samples.push_back((false, point.0, point.1));
            }
        }
    });
}

/// Whether injected input is still waiting to be read.
pub fn input_pending() -> bool {
    INPUT.with(|input| !input.samples.is_empty())
}

unsafe extern "C" fn read_pointer(_device: *mut lv::lv_indev_t, data: *mut lv::lv_indev_data_t) {
    // One gesture per read: after a press, LVGL reads on to its release; after a release it
    // stops, so that the guest sees each click's events before the next click happens.
    let (sample, more) = INPUT.with(|input| {
        if let Some(sample) = input.samples.pop_front() {
            input.last = sample;
        }
        (input.last, input.last.0 && !input.samples.is_empty())
    });
    // SAFETY: LVGL passes its own live data struct.
    unsafe {
        (*data).point = lv::lv_point_t { x: sample.1, y: sample.2 };
        (*data).state = if sample.0 { lv::lv_indev_state_t_LV_INDEV_STATE_PRESSED } else { lv::lv_indev_state_t_LV_INDEV_STATE_RELEASED };
        (*data).continue_reading = more;
    }
}

/// Lets LVGL run: with `feed`, the next injected gesture (a press up to its release) is read on
/// the current layout; then LVGL's timers are handled. The guest's calls that fetch events do
/// this, not every call, and feed only once the guest has taken every pending event: a device's
/// user does not click again before the application has seen the last click.
pub fn run_lvgl(feed: bool) {
    let input = DISPLAY.with(|display| display.input);
    if input.is_null() {
        return;
    }
    // SAFETY: LVGL is started (the input device exists only then) and runs on this thread.
    unsafe {
        if feed && input_pending() {
            lv::lv_obj_update_layout(lv::lv_screen_active());
            lv::lv_indev_read(input);
        }
        lv::lv_timer_handler();
    }
}

unsafe extern "C" fn tick_ms() -> u32 {
    (crate::state::monotonic_ns() / 1_000_000) as u32
}

#[no_mangle]
extern "C" fn xila_lvgl_assert_failed() {
    panic!("LVGL assertion failed");
}

unsafe extern "C" fn flush(display: *mut lv::lv_display_t, _area: *const lv::lv_area_t, _pixels: *mut u8) {
    // Direct mode: LVGL rendered into the framebuffer itself.
    // SAFETY: LVGL passes its live display.
    unsafe { lv::lv_display_flush_ready(display) };
}

/// Starts LVGL with the headless RAM display and the pointer device, once per process.
pub fn start() -> Result<(), Error> {
    DISPLAY.with(|display| {
        if display.started {
            return Ok(());
        }
        let words = HOR_RES * VER_RES * BYTES_PER_PIXEL / 4;
        let mut framebuffer: Vec<u32> = Vec::new();
        framebuffer.try_reserve_exact(words).map_err(|_| Error::OutOfMemory)?;
        framebuffer.resize(words, 0);
        let framebuffer = Box::leak(framebuffer.into_boxed_slice()).as_mut_ptr().cast::<u8>();
        // SAFETY: LVGL's start-up, on this thread; the framebuffer is leaked, so it lives as long
        // as the display that renders into it.
        unsafe {
            lv::lv_init();
            lv::lv_tick_set_cb(Some(tick_ms));
            let lvgl_display = lv::lv_display_create(HOR_RES as i32, VER_RES as i32);
            if lvgl_display.is_null() {
                return Err(Error::OutOfMemory);
            }
            lv::lv_display_set_buffers(
                lvgl_display,
                framebuffer.cast(),
                core::ptr::null_mut(),
                (HOR_RES * VER_RES * BYTES_PER_PIXEL) as u32,
                lv::lv_display_render_mode_t_LV_DISPLAY_RENDER_MODE_DIRECT,
            );
            lv::lv_display_set_flush_cb(lvgl_display, Some(flush));
            let input = lv::lv_indev_create();
            if input.is_null() {
                return Err(Error::OutOfMemory);
            }
            lv::lv_indev_set_type(input, lv::lv_indev_type_t_LV_INDEV_TYPE_POINTER);
            lv::lv_indev_set_read_cb(input, Some(read_pointer));
            let timer = lv::lv_indev_get_read_timer(input);
            if !timer.is_null() {
                lv::lv_timer_pause(timer);
            }
            display.input = input;
        }
        display.framebuffer = framebuffer;
        display.started = true;
        Ok(())
    })
}

/// Renders the whole screen once, as a measurement of what one frame costs: the active screen is
/// invalidated first, so the count does not depend on what earlier refreshes left to do. The
/// pixels do not change. `false` if no guest ever used the display.
pub fn render_full_frame() -> bool {
    if !DISPLAY.with(|display| display.started) {
        return false;
    }
    // SAFETY: LVGL is started.
    unsafe {
        lv::lv_obj_invalidate(lv::lv_screen_active());
        lv::lv_refr_now(core::ptr::null_mut());
    }
    true
}

/// Renders what is pending and lends the frame to `f`: width, height and RGB565 pixels,
/// row-major, little-endian (every target is little-endian), straight from the framebuffer:
/// no copy, so that a small target can write it out after any run. `None` if no guest ever
/// used the display.
pub fn with_frame<R>(f: impl FnOnce(u32, u32, &[u8]) -> R) -> Option<R> {
    let framebuffer = DISPLAY.with(|display| display.started.then_some(display.framebuffer))?;
    // SAFETY: LVGL is started.
    unsafe { lv::lv_refr_now(core::ptr::null_mut()) };
    // SAFETY: the framebuffer holds HOR_RES * VER_RES pixels and lives for ever; LVGL does not
    // run while `f` reads it.
    let bytes = unsafe { core::slice::from_raw_parts(framebuffer, HOR_RES * VER_RES * BYTES_PER_PIXEL) };
    Some(f(HOR_RES as u32, VER_RES as u32, bytes))
}

#[cfg(target_endian = "big")]
compile_error!("frames are written as little-endian RGB565 straight from the framebuffer");
