//! What the proxy hands a guest instead of host addresses, and what it keeps for the guest:
//! object handles, chart series handles, the host's copies of the guest's styles and
//! button-matrix maps. Pure bookkeeping: no LVGL call here, so each table is unit-tested alone.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::ffi::c_char;
use xila_lvgl_sys::dispatch::Error;

/// Object handles: Xila's guests keep them as `u16` (`object_delete(object: u16)`,
/// `window_get_event_target -> u16`), so they run from 1 to 65535. A number is not handed out
/// again until every other number has been used once; after that, the numbers retired longest
/// ago come back first.
pub struct Handles<T> {
    live: BTreeMap<u16, T>,
    next: u32,
    retired: VecDeque<u16>,
}

impl<T: Copy + PartialEq> Handles<T> {
    pub const fn new() -> Self {
        Handles { live: BTreeMap::new(), next: 1, retired: VecDeque::new() }
    }

    pub fn get(&self, handle: u32) -> Option<T> {
        u16::try_from(handle).ok().and_then(|handle| self.live.get(&handle).copied())
    }

    /// A handle for `value`, registered before it is handed out.
    pub fn insert(&mut self, value: T) -> Result<u16, Error> {
        let handle = if self.next <= u32::from(u16::MAX) {
            self.next += 1;
            (self.next - 1) as u16
        } else {
            self.retired.pop_front().ok_or(Error::OutOfMemory)?
        };
        self.live.insert(handle, value);
        Ok(handle)
    }

    pub fn remove(&mut self, handle: u16) -> Option<T> {
        let value = self.live.remove(&handle)?;
        self.retired.push_back(handle);
        Some(value)
    }

    pub fn contains(&self, handle: u16) -> bool {
        self.live.contains_key(&handle)
    }

    /// Forgets every handle (a new instance owns none of the old ones).
    pub fn clear(&mut self) {
        while let Some((&handle, _)) = self.live.iter().next() {
            self.remove(handle);
        }
    }
}

/// Live series handles one instance may hold.
pub const MAX_SERIES: usize = 1024;

/// The series handles handed out to the current instance: handle to (the chart's object
/// handle, the series' address). The address is only ever compared, never dereferenced: a
/// series is used only after its address has been found in its chart's live series list.
pub struct SeriesTable {
    entries: BTreeMap<u32, (u16, usize)>,
    next: u32,
}

impl SeriesTable {
    pub const fn new() -> Self {
        SeriesTable { entries: BTreeMap::new(), next: 1 }
    }

    /// The address behind `handle` if it was handed out for the chart with object handle
    /// `chart` and `in_list` (the chart's series list, walked by the caller) holds it now.
    pub fn lookup(&self, handle: u32, chart: u16, in_list: impl FnOnce(usize) -> bool) -> Option<usize> {
        let &(owner, address) = self.entries.get(&handle)?;
        (owner == chart && in_list(address)).then_some(address)
    }

    /// The handle for a series LVGL just returned for `chart`: the existing one unless `fresh`
    /// (just created: an older handle with the same address names a freed series, whose
    /// address LVGL reused, and is dropped).
    pub fn handle_for(&mut self, chart: u16, address: usize, fresh: bool) -> Result<u32, Error> {
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
    pub fn retain_charts(&mut self, live: impl Fn(u16) -> bool) {
        self.entries.retain(|_, entry| live(entry.0));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Styles one instance may initialise.
pub const MAX_STYLES: usize = 1024;

/// The host's own styles, by the guest address of the guest's style. The guest's bytes are
/// never read: LVGL only ever sees these copies, so nothing the guest writes into its
/// `lv_style_t` (the pointer inside it included) reaches LVGL.
pub struct Styles<S> {
    by_address: BTreeMap<u32, Box<S>>,
    /// Styles of earlier instances, which objects still on the display may point at: kept, so
    /// that LVGL never reads a freed style.
    retired: Vec<Box<S>>,
}

impl<S> Styles<S> {
    pub const fn new() -> Self {
        Styles { by_address: BTreeMap::new(), retired: Vec::new() }
    }

    /// The style for `address`; `None` if the instance never initialised one there.
    pub fn get(&mut self, address: u32) -> Option<*mut S> {
        self.by_address.get_mut(&address).map(|style| &mut **style as *mut S)
    }

    /// The style for `address`, created by `make` if there is none yet.
    pub fn get_or_insert(&mut self, address: u32, make: impl FnOnce() -> S) -> Result<*mut S, Error> {
        if let Some(style) = self.get(address) {
            return Ok(style);
        }
        if self.by_address.len() >= MAX_STYLES {
            return Err(Error::OutOfMemory);
        }
        let style = self.by_address.entry(address).or_insert_with(|| Box::new(make()));
        Ok(&mut **style as *mut S)
    }

    /// A new instance: its addresses name none of the old styles, which stay alive.
    pub fn retire_all(&mut self) {
        let old = core::mem::take(&mut self.by_address);
        self.retired.extend(old.into_values());
    }
}

/// A button-matrix map copied out of linear memory: the strings, then the array of pointers
/// into them that LVGL keeps, ending with "" as LVGL's maps do.
pub struct OwnedMap {
    /// Owns the bytes that `pointers` point into; read only through them.
    _text: Box<[u8]>,
    pointers: Box<[*const c_char]>,
}

/// Most buttons (and row breaks) a copied map may have.
pub const MAX_MAP_ENTRIES: usize = 256;

impl OwnedMap {
    /// Copies `entries` (each without its NUL); the final "" is added here.
    pub fn new<'a>(entries: impl Iterator<Item = &'a [u8]>) -> Result<OwnedMap, Error> {
        let mut text = Vec::new();
        let mut offsets = Vec::new();
        for entry in entries {
            if offsets.len() >= MAX_MAP_ENTRIES {
                return Err(Error::InvalidArgument);
            }
            offsets.push(text.len());
            text.try_reserve(entry.len() + 1).map_err(|_| Error::OutOfMemory)?;
            text.extend_from_slice(entry);
            text.push(0);
        }
        offsets.push(text.len());
        text.push(0);
        let text = text.into_boxed_slice();
        let pointers = offsets.iter().map(|&offset| text[offset..].as_ptr().cast::<c_char>()).collect();
        Ok(OwnedMap { _text: text, pointers })
    }

    /// The array LVGL keeps: valid while this map lives (a boxed slice never moves).
    pub fn as_ptr(&self) -> *const *const c_char {
        self.pointers.as_ptr()
    }

    #[cfg(test)]
    fn entries(&self) -> usize {
        self.pointers.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_u16_and_not_reused_until_all_were_used() {
        let mut handles = Handles::new();
        let a = handles.insert(10usize).unwrap();
        let b = handles.insert(20).unwrap();
        assert_eq!((a, b), (1, 2));
        assert_eq!(handles.remove(a), Some(10));
        assert_eq!(handles.get(u32::from(a)), None);
        // The freed number does not come back while unused numbers remain.
        assert_eq!(handles.insert(30).unwrap(), 3);
        assert_eq!(handles.get(0), None);
        assert_eq!(handles.get(0x1_0002), None, "a number above u16 is never a handle");
    }

    #[test]
    fn handles_come_back_oldest_retired_first_after_65535() {
        let mut handles = Handles::new();
        for value in 0..65535usize {
            handles.insert(value).unwrap();
        }
        assert_eq!(handles.insert(0), Err(Error::OutOfMemory));
        handles.remove(7);
        handles.remove(3);
        assert_eq!(handles.insert(1).unwrap(), 7);
        assert_eq!(handles.insert(2).unwrap(), 3);
        assert_eq!(handles.insert(2), Err(Error::OutOfMemory));
    }

    #[test]
    fn series_handles_are_tied_to_their_chart_and_list() {
        let mut table = SeriesTable::new();
        let a = table.handle_for(7, 0x1000, true).unwrap();
        let b = table.handle_for(7, 0x2000, true).unwrap();
        assert!(a != 0 && b != 0 && a != b);
        assert_eq!(table.handle_for(7, 0x1000, false), Ok(a));
        assert_eq!(table.lookup(a, 7, |address| address == 0x1000), Some(0x1000));
        assert_eq!(table.lookup(a, 8, |_| true), None);
        assert_eq!(table.lookup(a, 7, |_| false), None);
        assert_eq!(table.lookup(0, 7, |_| true), None);
        assert_eq!(table.lookup(b + 1000, 7, |_| true), None);
    }

    #[test]
    fn a_reused_series_address_gets_a_new_handle_and_the_old_one_dies() {
        let mut table = SeriesTable::new();
        let old = table.handle_for(7, 0x1000, true).unwrap();
        let new = table.handle_for(7, 0x1000, true).unwrap();
        assert_ne!(old, new);
        assert_eq!(table.lookup(old, 7, |_| true), None);
        assert_eq!(table.lookup(new, 7, |_| true), Some(0x1000));
        table.retain_charts(|chart| chart != 7);
        assert_eq!(table.lookup(new, 7, |_| true), None);
    }

    #[test]
    fn the_series_table_is_bounded() {
        let mut table = SeriesTable::new();
        for address in 0..MAX_SERIES {
            table.handle_for(1, 0x10 * (address + 1), true).unwrap();
        }
        assert_eq!(table.handle_for(1, 0x10 * (MAX_SERIES + 1), true), Err(Error::OutOfMemory));
    }

    #[test]
    fn styles_exist_once_initialised_and_outlive_their_instance() {
        let mut styles: Styles<[u32; 3]> = Styles::new();
        assert_eq!(styles.get(0x100), None);
        let first = styles.get_or_insert(0x100, || [1, 2, 3]).unwrap();
        assert_eq!(styles.get_or_insert(0x100, || [9, 9, 9]).unwrap(), first, "the same style again");
        styles.retire_all();
        assert_eq!(styles.get(0x100), None, "a new instance's address names no old style");
        // SAFETY: the retired style is still owned by the table.
        assert_eq!(unsafe { *first }, [1, 2, 3]);
    }

    #[test]
    fn a_copied_map_ends_with_an_empty_string_and_is_bounded() {
        let map = OwnedMap::new([&b"1"[..], b"+", b"\n", b"="].into_iter()).unwrap();
        assert_eq!(map.entries(), 4);
        // SAFETY: the pointers point into the map's own text, NUL-terminated.
        let texts: Vec<&[u8]> = (0..5)
            .map(|i| unsafe { core::ffi::CStr::from_ptr(*map.as_ptr().add(i)) }.to_bytes())
            .collect();
        assert_eq!(texts, [&b"1"[..], b"+", b"\n", b"=", b""]);
        let many = core::iter::repeat_n(&b"x"[..], MAX_MAP_ENTRIES + 1);
        assert_eq!(OwnedMap::new(many).err(), Some(Error::InvalidArgument));
    }
}
