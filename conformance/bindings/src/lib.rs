//! The guest side of Xila's graphics ABI (docs/graphics-abi.md): the raw import, the error
//! numbers, the types values travel as, and Xila's functions by Xila's names and numbers.
//!
//! build.rs generates `function::*` (every number), the enumerations with LVGL 9.3's values
//! (`Align::CENTER`, `EventCode::CLICKED`, `StyleProp::BG_COLOR`, ...), `SIZE_CONTENT` and a
//! wrapper per supported function (`label_create`, `object_set_width`, ...) from the lists
//! the runtime is built with. Xila's ten extras (717..=726) are at the end of this file.
//!
//! Every wrapper returns `Result<T, Error>`: the dispatcher's status, which is the point of
//! these tests. The raw import, [`raw`], stays for calls no well-typed guest would make.

use core::ffi::{c_char, CStr};

/// A non-zero status of the dispatcher (the numbers are in [`error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(pub i32);

/// The dispatcher's statuses (docs/graphics-abi.md, "Errors").
pub mod error {
    pub const INVALID_FUNCTION: i32 = 1;
    pub const ARGUMENT_COUNT: i32 = 2;
    pub const UNSUPPORTED_FUNCTION: i32 = 3;
    pub const NULL_POINTER: i32 = 4;
    pub const OUT_OF_BOUNDS: i32 = 5;
    pub const MISALIGNED: i32 = 6;
    pub const UNTERMINATED_STRING: i32 = 7;
    pub const INVALID_HANDLE: i32 = 8;
    pub const WRONG_CLASS: i32 = 9;
    pub const INVALID_ARGUMENT: i32 = 10;
    pub const STYLE_VALUE_ADDRESS: i32 = 11;
    pub const OUT_OF_MEMORY: i32 = 12;
    pub const NO_INSTANCE: i32 = 13;
    pub const INTERNAL_PART: i32 = 14;
}

/// An object: a handle from the instance's table, 1..=65535, never a host address.
/// `Object::NONE` (0) is what a getter answers for "no object", like C's NULL.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object(pub u16);

impl Object {
    pub const NONE: Object = Object(0);

    /// A handle read from a 4-byte result slot. The contract keeps handles within 16 bits
    /// (`window_pop_event` writes 2 bytes), so anything wider is the host's fault: trap on it
    /// rather than truncate it into somebody else's handle.
    pub fn from_slot(value: u32) -> Object {
        Object(u16::try_from(value).expect("the host returned an object handle above 65535"))
    }

    pub fn is_none(self) -> bool {
        self == Object::NONE
    }
}

/// A chart series: a handle from the instance's series table, valid with its own chart while
/// the series is in it. `ChartSeries::NONE` (0) is "no series" (`chart_get_series_next`'s
/// start and end).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartSeries(pub u32);

impl ChartSeries {
    pub const NONE: ChartSeries = ChartSeries(0);
}

/// LVGL 9's `lv_color_t`, travelling as `0xRRGGBB`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub u32);

impl Color {
    pub const fn rgb(red: u8, green: u8, blue: u8) -> Color {
        Color((red as u32) << 16 | (green as u32) << 8 | blue as u32)
    }
}

impl core::fmt::Display for Color {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "#{:06X}", self.0)
    }
}

/// `lv_color32_t` as `0xAARRGGBB`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color32(pub u32);

/// `lv_color16_t`, RGB565.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color16(pub u16);

/// `lv_style_value_t` as its 4 raw bytes: a number, or a colour as `0xRRGGBB`. Never an
/// address: the host refuses properties that hold one (error 11).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StyleValue(pub u32);

impl From<i32> for StyleValue {
    fn from(number: i32) -> StyleValue {
        StyleValue(number as u32)
    }
}

impl From<Color> for StyleValue {
    fn from(color: Color) -> StyleValue {
        StyleValue(color.0)
    }
}

/// LVGL 9.3's `lv_value_precise_t` (`int32_t` without `LV_USE_FLOAT`).
pub type ValuePrecise = i32;

/// LVGL 9.3's `lv_point_t`, laid out as in C: passed by address, copied by the host.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

pub type PointPrecise = Point;

/// LVGL 9.3's `lv_area_t`: the corners, both included; passed by address, copied by the host.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Area {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

/// The guest's `lv_style_t`: 12 zeroed bytes whose address names the style. The host keeps
/// its own copy for each address `style_init` was given and never reads these bytes, so the
/// guest may do anything with them afterwards without reaching the host.
#[repr(C, align(4))]
pub struct Style(pub [u8; 12]);

impl Style {
    pub const fn new() -> Style {
        Style([0; 12])
    }
}

impl Default for Style {
    fn default() -> Style {
        Style::new()
    }
}

/// An enumeration or flag set travelling as its LVGL 9.3 value; the field is public so that a
/// test can send a value LVGL does not have.
macro_rules! enumeration {
    ($name:ident, bool) => {
        #[repr(transparent)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name(pub bool);
    };
    ($name:ident, $inner:ty) => {
        #[repr(transparent)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name(pub $inner);

        /// Flag sets (`ObjectFlag`, `State`, `Part`, `ButtonmatrixCtrl`, ...) combine with `|`.
        impl core::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }
        }
    };
}

#[link(wasm_import_module = "host")]
extern "C" {
    #[link_name = "xila_graphics_call"]
    fn xila_graphics_call(
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
    ) -> i32;
}

/// The import as it is: any function number, values, count and result address. Returns the
/// dispatcher's status (0 = success). Arguments past the seventh are dropped.
pub fn raw(function: i32, arguments: &[i32], argument_count: i32, result_pointer: i32) -> i32 {
    let mut a = [0i32; 7];
    for (slot, value) in a.iter_mut().zip(arguments) {
        *slot = *value;
    }
    unsafe { xila_graphics_call(function, a[0], a[1], a[2], a[3], a[4], a[5], a[6], argument_count, result_pointer) }
}

/// Calls `function` with a zeroed result slot of `size` bytes (none when 0), and returns the
/// slot's bytes on success.
pub fn call(function: u16, arguments: &[i32], size: usize) -> Result<[u8; 8], Error> {
    #[repr(C, align(4))]
    struct Slot([u8; 8]);
    let mut slot = Slot([0; 8]);
    let pointer = if size == 0 { 0 } else { slot.0.as_mut_ptr() as i32 };
    match raw(function as i32, arguments, arguments.len() as i32, pointer) {
        0 => Ok(slot.0),
        status => Err(Error(status)),
    }
}

include!(concat!(env!("OUT_DIR"), "/xila.rs"));

/// A style selector is a part and a state, OR-ed.
impl From<Part> for StyleSelector {
    fn from(part: Part) -> StyleSelector {
        StyleSelector(part.0)
    }
}

impl From<State> for StyleSelector {
    fn from(state: State) -> StyleSelector {
        StyleSelector(state.0 as u32)
    }
}

impl core::ops::BitOr<State> for Part {
    type Output = StyleSelector;
    fn bitor(self, state: State) -> StyleSelector {
        StyleSelector(self.0 | state.0 as u32)
    }
}

// Xila's extras (717..=726).

/// Deletes `object` and its children; their handles are never valid again.
pub fn object_delete(object: Object) -> Result<(), Error> {
    call(function::OBJECT_DELETE, &[object.0 as i32], 0).map(drop)
}

/// LVGL 9's `lv_pct(value)`, for sizes and positions in percent of the parent.
pub fn percentage(value: i32) -> Result<i32, Error> {
    call(function::PERCENTAGE, &[value], 4).map(|slot| i32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]))
}

/// Copies a text area's text into `buffer`, NUL-terminated and cut to fit; returns the text's
/// whole length in bytes (more than `buffer` holds when it was cut).
pub fn textarea_get_text(textarea: Object, buffer: &mut [u8]) -> Result<usize, Error> {
    let arguments = [textarea.0 as i32, buffer.as_mut_ptr() as i32, buffer.len() as i32];
    call(function::TEXTAREA_GET_TEXT, &arguments, 4).map(|slot| u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) as usize)
}

/// A text area's text length in bytes.
pub fn textarea_get_text_length(textarea: Object) -> Result<usize, Error> {
    call(function::TEXTAREA_GET_TEXT_LENGTH, &[textarea.0 as i32], 4)
        .map(|slot| u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) as usize)
}

/// A new screen, loaded: the application's window.
pub fn window_create() -> Result<Object, Error> {
    call(function::WINDOW_CREATE, &[], 4).map(|slot| Object::from_slot(u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]])))
}

/// The code of the oldest pending event, `EventCode::ALL` (0) when there is none.
pub fn window_get_event_code(window: Object) -> Result<EventCode, Error> {
    call(function::WINDOW_GET_EVENT_CODE, &[window.0 as i32], 4)
        .map(|slot| EventCode(u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]])))
}

/// The target of the oldest pending event, `Object::NONE` when there is none.
pub fn window_get_event_target(window: Object) -> Result<Object, Error> {
    call(function::WINDOW_GET_EVENT_TARGET, &[window.0 as i32], 2).map(|slot| Object(u16::from_le_bytes([slot[0], slot[1]])))
}

/// Drops the oldest pending event.
pub fn window_next_event(window: Object) -> Result<(), Error> {
    call(function::WINDOW_NEXT_EVENT, &[window.0 as i32], 0).map(drop)
}

/// Takes the oldest pending event: its code into `code` (4 bytes, `EventCode::ALL` when there
/// is none) and its target's handle into `target` (2 bytes), as Xila's applications do.
pub fn window_pop_event(window: Object, code: &mut EventCode, target: &mut Object) -> Result<(), Error> {
    let arguments = [window.0 as i32, code as *mut EventCode as i32, target as *mut Object as i32];
    match raw(function::WINDOW_POP_EVENT as i32, &arguments, 3, 0) {
        0 => Ok(()),
        status => Err(Error(status)),
    }
}

/// The window's icon: a short UTF-8 string on a colour.
pub fn window_set_icon(window: Object, icon: &CStr, color: Color) -> Result<(), Error> {
    call(function::WINDOW_SET_ICON, &[window.0 as i32, icon.as_ptr() as i32, color.0 as i32], 0).map(drop)
}

/// LVGL's `lv_obj_set_style_pad_all` is an inline function, so not in Xila's table: the four
/// sides one by one, as a Xila application does it.
pub fn object_set_style_pad_all_sides(object: Object, pad: i32) -> Result<(), Error> {
    object_set_style_pad_left(object, pad, Part::MAIN)?;
    object_set_style_pad_right(object, pad, Part::MAIN)?;
    object_set_style_pad_top(object, pad, Part::MAIN)?;
    object_set_style_pad_bottom(object, pad, Part::MAIN)
}
