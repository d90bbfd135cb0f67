//! Xila's custom bindings: `host.xila_graphics_call`, the graphics dispatcher over LVGL 8.3,
//! as a secure proxy.
//!
//! ABI (Xila's, exactly): `xila_graphics_call(function: i32 /* u16 */, a0..a6: i32,
//! argument_count: i32 /* u8 */, result_pointer: i32) -> i32`. 0 is success; every error is
//! a non-zero [`Error`] number. Function numbers are those of runtime/bindings/functions.txt,
//! generated with the marshalling code by runtime/lvgl-sys/build.rs.
//!
//! What the proxy guarantees, before LVGL runs:
//! - the function number is 1..=FUNCTION_COUNT and the argument count is the function's arity;
//! - every guest pointer is checked by WAMR for its full range: strings up to their NUL within
//!   linear memory, buffers for their size, result pointers for size and alignment; a failed
//!   check never leaves a trap behind (the guest continues with the error number);
//! - objects are named by handles from a per-instance table: a handle is a number never reused,
//!   valid from its registration until its object is deleted (by `object_delete`, by a parent's
//!   deletion or `object_clean`: LVGL's DELETE event retires it); a widget function's object
//!   must be of that widget's class;
//! - chart series are named by handles from a second per-instance table ([`SeriesTable`]): a
//!   series handle is accepted only with the chart it was handed out for (by object handle,
//!   never reused) and only while its pointer is in that chart's series list, walked with
//!   `lv_chart_get_series_next` before the stored pointer is ever dereferenced; so a series of
//!   another chart, a removed one or one of a deleted chart is an invalid handle;
//! - no guest value is used as a host address; style values that would carry one are refused.
//!
//! Input: a pointer input device reads the events the job injects ([`inject`]). Its read
//! timer is paused: the injected samples are fed to LVGL, all at once and in order, when the
//! guest calls `window_pop_event` (after the layout is brought up to date), so that what the
//! guest sees does not depend on timing. A click is a press and a release at one point. When
//! nothing is left to feed and no event is pending, a job with `flags::UNTIL_IDLE` ends there,
//! as idle ([`crate::idle`]).
//!
//! Output: [`with_frame`] renders what is pending and lends the framebuffer, which the
//! firmware and the host runner write to the job's `frame` file after the run.

use crate::global::Global;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::ffi::{c_char, c_void};
use xila_lvgl_sys as lv;
use xila_lvgl_sys::dispatch::{self, Error, Extra, Marshal, Slot};
use xila_wamr_sys as wamr;

/// The display, as configured in runtime/lvgl-sys/config/lv_conf.h.
pub const HOR_RES: usize = 320;
pub const VER_RES: usize = 240;
/// Live handles one instance may hold.
const MAX_HANDLES: usize = 4096;
/// Live series handles one instance may hold.
const MAX_SERIES: usize = 1024;
/// Events kept for `window_pop_event`.
const MAX_EVENTS: usize = 64;

struct Graphics {
    started: bool,
    framebuffer: *mut u16,
    /// The pointer input device's read timer (paused; run by `window_pop_event`).
    input_timer: *mut lv::lv_timer_t,
    instance: wamr::wasm_module_inst_t,
    handles: BTreeMap<u32, *mut lv::lv_obj_t>,
    next_handle: u32,
    series: SeriesTable,
}

/// The series handles handed out to the current instance: handle to (the chart's object
/// handle, the series' address). The address is only ever compared, never dereferenced: a
/// series is used only after its address has been found in its chart's live series list.
struct SeriesTable {
    entries: BTreeMap<u32, (u32, usize)>,
    next: u32,
}

impl SeriesTable {
    const fn new() -> Self {
        SeriesTable { entries: BTreeMap::new(), next: 1 }
    }

    /// The address behind `handle` if it was handed out for the chart with object handle
    /// `chart` and `in_list` (the chart's series list, walked by the caller) holds it now.
    fn lookup(&self, handle: u32, chart: u32, in_list: impl FnOnce(usize) -> bool) -> Option<usize> {
        let &(owner, address) = self.entries.get(&handle)?;
        (owner == chart && in_list(address)).then_some(address)
    }

    /// The handle for a series LVGL just returned for `chart`: the existing one unless `fresh`
    /// (just created: an older handle with the same address names a freed series, whose
    /// address LVGL reused, and is dropped).
    fn handle_for(&mut self, chart: u32, address: usize, fresh: bool) -> Result<u32, Error> {
        if fresh {
            self.entries.retain(|_, entry| entry.1 != address);
        } else if let Some((&handle, _)) = self.entries.iter().find(|(_, entry)| **entry == (chart, address)) {
            return Ok(handle);
        }
        if self.entries.len() >= MAX_SERIES || self.next == u32::MAX {
            return Err(Error::OutOfMemory);
        }
        let handle = self.next;
        self.next += 1;
        self.entries.insert(handle, (chart, address));
        Ok(handle)
    }

    /// Forgets the series of charts that `live` says are gone.
    fn retain_charts(&mut self, live: impl Fn(u32) -> bool) {
        self.entries.retain(|_, entry| live(entry.0));
    }
}

static GRAPHICS: Global<Graphics> = Global::new(Graphics {
    started: false,
    framebuffer: core::ptr::null_mut(),
    input_timer: core::ptr::null_mut(),
    instance: core::ptr::null_mut(),
    handles: BTreeMap::new(),
    next_handle: 1,
    series: SeriesTable::new(),
});

/// What LVGL's event callback records while LVGL runs (kept apart from GRAPHICS, which the
/// dispatcher holds during LVGL calls).
struct Pending {
    deleted: Vec<u32>,
    events: VecDeque<(u32, u32)>,
}

static PENDING: Global<Pending> = Global::new(Pending { deleted: Vec::new(), events: VecDeque::new() });

/// Pointer samples still to be read by LVGL: (pressed, x, y).
struct Input {
    samples: VecDeque<(bool, i16, i16)>,
    /// The last sample read, repeated when there is none.
    last: (bool, i16, i16),
}

static INPUT: Global<Input> = Global::new(Input { samples: VecDeque::new(), last: (false, 0, 0) });

/// Queues the job's injected pointer events for the input device (replacing any left over).
pub fn inject(events: impl Iterator<Item = bench_protocol::InputEvent>) {
    INPUT.with(|input| {
        input.samples.clear();
        for event in events {
            let point = (event.x.clamp(-0x8000, 0x7fff) as i16, event.y.clamp(-0x8000, 0x7fff) as i16);
            use bench_protocol::InputKind;
            if matches!(event.kind, InputKind::Click | InputKind::Press) {
                input.samples.push_back((true, point.0, point.1));
            }
            if matches!(event.kind, InputKind::Click | InputKind::Release) {
                input.samples.push_back((false, point.0, point.1));
            }
        }
    });
}

unsafe extern "C" fn read_pointer(_driver: *mut lv::lv_indev_drv_t, data: *mut lv::lv_indev_data_t) {
    let (sample, more) = INPUT.with(|input| {
        if let Some(sample) = input.samples.pop_front() {
            input.last = sample;
        }
        (input.last, !input.samples.is_empty())
    });
    // SAFETY: LVGL passes its own live data struct.
    unsafe {
        (*data).point = lv::lv_point_t { x: sample.1, y: sample.2 };
        (*data).state = if sample.0 { lv::lv_indev_state_t_LV_INDEV_STATE_PRESSED } else { lv::lv_indev_state_t_LV_INDEV_STATE_RELEASED };
        (*data).continue_reading = more;
    }
}

/// Injected pointer samples LVGL has not read yet.
fn input_left() -> usize {
    INPUT.with(|input| input.samples.len())
}

/// Feeds every queued sample to LVGL now, on the current layout.
fn feed_input(graphics: &Graphics) {
    if graphics.input_timer.is_null() || INPUT.with(|input| input.samples.is_empty()) {
        return;
    }
    // SAFETY: LVGL is started; the timer is the pointer device's own.
    unsafe {
        lv::lv_obj_update_layout(lv::lv_disp_get_scr_act(core::ptr::null_mut()));
        lv::lv_indev_read_timer_cb(graphics.input_timer);
    }
}

#[no_mangle]
extern "C" fn xila_lvgl_tick_ms() -> u32 {
    (crate::state::monotonic_ns() / 1_000_000) as u32
}

#[no_mangle]
extern "C" fn xila_lvgl_assert_failed() {
    panic!("LVGL assertion failed");
}

unsafe extern "C" fn flush(driver: *mut lv::lv_disp_drv_t, _area: *const lv::lv_area_t, _pixels: *mut lv::lv_color_t) {
    // Direct mode: LVGL rendered into the framebuffer itself.
    unsafe { lv::lv_disp_flush_ready(driver) };
}

/// Starts LVGL with the headless RAM display, once per process.
fn start(graphics: &mut Graphics) -> Result<(), Error> {
    if graphics.started {
        return Ok(());
    }
    let mut framebuffer: Vec<u16> = Vec::new();
    framebuffer.try_reserve_exact(HOR_RES * VER_RES).map_err(|_| Error::OutOfMemory)?;
    framebuffer.resize(HOR_RES * VER_RES, 0);
    let framebuffer = Box::leak(framebuffer.into_boxed_slice());
    // SAFETY: zero is a valid initial value for both C structs (LVGL's own init functions
    // overwrite them); they are leaked, so they live as long as LVGL keeps pointing at them.
    unsafe {
        lv::lv_init();
        let draw: &mut lv::lv_disp_draw_buf_t = Box::leak(Box::new(core::mem::zeroed()));
        lv::lv_disp_draw_buf_init(draw, framebuffer.as_mut_ptr().cast(), core::ptr::null_mut(), (HOR_RES * VER_RES) as u32);
        let driver: &mut lv::lv_disp_drv_t = Box::leak(Box::new(core::mem::zeroed()));
        lv::lv_disp_drv_init(driver);
        driver.hor_res = HOR_RES as lv::lv_coord_t;
        driver.ver_res = VER_RES as lv::lv_coord_t;
        driver.flush_cb = Some(flush);
        driver.draw_buf = draw;
        driver.set_direct_mode(1);
        if lv::lv_disp_drv_register(driver).is_null() {
            return Err(Error::OutOfMemory);
        }
        let input: &mut lv::lv_indev_drv_t = Box::leak(Box::new(core::mem::zeroed()));
        lv::lv_indev_drv_init(input);
        input.type_ = lv::lv_indev_type_t_LV_INDEV_TYPE_POINTER;
        input.read_cb = Some(read_pointer);
        let device = lv::lv_indev_drv_register(input);
        if device.is_null() || (*(*device).driver).read_timer.is_null() {
            return Err(Error::OutOfMemory);
        }
        graphics.input_timer = (*(*device).driver).read_timer;
        lv::lv_timer_pause(graphics.input_timer);
    }
    graphics.framebuffer = framebuffer.as_mut_ptr();
    graphics.started = true;
    Ok(())
}

/// Renders the whole screen once, as a measurement of what one frame costs: the active screen is
/// invalidated first, so the count does not depend on what earlier refreshes left to do. The
/// pixels do not change. `false` if no guest ever used the display.
pub fn render_full_frame() -> bool {
    GRAPHICS.with(|graphics| {
        if !graphics.started {
            return false;
        }
        // SAFETY: LVGL is started.
        unsafe {
            lv::lv_obj_invalidate(lv::lv_disp_get_scr_act(core::ptr::null_mut()));
            lv::lv_refr_now(core::ptr::null_mut());
        }
        true
    })
}

/// Renders what is pending and lends the frame to `f`: width, height and RGB565 pixels,
/// row-major, little-endian (every target is little-endian), straight from the framebuffer:
/// no copy, so that a small target can write it out after any run. `None` if no guest ever
/// used the display.
pub fn with_frame<R>(f: impl FnOnce(u32, u32, &[u8]) -> R) -> Option<R> {
    let framebuffer = GRAPHICS.with(|graphics| {
        if !graphics.started {
            return None;
        }
        // SAFETY: LVGL is started.
        unsafe { lv::lv_refr_now(core::ptr::null_mut()) };
        Some(graphics.framebuffer)
    })?;
    #[cfg(target_endian = "little")]
    {
        // SAFETY: the framebuffer holds HOR_RES * VER_RES pixels and lives for ever; LVGL does
        // not run while `f` reads it.
        let bytes = unsafe { core::slice::from_raw_parts(framebuffer.cast::<u8>(), HOR_RES * VER_RES * 2) };
        Some(f(HOR_RES as u32, VER_RES as u32, bytes))
    }
    #[cfg(target_endian = "big")]
    {
        let bytes = frame()?;
        let _ = framebuffer;
        Some(f(HOR_RES as u32, VER_RES as u32, &bytes))
    }
}

/// Renders what is pending and returns a copy of the frame: RGB565 pixels, row-major,
/// little-endian; `None` if no guest ever used the display.
pub fn frame() -> Option<Vec<u8>> {
    GRAPHICS.with(|graphics| {
        if !graphics.started {
            return None;
        }
        // SAFETY: LVGL is started; the framebuffer holds HOR_RES * VER_RES pixels.
        unsafe {
            lv::lv_refr_now(core::ptr::null_mut());
            let pixels = core::slice::from_raw_parts(graphics.framebuffer, HOR_RES * VER_RES);
            Some(pixels.iter().flat_map(|p| p.to_le_bytes()).collect())
        }
    })
}

unsafe extern "C" fn on_event(event: *mut lv::lv_event_t) {
    // SAFETY: LVGL passes a live event for a live (or being deleted) object.
    let (code, target) = unsafe { (lv::lv_event_get_code(event), lv::lv_event_get_target(event)) };
    let handle = unsafe { (*target).user_data } as usize as u32;
    PENDING.with(|pending| {
        if code == lv::lv_event_code_t_LV_EVENT_DELETE {
            pending.deleted.push(handle);
        } else if matches!(code, lv::lv_event_code_t_LV_EVENT_CLICKED | lv::lv_event_code_t_LV_EVENT_VALUE_CHANGED)
            && pending.events.len() < MAX_EVENTS
        {
            // LVGL's event code is a C enum: u32 on RISC-V and the host, u8 with Arm's short
            // enums, so the cast is needed on some targets and a no-op on others.
            #[allow(clippy::unnecessary_cast)]
            pending.events.push_back((code as u32, handle));
        }
    });
}

fn retire_deleted(graphics: &mut Graphics) {
    let deleted = PENDING.with(|pending| core::mem::take(&mut pending.deleted));
    if deleted.is_empty() {
        return;
    }
    for handle in deleted {
        graphics.handles.remove(&handle);
    }
    let handles = &graphics.handles;
    graphics.series.retain_charts(|chart| handles.contains_key(&chart));
}

/// Whether `address` is one of `chart`'s series now (only LVGL's own list is read).
fn chart_has_series(chart: *mut lv::lv_obj_t, address: usize) -> bool {
    // SAFETY: chart is a live chart; the list's nodes are live series.
    let mut current = unsafe { lv::lv_chart_get_series_next(chart, core::ptr::null()) };
    while !current.is_null() {
        if current as usize == address {
            return true;
        }
        current = unsafe { lv::lv_chart_get_series_next(chart, current) };
    }
    false
}

struct Call<'a> {
    instance: wamr::wasm_module_inst_t,
    graphics: &'a mut Graphics,
}

impl Call<'_> {
    fn in_bounds(&self, address: u32, size: u32) -> bool {
        // SAFETY: the instance is the caller's, live during the native call.
        let valid = unsafe { wamr::wasm_runtime_validate_app_addr(self.instance, address.into(), size.into()) };
        if !valid {
            // WAMR raises an out-of-bounds exception with a failed check; the proxy answers
            // with an error number instead, and the guest goes on.
            unsafe { wamr::wasm_runtime_clear_exception(self.instance) };
        }
        valid
    }

    fn native(&self, address: u32) -> *mut u8 {
        // SAFETY: only called after in_bounds succeeded for this address.
        unsafe { wamr::wasm_runtime_addr_app_to_native(self.instance, address.into()) }.cast()
    }

    fn register(&mut self, object: *mut lv::lv_obj_t) -> Result<u32, Error> {
        // SAFETY: object is a live LVGL object (just returned by LVGL).
        let existing = unsafe { (*object).user_data } as usize as u32;
        if existing != 0 && self.graphics.handles.get(&existing) == Some(&object) {
            return Ok(existing);
        }
        if self.graphics.handles.len() >= MAX_HANDLES || self.graphics.next_handle == u32::MAX {
            return Err(Error::OutOfMemory);
        }
        let handle = self.graphics.next_handle;
        self.graphics.next_handle += 1;
        // Registered before it is handed out; the DELETE event retires it.
        self.graphics.handles.insert(handle, object);
        // SAFETY: as above.
        unsafe {
            (*object).user_data = handle as usize as *mut c_void;
            lv::lv_obj_add_event_cb(object, Some(on_event), lv::lv_event_code_t_LV_EVENT_ALL, core::ptr::null_mut());
        }
        Ok(handle)
    }

    fn buffer(&self, address: u32, size: u32) -> Result<*mut u8, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !self.in_bounds(address, size) {
            return Err(Error::OutOfBounds);
        }
        Ok(self.native(address))
    }
}

fn is_of_class(object: *mut lv::lv_obj_t, class: *const lv::lv_obj_class_t) -> bool {
    // SAFETY: object is live; class chains end with a null base class.
    let mut current = unsafe { (*object).class_p };
    while !current.is_null() {
        if current == class {
            return true;
        }
        current = unsafe { (*current).base_class };
    }
    false
}

/// Style properties whose value is a colour (LVGL 8.3's lv_style_prop_t numbers).
const COLOUR_PROPS: &[u32] = &[32, 34, 42, 48, 54, 68, 71, 77, 82, 85];
/// Style properties whose value is an address: gradient, images, font, colour filter,
/// animation, transition.
const ADDRESS_PROPS: &[u32] = &[38, 40, 84, 87, 97, 99, 102];

impl Marshal for Call<'_> {
    fn object(&mut self, handle: u32, class: Option<*const lv::lv_obj_class_t>) -> Result<*mut lv::lv_obj_t, Error> {
        let object = *self.graphics.handles.get(&handle).ok_or(Error::InvalidHandle)?;
        match class {
            Some(class) if !is_of_class(object, class) => Err(Error::WrongClass),
            _ => Ok(object),
        }
    }

    fn string(&mut self, address: u32) -> Result<*const c_char, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !self.in_bounds(address, 1) {
            return Err(Error::OutOfBounds);
        }
        // SAFETY: the instance is live.
        if !unsafe { wamr::wasm_runtime_validate_app_str_addr(self.instance, address.into()) } {
            unsafe { wamr::wasm_runtime_clear_exception(self.instance) };
            return Err(Error::UnterminatedString);
        }
        Ok(self.native(address).cast_const().cast())
    }

    fn style_value(&mut self, prop: u32, raw: u32) -> Result<lv::lv_style_value_t, Error> {
        if prop == 0 || prop > 111 || ADDRESS_PROPS.contains(&prop) {
            return Err(Error::StyleValueAddress);
        }
        // SAFETY: all-zero is a valid union value; one member is then set.
        let mut value: lv::lv_style_value_t = unsafe { core::mem::zeroed() };
        if COLOUR_PROPS.contains(&prop) {
            value.color = lv::lv_color_t { full: dispatch::color_in(raw)? };
        } else {
            value.num = raw as i32;
        }
        Ok(value)
    }

    fn result(&mut self, address: u32, size: u32) -> Result<Slot, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !address.is_multiple_of(size.clamp(1, 4)) {
            return Err(Error::Misaligned);
        }
        if !self.in_bounds(address, size) {
            return Err(Error::OutOfBounds);
        }
        Ok(Slot { address: self.native(address), size })
    }

    fn write(&mut self, slot: Slot, bytes: &[u8]) -> Result<(), Error> {
        let length = bytes.len().min(slot.size as usize);
        // SAFETY: the slot was checked for `size` bytes and LVGL cannot move linear memory.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), slot.address, length) };
        Ok(())
    }

    fn write_object(&mut self, slot: Slot, object: *mut lv::lv_obj_t) -> Result<(), Error> {
        let handle = if object.is_null() { 0 } else { self.register(object)? };
        self.write(slot, &handle.to_le_bytes())
    }

    fn series(&mut self, chart: *mut lv::lv_obj_t, handle: u32) -> Result<*mut lv::lv_chart_series_t, Error> {
        // SAFETY: chart is a live object from the handle table, so registered.
        let chart_handle = unsafe { (*chart).user_data } as usize as u32;
        let address = self
            .graphics
            .series
            .lookup(handle, chart_handle, |address| chart_has_series(chart, address))
            .ok_or(Error::InvalidHandle)?;
        Ok(address as *mut lv::lv_chart_series_t)
    }

    fn write_series(
        &mut self,
        slot: Slot,
        chart: *mut lv::lv_obj_t,
        series: *mut lv::lv_chart_series_t,
        fresh: bool,
    ) -> Result<(), Error> {
        let handle = if series.is_null() {
            0
        } else {
            // SAFETY: as in `series`.
            let chart_handle = unsafe { (*chart).user_data } as usize as u32;
            self.graphics.series.handle_for(chart_handle, series as usize, fresh)?
        };
        self.write(slot, &handle.to_le_bytes())
    }

    fn extra(&mut self, extra: Extra, a: &[u32; 7], result: u32) -> Result<(), Error> {
        match extra {
            Extra::WindowCreate => {
                let slot = self.result(result, 4)?;
                // SAFETY: LVGL is started; a null parent makes a screen.
                let screen = unsafe { lv::lv_obj_create(core::ptr::null_mut()) };
                if screen.is_null() {
                    return Err(Error::OutOfMemory);
                }
                unsafe { lv::lv_disp_load_scr(screen) };
                self.write_object(slot, screen)
            }
            Extra::ObjectDelete => {
                let object = self.object(a[0], None)?;
                // SAFETY: a live object; its DELETE events retire its handle and its children's.
                unsafe { lv::lv_obj_del(object) };
                Ok(())
            }
            Extra::Percentage => {
                let value = a[0] as i32;
                if !(-1000..=1000).contains(&value) {
                    return Err(Error::InvalidArgument);
                }
                let slot = self.result(result, 4)?;
                // lv_pct() of lv_area.h, for 16-bit coordinates: bit 13 marks a special value.
                let coded = if value < 0 { 1000 - value } else { value } | (1 << 13);
                self.write(slot, &coded.to_le_bytes())
            }
            Extra::TextareaGetText => {
                let object = self.object(a[0], None)?;
                // SAFETY: class statics are LVGL's.
                let (textarea, label) =
                    (core::ptr::addr_of!(lv::lv_textarea_class), core::ptr::addr_of!(lv::lv_label_class));
                let slot = self.result(result, 4)?;
                let size = a[2];
                let buffer = if size == 0 { core::ptr::null_mut() } else { self.buffer(a[1], size)? };
                // SAFETY: the object is of the class whose getter is called.
                let text = unsafe {
                    if is_of_class(object, textarea) {
                        lv::lv_textarea_get_text(object)
                    } else if is_of_class(object, label) {
                        lv::lv_label_get_text(object)
                    } else {
                        return Err(Error::WrongClass);
                    }
                };
                let bytes = if text.is_null() { &[][..] } else { unsafe { core::ffi::CStr::from_ptr(text) }.to_bytes() };
                if !buffer.is_null() {
                    let copied = bytes.len().min(size as usize - 1);
                    // SAFETY: buffer was checked for `size` bytes.
                    unsafe {
                        core::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer, copied);
                        buffer.add(copied).write(0);
                    }
                }
                self.write(slot, &(bytes.len() as u32).to_le_bytes())
            }
            Extra::WindowPopEvent => {
                self.object(a[0], None)?;
                let slot = self.result(result, 8)?;
                // Injected input, then LVGL's timers: here, not in every call.
                feed_input(self.graphics);
                // SAFETY: LVGL is started.
                unsafe { lv::lv_timer_handler() };
                // Idle ending (crate::idle): with every injected sample fed and no event pending,
                // a job that asks for it ends here instead of waiting for ever.
                if crate::idle::should_end(input_left(), PENDING.with(|pending| pending.events.len())) {
                    crate::idle::end(self.instance);
                    return Ok(());
                }
                let event = PENDING.with(|pending| pending.events.pop_front()).unwrap_or((0, 0));
                let mut bytes = [0u8; 8];
                bytes[..4].copy_from_slice(&event.0.to_le_bytes());
                bytes[4..].copy_from_slice(&event.1.to_le_bytes());
                self.write(slot, &bytes)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
extern "C" fn xila_graphics_call(
    env: wamr::wasm_exec_env_t,
    function: i32,
    a0: i32,
    a1: i32,
    a2: i32,
    a3: i32,
    a4: i32,
    a5: i32,
    a6: i32,
    argument_count: i32,
    result_pointer: i32,
) -> i32 {
    let arguments = [a0, a1, a2, a3, a4, a5, a6].map(|a| a as u32);
    // SAFETY: WAMR passes the caller's live execution environment.
    let instance = unsafe { wamr::wasm_runtime_get_module_inst(env) };
    let outcome = GRAPHICS.with(|graphics| {
        if instance.is_null() {
            return Err(Error::NoInstance);
        }
        if graphics.instance != instance {
            // A new instance: none of the previous one's handles are its own.
            graphics.instance = instance;
            graphics.handles.clear();
            graphics.series.entries.clear();
            PENDING.with(|pending| pending.events.clear());
        }
        start(graphics)?;
        retire_deleted(graphics);
        let mut call = Call { instance, graphics };
        let outcome =
            dispatch::call(&mut call, function as u32, &arguments, argument_count as u32, result_pointer as u32);
        retire_deleted(call.graphics);
        outcome
    });
    match outcome {
        Ok(()) => 0,
        Err(error) => error as i32,
    }
}

/// WAMR sorts the array in place and keeps pointing at it, so it lives in a static.
static SYMBOLS: Global<Option<[wamr::NativeSymbol; 1]>> = Global::new(None);

/// Registers `host.xila_graphics_call` with a freshly initialised runtime.
pub(crate) fn register() -> bool {
    SYMBOLS.with(|slot| {
        let symbols = slot.insert([wamr::NativeSymbol {
            symbol: c"xila_graphics_call".as_ptr(),
            func_ptr: xila_graphics_call as *mut c_void,
            signature: c"(iiiiiiiiii)i".as_ptr(),
            attachment: core::ptr::null_mut(),
        }]);
        // SAFETY: the array and its strings are 'static; the runtime is initialised.
        unsafe { wamr::wasm_runtime_register_natives(c"host".as_ptr(), symbols.as_mut_ptr(), symbols.len() as u32) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_handles_are_tied_to_their_chart_and_list() {
        let mut table = SeriesTable::new();
        let a = table.handle_for(7, 0x1000, true).unwrap();
        let b = table.handle_for(7, 0x2000, true).unwrap();
        assert!(a != 0 && b != 0 && a != b);
        // Found again by get_series_next: the same handle.
        assert_eq!(table.handle_for(7, 0x1000, false), Ok(a));
        assert_eq!(table.lookup(a, 7, |address| address == 0x1000), Some(0x1000));
        // Another chart, or not in the list (removed): rejected, and the list decides.
        assert_eq!(table.lookup(a, 8, |_| true), None);
        assert_eq!(table.lookup(a, 7, |_| false), None);
        // Made-up numbers.
        assert_eq!(table.lookup(0, 7, |_| true), None);
        assert_eq!(table.lookup(b + 1000, 7, |_| true), None);
    }

    #[test]
    fn a_reused_address_gets_a_new_handle_and_the_old_one_dies() {
        let mut table = SeriesTable::new();
        let old = table.handle_for(7, 0x1000, true).unwrap();
        // Removed, then a new series allocated at the same address.
        let new = table.handle_for(7, 0x1000, true).unwrap();
        assert_ne!(old, new);
        assert_eq!(table.lookup(old, 7, |_| true), None);
        assert_eq!(table.lookup(new, 7, |_| true), Some(0x1000));
    }

    #[test]
    fn a_deleted_chart_takes_its_series_handles() {
        let mut table = SeriesTable::new();
        let a = table.handle_for(7, 0x1000, true).unwrap();
        let b = table.handle_for(9, 0x3000, true).unwrap();
        table.retain_charts(|chart| chart != 7);
        assert_eq!(table.lookup(a, 7, |_| true), None);
        assert_eq!(table.lookup(b, 9, |_| true), Some(0x3000));
    }

    #[test]
    fn the_table_is_bounded() {
        let mut table = SeriesTable::new();
        for address in 0..MAX_SERIES {
            table.handle_for(1, 0x10 * (address + 1), true).unwrap();
        }
        assert_eq!(table.handle_for(1, 0x10 * (MAX_SERIES + 1), true), Err(Error::OutOfMemory));
    }
}
