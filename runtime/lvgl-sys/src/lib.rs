//! LVGL 8.3 built for the bench's targets (see build.rs), its bindings, and the graphics
//! dispatcher generated from them: the function list (`runtime/bindings/functions.txt`) and
//! the checks and conversions of every supported function. The runtime supplies what needs
//! the VM (guest memory, handles) through [`dispatch::Marshal`].
#![no_std]
#![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code)]
#![allow(clippy::all)]

#[allow(improper_ctypes, unsafe_op_in_unsafe_fn)]
mod bindings {
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}
pub use bindings::*;

/// The numbered function list, as generated for this build.
pub const FUNCTIONS_TXT: &str = include_str!(concat!(env!("OUT_DIR"), "/functions.txt"));

pub mod dispatch {
    use super::*;

    /// What `host.xila_graphics_call` returns. 0 is success; every error is non-zero.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(i32)]
    pub enum Error {
        /// The function number is 0, past the last function, or above 0xFFFF.
        InvalidFunction = 1,
        /// `argument_count` differs from the function's arity (or is above 7).
        ArgumentCount = 2,
        /// The function is in the list but its signature is not marshalled (pointer types other
        /// than objects and strings, structs, returned strings, more than 7 parameters).
        UnsupportedFunction = 3,
        /// A required pointer (string, buffer, result) is 0.
        NullPointer = 4,
        /// A pointer, or the range it starts, is outside the guest's linear memory.
        OutOfBounds = 5,
        /// A result pointer is not aligned to the result's size.
        Misaligned = 6,
        /// A string has no NUL terminator before the end of linear memory.
        UnterminatedString = 7,
        /// An object handle is 0, was never handed out, or its object was deleted; or a series
        /// handle is not one of the given chart's series now (another chart's, removed, its
        /// chart deleted, made up).
        InvalidHandle = 8,
        /// An object handle names an object of another class than the function needs.
        WrongClass = 9,
        /// An integer does not fit the parameter's type, a bool is not 0 or 1, a colour is
        /// above 0xFFFFFF, a percentage is outside -1000..=1000.
        InvalidArgument = 10,
        /// A style value for a property that holds an address (font, image, gradient,
        /// transition, animation, filter) or for an unknown property.
        StyleValueAddress = 11,
        /// The handle table or LVGL's heap is full.
        OutOfMemory = 12,
        /// The call did not come from a running module instance.
        NoInstance = 13,
    }

    /// Xila's extra functions, implemented by the runtime.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Extra {
        ObjectDelete,
        Percentage,
        TextareaGetText,
        WindowCreate,
        WindowPopEvent,
    }

    /// A checked place in guest memory for a result.
    #[derive(Clone, Copy, Debug)]
    pub struct Slot {
        pub address: *mut u8,
        pub size: u32,
    }

    /// What the generated dispatcher needs from the VM.
    pub trait Marshal {
        /// The live object behind `handle`, checked to be of `class` (or a subclass).
        fn object(&mut self, handle: u32, class: Option<*const lv_obj_class_t>) -> Result<*mut lv_obj_t, Error>;
        /// A NUL-terminated string wholly inside linear memory.
        fn string(&mut self, address: u32) -> Result<*const core::ffi::c_char, Error>;
        /// A style value for property `prop`: numbers and colours only.
        fn style_value(&mut self, prop: u32, raw: u32) -> Result<lv_style_value_t, Error>;
        /// Checks `size` bytes at `address` (non-null, in bounds, aligned to `size`).
        fn result(&mut self, address: u32, size: u32) -> Result<Slot, Error>;
        /// Writes into a checked slot.
        fn write(&mut self, slot: Slot, bytes: &[u8]) -> Result<(), Error>;
        /// Registers `object` (if new) and writes its handle (0 for none).
        fn write_object(&mut self, slot: Slot, object: *mut lv_obj_t) -> Result<(), Error>;
        /// The series behind `handle`, accepted only if it is in `chart`'s series list now
        /// (`chart` is a live, class-checked chart); else `InvalidHandle`.
        fn series(&mut self, chart: *mut lv_obj_t, handle: u32) -> Result<*mut lv_chart_series_t, Error>;
        /// Writes the handle of `series`, a series of `chart` that LVGL just returned (0 for
        /// NULL); `fresh`: just created by `lv_chart_add_series`, so never an older handle's.
        fn write_series(&mut self, slot: Slot, chart: *mut lv_obj_t, series: *mut lv_chart_series_t, fresh: bool) -> Result<(), Error>;
        /// Runs one of Xila's extras (arity already checked).
        fn extra(&mut self, extra: Extra, a: &[u32; 7], result: u32) -> Result<(), Error>;
    }

    pub(crate) fn arity(count: u32, arity: u32) -> Result<(), Error> {
        if count == arity { Ok(()) } else { Err(Error::ArgumentCount) }
    }

    /// An integer argument that must fit `T`, read as signed or as unsigned 32-bit.
    pub fn int<T: TryFrom<i32> + TryFrom<u32>>(raw: u32) -> Result<T, Error> {
        T::try_from(raw as i32).or_else(|_| T::try_from(raw)).map_err(|_| Error::InvalidArgument)
    }

    pub fn boolean(raw: u32) -> Result<bool, Error> {
        match raw {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::InvalidArgument),
        }
    }

    /// 0xRRGGBB to RGB565 (LV_COLOR_DEPTH 16, not swapped).
    pub fn color_in(raw: u32) -> Result<u16, Error> {
        if raw > 0xFF_FFFF {
            return Err(Error::InvalidArgument);
        }
        let (r, g, b) = ((raw >> 16) & 0xFF, (raw >> 8) & 0xFF, raw & 0xFF);
        Ok((((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3)) as u16)
    }

    /// RGB565 to 0xRRGGBB, each channel widened by repeating its top bits.
    pub fn color_out(full: u16) -> u32 {
        let full = u32::from(full);
        let (r, g, b) = ((full >> 11) & 0x1F, (full >> 5) & 0x3F, full & 0x1F);
        let (r, g, b) = ((r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2));
        (r << 16) | (g << 8) | b
    }

    include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));
}

#[cfg(test)]
mod tests {
    extern crate std;

    /// The list in the repo is the generated one: a change to LVGL or to the generator shows in
    /// review. `XILA_BLESS=1 cargo test -p xila-lvgl-sys` rewrites it.
    #[test]
    fn functions_txt_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings/functions.txt");
        if std::env::var_os("XILA_BLESS").is_some() {
            std::fs::write(path, super::FUNCTIONS_TXT).unwrap();
        }
        let repo = std::fs::read_to_string(path).unwrap_or_default();
        assert!(repo == super::FUNCTIONS_TXT, "{path} is stale: run XILA_BLESS=1 cargo test -p xila-lvgl-sys");
    }

    #[test]
    fn colours_round_trip() {
        use super::dispatch::{color_in, color_out};
        assert_eq!(color_out(color_in(0xFFFFFF).unwrap()), 0xFFFFFF);
        assert_eq!(color_out(color_in(0xFF0000).unwrap()), 0xFF0000);
        assert_eq!(color_in(0x1000000), Err(super::dispatch::Error::InvalidArgument));
    }

    #[test]
    fn integers_must_fit() {
        use super::dispatch::int;
        assert_eq!(int::<i16>(u32::MAX), Ok(-1));
        assert!(int::<i16>(70000).is_err());
        assert_eq!(int::<u32>(u32::MAX), Ok(u32::MAX));
        assert!(int::<u8>(256).is_err());
    }
}
