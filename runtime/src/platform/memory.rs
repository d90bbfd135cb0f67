//! os_malloc & co. over the Rust global allocator, and os_mmap for linear memory.
//!
//! Each block starts with a header holding its total size, because C's free does not pass the
//! size that Rust's dealloc needs.

use alloc::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};
use core::ffi::{c_int, c_uint, c_void};

/// Header size and block alignment: 16 covers `max_align_t` on every target we build.
pub(crate) const HEADER: usize = 16;
const ALIGN: usize = 16;

pub(crate) fn layout_for(payload: usize) -> Option<Layout> {
    let total = payload.checked_add(HEADER)?;
    Layout::from_size_align(total, ALIGN).ok()
}

unsafe fn finish(base: *mut u8, layout: Layout) -> *mut c_void {
    if base.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: base points at `layout.size()` >= HEADER bytes aligned to 16.
    unsafe {
        base.cast::<usize>().write(layout.size());
        base.add(HEADER).cast()
    }
}

/// The block's base and layout, from a pointer this module returned.
unsafe fn block_of(ptr: *mut c_void) -> (*mut u8, Layout) {
    // SAFETY: ptr came from finish(), so the header sits HEADER bytes below it.
    unsafe {
        let base = ptr.cast::<u8>().sub(HEADER);
        let total = base.cast::<usize>().read();
        (base, Layout::from_size_align_unchecked(total, ALIGN))
    }
}

fn allocate(size: usize, zeroed: bool) -> *mut c_void {
    let Some(layout) = layout_for(size) else {
        crate::memory::record_failure();
        return core::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (it includes the header).
    unsafe { finish(if zeroed { alloc_zeroed(layout) } else { alloc(layout) }, layout) }
}

unsafe fn resize(ptr: *mut c_void, size: usize, zero_tail: bool) -> *mut c_void {
    if ptr.is_null() {
        return allocate(size, zero_tail);
    }
    let Some(new_layout) = layout_for(size) else {
        crate::memory::record_failure();
        return core::ptr::null_mut();
    };
    // SAFETY: ptr is one of ours (WAMR's contract), so block_of finds a live block.
    unsafe {
        let (base, old) = block_of(ptr);
        let new_base = realloc(base, old, new_layout.size());
        if new_base.is_null() {
            return core::ptr::null_mut();
        }
        if zero_tail && new_layout.size() > old.size() {
            new_base.add(old.size()).write_bytes(0, new_layout.size() - old.size());
        }
        finish(new_base, new_layout)
    }
}

unsafe fn release(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: ptr is one of ours and not yet freed (WAMR's contract).
    unsafe {
        let (base, layout) = block_of(ptr);
        dealloc(base, layout);
    }
}

#[no_mangle]
pub extern "C" fn os_malloc(size: c_uint) -> *mut c_void {
    allocate(size as usize, false)
}

#[no_mangle]
pub unsafe extern "C" fn os_realloc(ptr: *mut c_void, size: c_uint) -> *mut c_void {
    unsafe { resize(ptr, size as usize, false) }
}

#[no_mangle]
pub unsafe extern "C" fn os_free(ptr: *mut c_void) {
    unsafe { release(ptr) }
}

/// WAMR allocates linear memory here and relies on it being zeroed, as real mmap memory is.
#[no_mangle]
pub extern "C" fn os_mmap(
    _hint: *mut c_void,
    size: usize,
    _prot: c_int,
    _flags: c_int,
    _file: c_int,
) -> *mut c_void {
    let total = size.saturating_add(HEADER);
    crate::memory::linear_grew(total);
    let block = allocate(size, true);
    if block.is_null() {
        crate::memory::linear_shrank(total);
    }
    block
}

#[no_mangle]
pub unsafe extern "C" fn os_munmap(addr: *mut c_void, _size: usize) {
    if !addr.is_null() {
        // SAFETY: addr came from os_mmap (WAMR's contract), so its header is readable.
        let (_, layout) = unsafe { block_of(addr) };
        crate::memory::linear_shrank(layout.size());
    }
    unsafe { release(addr) }
}

/// Grows linear memory in place where the allocator can; the new part reads as zero.
#[no_mangle]
pub unsafe extern "C" fn os_mremap(addr: *mut c_void, _old_size: usize, new_size: usize) -> *mut c_void {
    let old_total = if addr.is_null() {
        0
    } else {
        // SAFETY: addr came from os_mmap (WAMR's contract), so its header is readable.
        unsafe { block_of(addr) }.1.size()
    };
    let new_total = new_size.saturating_add(HEADER);
    crate::memory::linear_grew(new_total);
    let block = unsafe { resize(addr, new_size, true) };
    // On failure the old block stays; either way one of the two sizes is gone.
    crate::memory::linear_shrank(if block.is_null() { new_total } else { old_total });
    block
}

#[no_mangle]
pub extern "C" fn os_mprotect(_addr: *mut c_void, _size: usize, _prot: c_int) -> c_int {
    0
}

#[no_mangle]
pub extern "C" fn os_dcache_flush() {}

#[no_mangle]
pub extern "C" fn os_icache_flush(_start: *mut c_void, _len: usize) {}

#[no_mangle]
pub unsafe extern "C" fn os_dumps_proc_mem_info(_out: *mut core::ffi::c_char, _size: c_uint) -> c_int {
    -1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_math() {
        assert_eq!(layout_for(0).map(|l| l.size()), Some(HEADER));
        assert_eq!(layout_for(100).map(|l| (l.size(), l.align())), Some((116, 16)));
        assert!(layout_for(usize::MAX).is_none());
    }

    #[test]
    fn blocks_keep_alignment_size_and_zeroes() {
        let p = os_malloc(24);
        assert!(!p.is_null());
        assert_eq!(p as usize % 16, 0);
        unsafe {
            p.cast::<u8>().write_bytes(0xab, 24);
            let q = os_realloc(p, 4000);
            assert_eq!(*q.cast::<u8>().add(23), 0xab);
            os_free(q);
        }
        let m = os_mmap(core::ptr::null_mut(), 70000, 0, 0, -1);
        unsafe {
            assert!(core::slice::from_raw_parts(m.cast::<u8>(), 70000).iter().all(|&b| b == 0));
            m.cast::<u8>().write_bytes(7, 70000);
            let g = os_mremap(m, 70000, 140000);
            let bytes = core::slice::from_raw_parts(g.cast::<u8>(), 140000);
            assert!(bytes[..70000].iter().all(|&b| b == 7));
            assert!(bytes[70000..].iter().all(|&b| b == 0));
            os_munmap(g, 140000);
            os_free(core::ptr::null_mut());
        }
    }
}
