//! The guest side of Xila's graphics dispatcher: the raw import, error numbers, and typed
//! wrappers generated from runtime/bindings/functions.txt.

/// An object handle from the host's table (never a host address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object(pub u32);

/// A chart series handle from the host's series table (never a host address); valid only with
/// its chart, while the series is in the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Series(pub u32);

/// A non-zero dispatcher error number (runtime/lvgl-sys/src/lib.rs, `dispatch::Error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(pub i32);

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

/// The import as it is: any values, any pointers. Returns the host's status (0 = success).
pub fn raw(function: i32, arguments: &[i32], argument_count: i32, result_pointer: i32) -> i32 {
    let mut a = [0i32; 7];
    for (slot, value) in a.iter_mut().zip(arguments) {
        *slot = *value;
    }
    unsafe { xila_graphics_call(function, a[0], a[1], a[2], a[3], a[4], a[5], a[6], argument_count, result_pointer) }
}

/// Calls with a result slot of `size` bytes (4-aligned) and returns the slot's bytes.
pub fn call(function: u16, arguments: &[i32], size: usize) -> Result<[u8; 4], Error> {
    let mut out = [0u32; 2];
    let pointer = if size == 0 { 0 } else { out.as_mut_ptr() as i32 };
    match raw(function as i32, arguments, arguments.len() as i32, pointer) {
        0 => Ok(out[0].to_le_bytes()),
        error => Err(Error(error)),
    }
}

include!(concat!(env!("OUT_DIR"), "/functions.rs"));
pub use wrappers::*;

// Xila's extras.
pub fn window_create() -> Result<Object, Error> {
    call(function::WINDOW_CREATE, &[], 4).map(|out| Object(u32::from_le_bytes(out)))
}

pub fn object_delete(object: Object) -> Result<(), Error> {
    call(function::OBJECT_DELETE, &[object.0 as i32], 0).map(|_| ())
}

pub fn percentage(value: i32) -> Result<i32, Error> {
    call(function::PERCENTAGE, &[value], 4).map(i32::from_le_bytes)
}

/// The text of a label or text area, as much as fits `buffer` (NUL-terminated); its length.
pub fn textarea_get_text(object: Object, buffer: &mut [u8]) -> Result<usize, Error> {
    call(function::TEXTAREA_GET_TEXT, &[object.0 as i32, buffer.as_mut_ptr() as i32, buffer.len() as i32], 4)
        .map(|out| u32::from_le_bytes(out) as usize)
}

/// The next event (code, target handle); code 0 when there is none.
pub fn window_pop_event(window: Object) -> Result<(u32, Object), Error> {
    let mut out = [0u32; 2];
    match raw(function::WINDOW_POP_EVENT as i32, &[window.0 as i32], 1, out.as_mut_ptr() as i32) {
        0 => Ok((out[0], Object(out[1]))),
        error => Err(Error(error)),
    }
}
