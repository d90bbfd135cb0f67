//! Xila's custom bindings: `host.xila_graphics_call`, the graphics dispatcher over LVGL 9.3.0,
//! as a secure proxy.
//!
//! The ABI is Xila's: the function table of Xila's applications (runtime/bindings/functions.txt,
//! equal to Xila's at every number), Xila's ten extras, and Xila's conventions for values
//! (docs/graphics-abi.md). Where Xila's own host trusts the guest, this proxy checks, and answers
//! with a non-zero [`Error`]; it never gives a value another meaning.
//!
//! What the proxy guarantees, before LVGL runs:
//! - the function number is below `FUNCTION_COUNT` and the argument count is the function's arity;
//! - every guest pointer is checked for its full range: strings up to their NUL within linear
//!   memory (and UTF-8), buffers for their size, result slots for size and alignment; a failed
//!   check never leaves a trap behind (the guest goes on with the error number);
//! - objects are named by handles (1..=65535) from a per-instance table, registered before they
//!   are handed out and retired by LVGL's DELETE event; a widget function's object must be of
//!   that widget's class;
//! - chart series are named by handles from a second table, accepted only with their own chart
//!   and only while the chart's series list holds them ([`tables::SeriesTable`]);
//! - what LVGL keeps pointing at is the host's, never the guest's: styles are host copies named
//!   by the guest's address, button-matrix maps are copied into memory the instance owns;
//! - no guest value is used as a host address; style values that would carry one are refused.
//!
//! Events: `window_pop_event` and `window_get_event_code` let LVGL run first (injected input,
//! timers). When nothing is left to feed and no event is pending, a job with
//! `flags::UNTIL_IDLE` ends there, as idle ([`crate::idle`]).

mod display;
mod tables;

use crate::global::Global;
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::vec::Vec;
use core::ffi::{c_char, c_void};
use tables::{Handles, OwnedMap, SeriesTable, Styles};
use xila_lvgl_sys as lv;
use xila_lvgl_sys::dispatch::{self, Error, Extra, Marshal, Restructure, Slot};
use xila_wamr_sys as wamr;

pub use display::{inject, render_full_frame, with_frame, HOR_RES, VER_RES};

// LVGL 9.3's event codes as the guest sees them. The C enum is u32 on RISC-V and the host, u8
// with Arm's short enums, so the casts are needed on some targets and no-ops on others.
#[allow(clippy::unnecessary_cast)]
const EVENT_ALL: u32 = lv::lv_event_code_t_LV_EVENT_ALL as u32;
#[allow(clippy::unnecessary_cast)]
const EVENT_CLICKED: u32 = lv::lv_event_code_t_LV_EVENT_CLICKED as u32;
#[allow(clippy::unnecessary_cast)]
const EVENT_VALUE_CHANGED: u32 = lv::lv_event_code_t_LV_EVENT_VALUE_CHANGED as u32;
#[allow(clippy::unnecessary_cast)]
const EVENT_DELETE: u32 = lv::lv_event_code_t_LV_EVENT_DELETE as u32;

/// Events kept for the window's event calls.
const MAX_EVENTS: usize = 64;
/// The size of `lv_style_t` in the guest (wasm32, LV_USE_ASSERT_STYLE 0): a pointer, a u32, a
/// u8, padded to 12. The proxy checks that the guest's style lies in linear memory.
const GUEST_STYLE_SIZE: u32 = 12;
/// The longest window icon string.
const MAX_ICON_BYTES: usize = 32;
/// LVGL 9.3's `LV_PCT_POS_MAX`: the largest percentage a coordinate can hold.
const PERCENTAGE_MAX: i32 = 268_435_454;

struct Graphics {
    instance: wamr::wasm_module_inst_t,
    handles: Handles<*mut lv::lv_obj_t>,
    /// Handles of the objects the guest made (`*_create`, `window_create`). Every other handle
    /// names an internal part of a widget, handed out by a getter: LVGL's own to delete or move.
    created: BTreeSet<u16>,
    series: SeriesTable,
    styles: Styles<lv::lv_style_t>,
    /// Button-matrix maps by the matrix's handle; replaced ones are dropped once LVGL holds
    /// the new one.
    maps: BTreeMap<u16, OwnedMap>,
    /// Maps of earlier instances' matrices, which may still be on the display.
    retired_maps: Vec<OwnedMap>,
    /// Screens made by `window_create`, by handle, with their icon (text, colour).
    windows: BTreeMap<u16, (Vec<u8>, u32)>,
}

static GRAPHICS: Global<Graphics> = Global::new(Graphics {
    instance: core::ptr::null_mut(),
    handles: Handles::new(),
    created: BTreeSet::new(),
    series: SeriesTable::new(),
    styles: Styles::new(),
    maps: BTreeMap::new(),
    retired_maps: Vec::new(),
    windows: BTreeMap::new(),
});

/// What LVGL's event callback records while LVGL runs (kept apart from GRAPHICS, which the
/// dispatcher holds during LVGL calls).
struct Pending {
    deleted: Vec<u16>,
    /// (LVGL 9.3 event code, target handle), oldest first.
    events: VecDeque<(u32, u16)>,
}

static PENDING: Global<Pending> = Global::new(Pending { deleted: Vec::new(), events: VecDeque::new() });

unsafe extern "C" fn on_event(event: *mut lv::lv_event_t) {
    // SAFETY: LVGL passes a live event for a live (or being deleted) object.
    let (code, target, current) =
        unsafe { (lv::lv_event_get_code(event), lv::lv_event_get_target_obj(event), lv::lv_event_get_current_target_obj(event)) };
    // Bubbled events reach the parents' callbacks too: each is recorded once, by its target.
    if target != current || target.is_null() {
        return;
    }
    // SAFETY: as above; the user data holds the handle (see Call::register).
    let handle = unsafe { lv::lv_obj_get_user_data(target) } as usize as u16;
    #[allow(clippy::unnecessary_cast)]
    let code = code as u32;
    PENDING.with(|pending| {
        if code == EVENT_DELETE {
            pending.deleted.push(handle);
        } else if (code == EVENT_CLICKED || code == EVENT_VALUE_CHANGED)
            && pending.events.len() < MAX_EVENTS
        {
            pending.events.push_back((code, handle));
        }
    });
}

fn retire_deleted(graphics: &mut Graphics) {
    let deleted = PENDING.with(|pending| core::mem::take(&mut pending.deleted));
    if deleted.is_empty() {
        return;
    }
    for handle in deleted {
        graphics.handles.remove(handle);
        graphics.created.remove(&handle);
        graphics.maps.remove(&handle);
        graphics.windows.remove(&handle);
    }
    let handles = &graphics.handles;
    graphics.series.retain_charts(|chart| handles.contains(chart));
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

    /// The bytes of the NUL-terminated string at `address`, without the NUL.
    fn c_string(&self, address: u32) -> Result<&[u8], Error> {
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
        // SAFETY: WAMR found the NUL inside linear memory; LVGL does not run while it is read.
        Ok(unsafe { core::ffi::CStr::from_ptr(self.native(address).cast()) }.to_bytes())
    }

    /// A UTF-8 string: LVGL's text functions walk UTF-8 sequences by their lead byte, and a cut
    /// sequence before the NUL would take them past it.
    fn text(&self, address: u32) -> Result<&[u8], Error> {
        let bytes = self.c_string(address)?;
        core::str::from_utf8(bytes).map_err(|_| Error::InvalidArgument)?;
        Ok(bytes)
    }

    fn register(&mut self, object: *mut lv::lv_obj_t) -> Result<u16, Error> {
        // SAFETY: object is a live LVGL object (just returned by LVGL).
        let existing = unsafe { lv::lv_obj_get_user_data(object) } as usize;
        if let Ok(existing) = u16::try_from(existing) {
            if existing != 0 && self.graphics.handles.get(u32::from(existing)) == Some(object) {
                return Ok(existing);
            }
        }
        // Registered before it is handed out; the DELETE event retires it.
        let handle = self.graphics.handles.insert(object)?;
        // SAFETY: as above.
        unsafe {
            lv::lv_obj_set_user_data(object, usize::from(handle) as *mut c_void);
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

    /// Whether the guest made `object` (so may delete, move or reparent it).
    fn guest_made(&self, object: *mut lv::lv_obj_t) -> bool {
        // SAFETY: a live, registered object.
        let handle = unsafe { lv::lv_obj_get_user_data(object) } as usize;
        u16::try_from(handle).is_ok_and(|handle| self.graphics.created.contains(&handle))
    }

    fn require_guest_made(&self, object: *mut lv::lv_obj_t) -> Result<(), Error> {
        if self.guest_made(object) { Ok(()) } else { Err(Error::InternalPart) }
    }

    /// A window: a live screen made by `window_create`.
    fn window(&mut self, handle: u32) -> Result<u16, Error> {
        self.object(handle, None)?;
        let handle = handle as u16;
        if self.graphics.windows.contains_key(&handle) { Ok(handle) } else { Err(Error::WrongClass) }
    }

    /// A textarea's text (LVGL's own, NUL-terminated).
    fn textarea_text(&mut self, handle: u32) -> Result<&'static [u8], Error> {
        let object = self.object(handle, Some(core::ptr::addr_of!(lv::lv_textarea_class)))?;
        // SAFETY: a live textarea; its text lives until LVGL runs again.
        let text = unsafe { lv::lv_textarea_get_text(object) };
        Ok(if text.is_null() { &[] } else { unsafe { core::ffi::CStr::from_ptr(text) }.to_bytes() })
    }

    /// The oldest pending event, after letting LVGL run when `run`; `None` when the run has
    /// just ended as idle (the caller returns at once, touching nothing of the guest's).
    fn peek_event(&mut self, run: bool) -> Option<(u32, u16)> {
        if run {
            display::run_lvgl(PENDING.with(|pending| pending.events.is_empty()));
            retire_deleted(self.graphics);
            // Every injected sample fed and no event pending: a job that asks for it ends here
            // instead of waiting for ever (crate::idle).
            let pending = PENDING.with(|pending| pending.events.len());
            if crate::idle::should_end(usize::from(display::input_pending()), pending) {
                crate::idle::end(self.instance);
                return None;
            }
        }
        let event = PENDING.with(|pending| pending.events.front().copied());
        Some(event.unwrap_or((EVENT_ALL, 0)))
    }

    fn drop_event(&mut self) {
        PENDING.with(|pending| pending.events.pop_front());
    }
}

impl Marshal for Call<'_> {
    fn object(&mut self, handle: u32, class: Option<*const lv::lv_obj_class_t>) -> Result<*mut lv::lv_obj_t, Error> {
        let object = self.graphics.handles.get(handle).ok_or(Error::InvalidHandle)?;
        match class {
            Some(class) if !is_of_class(object, class) => Err(Error::WrongClass),
            _ => Ok(object),
        }
    }

    fn string(&mut self, address: u32) -> Result<*const c_char, Error> {
        Ok(self.text(address)?.as_ptr().cast())
    }

    fn format(&mut self, address: u32) -> Result<*const c_char, Error> {
        let text = self.text(address)?;
        // Called without arguments, a conversion would read what is not there; `%%` is a '%'.
        let mut bytes = text.iter();
        while let Some(&byte) = bytes.next() {
            if byte == b'%' && bytes.next() != Some(&b'%') {
                return Err(Error::InvalidArgument);
            }
        }
        Ok(text.as_ptr().cast())
    }

    fn style(&mut self, address: u32, init: bool) -> Result<*mut lv::lv_style_t, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !address.is_multiple_of(4) {
            return Err(Error::Misaligned);
        }
        if !self.in_bounds(address, GUEST_STYLE_SIZE) {
            return Err(Error::OutOfBounds);
        }
        if !init {
            return self.graphics.styles.get(address).ok_or(Error::InvalidHandle);
        }
        if let Some(style) = self.graphics.styles.get(address) {
            // Initialised again: its values go back to LVGL's heap before lv_style_init
            // forgets them. Objects that use it see an empty style, as on Xila.
            // SAFETY: a style the host initialised.
            unsafe { lv::lv_style_reset(style) };
            return Ok(style);
        }
        // SAFETY: all-zero is what lv_style_init starts from; it runs right after this.
        self.graphics.styles.get_or_insert(address, || unsafe { core::mem::zeroed() })
    }

    fn result(&mut self, address: u32, size: u32) -> Result<Slot, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        // A Color slot (3 bytes) has alignment 1, as Xila's guest lays it out.
        let alignment = if size == 3 { 1 } else { size.clamp(1, 4) };
        if !address.is_multiple_of(alignment) {
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

    fn write_object(&mut self, slot: Slot, object: *mut lv::lv_obj_t, created: bool) -> Result<(), Error> {
        let handle = if object.is_null() { 0 } else { self.register(object)? };
        if created && handle != 0 {
            self.graphics.created.insert(handle);
        }
        self.write(slot, &u32::from(handle).to_le_bytes())
    }

    fn restructure(&mut self, change: Restructure) -> Result<(), Error> {
        match change {
            Restructure::Move(object) => self.require_guest_made(object),
            Restructure::Swap(a, b) => self.require_guest_made(a).and(self.require_guest_made(b)),
            Restructure::Reparent(object, parent) => {
                self.require_guest_made(object)?;
                // Under itself or one of its descendants, the tree would become a cycle.
                let mut ancestor = parent;
                while !ancestor.is_null() {
                    if ancestor == object {
                        return Err(Error::InvalidArgument);
                    }
                    // SAFETY: live objects; the parent chain ends at a screen.
                    ancestor = unsafe { lv::lv_obj_get_parent(ancestor) };
                }
                Ok(())
            }
            Restructure::Clean(object) => {
                // SAFETY: a live object; its children are live.
                let count = unsafe { lv::lv_obj_get_child_count(object) };
                for index in 0..count {
                    let child = unsafe { lv::lv_obj_get_child(object, index as i32) };
                    if !child.is_null() && !self.guest_made(child) {
                        return Err(Error::InternalPart);
                    }
                }
                Ok(())
            }
        }
    }

    fn series(&mut self, chart: *mut lv::lv_obj_t, handle: u32) -> Result<*mut lv::lv_chart_series_t, Error> {
        let chart_handle = self.register(chart)?;
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
            let chart_handle = self.register(chart)?;
            self.graphics.series.handle_for(chart_handle, series as usize, fresh)?
        };
        self.write(slot, &handle.to_le_bytes())
    }

    fn button_map(&mut self, matrix: *mut lv::lv_obj_t, address: u32) -> Result<*const *const c_char, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !address.is_multiple_of(4) {
            return Err(Error::Misaligned);
        }
        // The array's entries are string addresses, up to the one naming "".
        let mut entries: Vec<&[u8]> = Vec::new();
        for index in 0..=tables::MAX_MAP_ENTRIES as u32 {
            let entry = address.checked_add(index * 4).ok_or(Error::OutOfBounds)?;
            let pointer = self.buffer(entry, 4)?;
            // SAFETY: 4 bytes checked inside linear memory; read unaligned, as wasm allows.
            let string = u32::from_le_bytes(unsafe { pointer.cast::<[u8; 4]>().read() });
            let text = self.text(string)?;
            if text.is_empty() {
                let map = OwnedMap::new(entries.into_iter())?;
                let pointer = map.as_ptr();
                let handle = self.register(matrix)?;
                // The old map stays alive until LVGL has the new one: the dispatcher calls
                // lv_buttonmatrix_set_map right after this, which never reads the old map.
                self.graphics.maps.insert(handle, map);
                return Ok(pointer);
            }
            entries.push(text);
        }
        Err(Error::InvalidArgument)
    }

    fn plain(&mut self, address: u32, size: u32) -> Result<*mut u8, Error> {
        if address == 0 {
            return Err(Error::NullPointer);
        }
        if !address.is_multiple_of(4) {
            return Err(Error::Misaligned);
        }
        self.buffer(address, size)
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
                let handle = self.register(screen)?;
                self.graphics.created.insert(handle);
                self.graphics.windows.insert(handle, (Vec::new(), 0));
                // SAFETY: a live screen.
                unsafe { lv::lv_screen_load(screen) };
                self.write(slot, &u32::from(handle).to_le_bytes())
            }
            Extra::ObjectDelete => {
                let object = self.object(a[0], None)?;
                self.require_guest_made(object)?;
                // Without an active screen LVGL's next refresh reads through NULL.
                // SAFETY: LVGL is started.
                if object == unsafe { lv::lv_screen_active() } {
                    return Err(Error::InvalidArgument);
                }
                // SAFETY: a live object; its DELETE events retire its handle and its children's.
                unsafe { lv::lv_obj_delete(object) };
                Ok(())
            }
            Extra::Percentage => {
                let value = a[0] as i32;
                if !(-PERCENTAGE_MAX..=PERCENTAGE_MAX).contains(&value) {
                    return Err(Error::InvalidArgument);
                }
                let slot = self.result(result, 4)?;
                // SAFETY: a pure function of LVGL's.
                let coordinate = unsafe { lv::lv_pct(value) };
                self.write(slot, &coordinate.to_le_bytes())
            }
            Extra::TextareaGetText => {
                // LVGL does not run during the checks below, so the text stays as it is.
                let text = self.textarea_text(a[0])?;
                let size = a[2];
                let buffer = if size == 0 { core::ptr::null_mut() } else { self.buffer(a[1], size)? };
                let slot = self.result(result, 4)?;
                if !buffer.is_null() {
                    let copied = text.len().min(size as usize - 1);
                    // SAFETY: buffer was checked for `size` bytes.
                    unsafe {
                        core::ptr::copy_nonoverlapping(text.as_ptr(), buffer, copied);
                        buffer.add(copied).write(0);
                    }
                }
                let length = text.len() as u32;
                self.write(slot, &length.to_le_bytes())
            }
            Extra::TextareaGetTextLength => {
                let length = self.textarea_text(a[0])?.len() as u32;
                let slot = self.result(result, 4)?;
                self.write(slot, &length.to_le_bytes())
            }
            Extra::WindowGetEventCode => {
                self.window(a[0])?;
                let slot = self.result(result, 4)?;
                let Some((code, _)) = self.peek_event(true) else { return Ok(()) };
                self.write(slot, &code.to_le_bytes())
            }
            Extra::WindowGetEventTarget => {
                self.window(a[0])?;
                let slot = self.result(result, 2)?;
                let (_, target) = self.peek_event(false).unwrap_or_default();
                self.write(slot, &target.to_le_bytes())
            }
            Extra::WindowNextEvent => {
                self.window(a[0])?;
                self.drop_event();
                Ok(())
            }
            Extra::WindowPopEvent => {
                self.window(a[0])?;
                let code_slot = self.result(a[1], 4)?;
                let target_slot = self.result(a[2], 2)?;
                let Some((code, target)) = self.peek_event(true) else { return Ok(()) };
                self.drop_event();
                self.write(code_slot, &code.to_le_bytes())?;
                self.write(target_slot, &target.to_le_bytes())
            }
            Extra::WindowSetIcon => {
                let window = self.window(a[0])?;
                let icon = self.text(a[1])?;
                if icon.len() > MAX_ICON_BYTES {
                    return Err(Error::InvalidArgument);
                }
                let icon = icon.to_vec();
                dispatch::color(a[2])?;
                self.graphics.windows.insert(window, (icon, a[2]));
                Ok(())
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
            // A new instance: none of the previous one's handles are its own. What LVGL may
            // still point at (styles, maps) stays alive.
            graphics.instance = instance;
            graphics.handles.clear();
            graphics.created.clear();
            graphics.series.clear();
            graphics.styles.retire_all();
            let maps = core::mem::take(&mut graphics.maps);
            graphics.retired_maps.extend(maps.into_values());
            graphics.windows.clear();
            PENDING.with(|pending| pending.events.clear());
        }
        display::start()?;
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
    use super::dispatch::{call, Error, Extra, Marshal, Restructure, Slot};
    use super::lv;
    use core::ffi::c_char;

    /// Records the extras it is asked to run and refuses everything else: the dispatcher's own
    /// routing of numbers 717..=726, checked without a VM.
    struct Extras(alloc::vec::Vec<Extra>);

    impl Marshal for Extras {
        fn object(&mut self, _: u32, _: Option<*const lv::lv_obj_class_t>) -> Result<*mut lv::lv_obj_t, Error> {
            Err(Error::InvalidHandle)
        }
        fn string(&mut self, _: u32) -> Result<*const c_char, Error> {
            Err(Error::NullPointer)
        }
        fn format(&mut self, _: u32) -> Result<*const c_char, Error> {
            Err(Error::NullPointer)
        }
        fn style(&mut self, _: u32, _: bool) -> Result<*mut lv::lv_style_t, Error> {
            Err(Error::InvalidHandle)
        }
        fn result(&mut self, _: u32, _: u32) -> Result<Slot, Error> {
            Err(Error::NullPointer)
        }
        fn write(&mut self, _: Slot, _: &[u8]) -> Result<(), Error> {
            Err(Error::NullPointer)
        }
        fn write_object(&mut self, _: Slot, _: *mut lv::lv_obj_t, _: bool) -> Result<(), Error> {
            Err(Error::NullPointer)
        }
        fn restructure(&mut self, _: Restructure) -> Result<(), Error> {
            Err(Error::InternalPart)
        }
        fn series(&mut self, _: *mut lv::lv_obj_t, _: u32) -> Result<*mut lv::lv_chart_series_t, Error> {
            Err(Error::InvalidHandle)
        }
        fn write_series(&mut self, _: Slot, _: *mut lv::lv_obj_t, _: *mut lv::lv_chart_series_t, _: bool) -> Result<(), Error> {
            Err(Error::NullPointer)
        }
        fn button_map(&mut self, _: *mut lv::lv_obj_t, _: u32) -> Result<*const *const c_char, Error> {
            Err(Error::NullPointer)
        }
        fn plain(&mut self, _: u32, _: u32) -> Result<*mut u8, Error> {
            Err(Error::NullPointer)
        }
        fn extra(&mut self, extra: Extra, _: &[u32; 7], _: u32) -> Result<(), Error> {
            self.0.push(extra);
            Ok(())
        }
    }

    #[test]
    fn the_extras_are_numbers_717_to_726_with_xilas_arities() {
        use Extra::*;
        let mut extras = Extras(alloc::vec::Vec::new());
        let arities = [1, 1, 3, 1, 0, 1, 1, 1, 3, 3];
        for (offset, arity) in arities.iter().enumerate() {
            let number = 717 + offset as u32;
            assert_eq!(call(&mut extras, number, &[0; 7], *arity + 1, 0), Err(Error::ArgumentCount), "extra {number}");
            assert_eq!(call(&mut extras, number, &[0; 7], *arity, 0), Ok(()), "extra {number}");
        }
        assert_eq!(
            extras.0,
            [
                ObjectDelete, Percentage, TextareaGetText, TextareaGetTextLength, WindowCreate, WindowGetEventCode,
                WindowGetEventTarget, WindowNextEvent, WindowPopEvent, WindowSetIcon
            ]
        );
    }

    #[test]
    fn numbers_past_the_table_and_wrong_counts_are_refused_before_any_check() {
        let mut extras = Extras(alloc::vec::Vec::new());
        assert_eq!(super::dispatch::FUNCTION_COUNT, 727);
        for number in [727, 728, 0xFFFF, u32::MAX] {
            assert_eq!(call(&mut extras, number, &[0; 7], 0, 0), Err(Error::InvalidFunction));
        }
        // label_create (number 154 in Xila's table) takes one parameter.
        let label_create = super::dispatch::NAMES.iter().position(|name| *name == "label_create").unwrap() as u32;
        assert_eq!(call(&mut extras, label_create, &[0; 7], 2, 0), Err(Error::ArgumentCount));
        assert_eq!(call(&mut extras, label_create, &[0; 7], 8, 0), Err(Error::ArgumentCount));
        assert_eq!(call(&mut extras, label_create, &[5, 0, 0, 0, 0, 0, 0], 1, 0), Err(Error::InvalidHandle));
        assert!(extras.0.is_empty());
    }

    #[test]
    fn style_values_carry_numbers_and_colours_never_addresses() {
        use super::dispatch::style_value;
        let property = |name: &str| -> u32 {
            xila_lvgl_sys::CONSTANTS_TXT
                .lines()
                .find_map(|line| {
                    let mut fields = line.split(' ');
                    (fields.next() == Some("lv_style_prop_t") && fields.next() == Some(name))
                        .then(|| fields.next().unwrap().parse().unwrap())
                })
                .unwrap_or_else(|| panic!("{name} in constants.txt"))
        };
        assert_eq!(property("LV_STYLE_BG_COLOR"), 28, "LVGL 9.3's number");
        // SAFETY: reading the union member that was set.
        let colour = unsafe { style_value(property("LV_STYLE_BG_COLOR"), 0x123456).unwrap().color };
        assert_eq!((colour.red, colour.green, colour.blue), (0x12, 0x34, 0x56));
        assert_eq!(style_value(property("LV_STYLE_BG_COLOR"), 0x1000000).err(), Some(Error::InvalidArgument));
        assert_eq!(unsafe { style_value(property("LV_STYLE_RADIUS"), 7).unwrap().num }, 7);
        for address_property in ["LV_STYLE_TEXT_FONT", "LV_STYLE_BG_IMAGE_SRC", "LV_STYLE_TRANSITION", "LV_STYLE_ANIM"] {
            assert_eq!(style_value(property(address_property), 0x1000).err(), Some(Error::StyleValueAddress), "{address_property}");
        }
        assert_eq!(style_value(0, 1).err(), Some(Error::StyleValueAddress));
        assert_eq!(style_value(250, 1).err(), Some(Error::StyleValueAddress));
    }
}
