//! LVGL 9.3.0 built for the bench's targets (see build.rs), its bindings, and the graphics
//! dispatcher generated from them: Xila's function table (`runtime/bindings/functions.txt`) and
//! the checks and conversions of every supported function (docs/graphics-abi.md). The runtime
//! supplies what needs the VM (guest memory, handles, owned copies) through [`dispatch::Marshal`].
#![no_std]
#![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, dead_code)]
#![allow(clippy::all)]

#[allow(improper_ctypes, unsafe_op_in_unsafe_fn)]
mod bindings {
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}
pub use bindings::*;

/// Xila's function table, as generated for this build.
pub const FUNCTIONS_TXT: &str = include_str!(concat!(env!("OUT_DIR"), "/functions.txt"));
/// The enumeration values of the table's types, as generated for this build.
pub const CONSTANTS_TXT: &str = include_str!(concat!(env!("OUT_DIR"), "/constants.txt"));

pub mod dispatch {
    use super::*;

    /// What `host.xila_graphics_call` returns. 0 is success; every error is non-zero.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(i32)]
    pub enum Error {
        /// The function number is past the last function.
        InvalidFunction = 1,
        /// `argument_count` differs from the function's arity (or is above 7).
        ArgumentCount = 2,
        /// The function is in the table but its signature is not marshalled (host pointers
        /// returned, pointers to structures, strings LVGL would keep, more than 7 parameters).
        UnsupportedFunction = 3,
        /// A required pointer (string, buffer, style, result) is 0.
        NullPointer = 4,
        /// A pointer, or the range it starts, is outside the guest's linear memory.
        OutOfBounds = 5,
        /// A result or style pointer is not aligned.
        Misaligned = 6,
        /// A string has no NUL terminator before the end of linear memory.
        UnterminatedString = 7,
        /// An object handle is 0, was never handed out, or its object was deleted; a series
        /// handle is not one of the given chart's series now; a style address was never
        /// initialised by `style_init`.
        InvalidHandle = 8,
        /// An object handle names an object of another class than the function needs.
        WrongClass = 9,
        /// An integer does not fit the parameter's type, a bool is not 0 or 1, an enumeration
        /// value is not LVGL 9.3's, a colour is above 0xFFFFFF, a percentage is out of range,
        /// text is not UTF-8 or a format has conversions.
        InvalidArgument = 10,
        /// A style value for a property that holds an address (font, image, gradient,
        /// transition, animation, filter, grid template) or for an unknown property.
        StyleValueAddress = 11,
        /// A handle or style table, or LVGL's heap, is full.
        OutOfMemory = 12,
        /// The call did not come from a running module instance.
        NoInstance = 13,
        /// The object is an internal part of a widget (handed out by a getter, not made by a
        /// `*_create` call or `window_create`), which only LVGL may delete, move or reparent; or
        /// a container holds such a part and cannot be cleaned.
        InternalPart = 14,
    }

    /// A change to the object tree that the proxy checks before LVGL makes it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Restructure {
        /// `lv_obj_set_parent(object, parent)`.
        Reparent(*mut lv_obj_t, *mut lv_obj_t),
        /// `lv_obj_swap(a, b)`.
        Swap(*mut lv_obj_t, *mut lv_obj_t),
        /// `lv_obj_move_to_index(object, ...)`.
        Move(*mut lv_obj_t),
        /// `lv_obj_clean(object)`: its children are deleted.
        Clean(*mut lv_obj_t),
    }

    /// Xila's extra functions (717..=726), implemented by the runtime.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Extra {
        ObjectDelete,
        Percentage,
        TextareaGetText,
        TextareaGetTextLength,
        WindowCreate,
        WindowGetEventCode,
        WindowGetEventTarget,
        WindowNextEvent,
        WindowPopEvent,
        WindowSetIcon,
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
        /// A NUL-terminated UTF-8 string wholly inside linear memory, which LVGL copies.
        fn string(&mut self, address: u32) -> Result<*const core::ffi::c_char, Error>;
        /// As [`Marshal::string`], for a printf format called without arguments: no
        /// conversion but `%%`.
        fn format(&mut self, address: u32) -> Result<*const core::ffi::c_char, Error>;
        /// The host's own style for the guest's style at `address`; `init`: `style_init` is
        /// about to (re)initialise it, so it need not exist yet.
        fn style(&mut self, address: u32, init: bool) -> Result<*mut lv_style_t, Error>;
        /// Checks `size` bytes at `address` (non-null, in bounds, aligned to `size`, at most 4).
        fn result(&mut self, address: u32, size: u32) -> Result<Slot, Error>;
        /// Writes into a checked slot.
        fn write(&mut self, slot: Slot, bytes: &[u8]) -> Result<(), Error>;
        /// Registers `object` (if new) and writes its handle (0 for none); `created`: a `*_create`
        /// call just made it for the guest, so the guest may delete, move and reparent it.
        fn write_object(&mut self, slot: Slot, object: *mut lv_obj_t, created: bool) -> Result<(), Error>;
        /// Checks a change to the object tree: only objects the guest created may be deleted,
        /// moved or reparented, and never under themselves.
        fn restructure(&mut self, change: Restructure) -> Result<(), Error>;
        /// The series behind `handle`, accepted only if it is in `chart`'s series list now
        /// (`chart` is a live, class-checked chart); else `InvalidHandle`.
        fn series(&mut self, chart: *mut lv_obj_t, handle: u32) -> Result<*mut lv_chart_series_t, Error>;
        /// Writes the handle of `series`, a series of `chart` that LVGL just returned (0 for
        /// NULL); `fresh`: just created by `lv_chart_add_series`, so never an older handle's.
        fn write_series(&mut self, slot: Slot, chart: *mut lv_obj_t, series: *mut lv_chart_series_t, fresh: bool) -> Result<(), Error>;
        /// A copy of the guest's button-matrix map at `address` (an array of string addresses
        /// ending with ""), owned by the instance for as long as `matrix` may use it.
        fn button_map(&mut self, matrix: *mut lv_obj_t, address: u32) -> Result<*const *const core::ffi::c_char, Error>;
        /// The host address of `size` bytes at `address` holding one point or area (non-null,
        /// 4-aligned, in bounds), which the dispatcher copies in and, if LVGL may write it, back.
        fn plain(&mut self, address: u32, size: u32) -> Result<*mut u8, Error>;
        /// Runs one of Xila's extras (arity already checked).
        fn extra(&mut self, extra: Extra, a: &[u32; 7], result: u32) -> Result<(), Error>;
    }

    pub(crate) fn arity(count: u32, arity: usize) -> Result<(), Error> {
        if count as usize == arity { Ok(()) } else { Err(Error::ArgumentCount) }
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

    /// `0xRRGGBB` to LVGL 9's `lv_color_t`.
    pub fn color(raw: u32) -> Result<lv_color_t, Error> {
        if raw > 0xFF_FFFF {
            return Err(Error::InvalidArgument);
        }
        let [blue, green, red, _] = raw.to_le_bytes();
        Ok(lv_color_t { blue, green, red })
    }

    /// `0xAARRGGBB` to `lv_color32_t`.
    pub fn color32(raw: u32) -> lv_color32_t {
        let [blue, green, red, alpha] = raw.to_le_bytes();
        lv_color32_t { blue, green, red, alpha }
    }

    /// RGB565 to `lv_color16_t`.
    pub fn color16(raw: u32) -> Result<lv_color16_t, Error> {
        let raw = u16::try_from(raw).map_err(|_| Error::InvalidArgument)?;
        // SAFETY: lv_color16_t is a 16-bit C struct of bit fields (blue 5, green 6, red 5), as
        // RGB565 is; every bit pattern is a colour.
        Ok(unsafe { core::mem::transmute::<u16, lv_color16_t>(raw) })
    }

    include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::path::PathBuf;

    fn repo_file(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings")).join(name)
    }

    /// The committed lists are the generated ones: a change to LVGL, to its configuration or to
    /// the generator shows in review. `XILA_BLESS=1 cargo test -p xila-lvgl-sys` rewrites them.
    #[test]
    fn committed_lists_are_current() {
        for (name, generated) in [("functions.txt", super::FUNCTIONS_TXT), ("constants.txt", super::CONSTANTS_TXT)] {
            let path = repo_file(name);
            if std::env::var_os("XILA_BLESS").is_some() {
                std::fs::write(&path, generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(committed == generated, "{} is stale: run XILA_BLESS=1 cargo test -p xila-lvgl-sys", path.display());
        }
    }

    /// `number name signature` of each line, without comments and the bench's annotations.
    fn entries(text: &str) -> std::vec::Vec<std::string::String> {
        text.lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| line.split(" # ").next().unwrap_or(line).trim().into())
            .collect()
    }

    /// The table is Xila's, line for line: the same function, guest signature included, at every
    /// number from 0 to 726. Xila's table is read from ../shared/xila-abi beside the checkout
    /// (`XILA_ABI_DIR` elsewhere); without it the test fails rather than pass unchecked.
    #[test]
    fn table_is_xilas() {
        let directory = std::env::var_os("XILA_ABI_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/xila-abi")));
        let path = directory.join("functions-v9.3.0.txt");
        let xila = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("Xila's table {}: {error} (set XILA_ABI_DIR)", path.display()));
        let (xila, ours) = (entries(&xila), entries(super::FUNCTIONS_TXT));
        let differences: std::vec::Vec<_> = (0..xila.len().max(ours.len()))
            .filter(|&n| xila.get(n) != ours.get(n))
            .map(|n| std::format!("  Xila: {:?}\n  here: {:?}", xila.get(n), ours.get(n)))
            .collect();
        assert!(differences.is_empty(), "{} of {} entries differ:\n{}", differences.len(), xila.len(), differences.join("\n"));
        assert_eq!(ours.len(), 727);
    }

    #[test]
    fn colours_travel_as_rrggbb() {
        use super::dispatch::{color, Error};
        let c = color(0x123456).unwrap();
        assert_eq!((c.red, c.green, c.blue), (0x12, 0x34, 0x56));
        assert_eq!(color(0x1000000).err(), Some(Error::InvalidArgument));
        let c = super::dispatch::color32(0x80FF0001);
        assert_eq!((c.alpha, c.red, c.green, c.blue), (0x80, 0xFF, 0x00, 0x01));
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
