//! The heap: the linker script's `.heap` region, shared by WAMR (through `os_malloc` and
//! `os_mmap`) and the firmware, with its high-water mark recorded.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

use core::ptr::NonNull;
use rlsf::Tlsf;
use xila_runtime::memory::PeakTracking;

/// TLSF: constant-time allocation and free. The loaders allocate and free thousands of small
/// blocks; a first-fit linked list walked its hole list for each (about 60 % of start-up
/// instructions for an 80 KB module). 24 first-level classes of 16 sizes each cover pools up to
/// 2^(24+4) bytes on 32-bit targets.
type Heap = Tlsf<'static, u32, u16, 24, 16>;

/// The heap region's allocator. The firmware is single-threaded and no interrupt handler
/// allocates, so a plain cell is enough (and cores without atomics need nothing more).
pub struct RegionHeap(UnsafeCell<Heap>);

// SAFETY: one thread, no allocating interrupt handlers (see above).
unsafe impl Sync for RegionHeap {}

static REGION: RegionHeap = RegionHeap(UnsafeCell::new(Heap::new()));

/// The global allocator's view of [`REGION`].
pub struct Region;

unsafe impl GlobalAlloc for Region {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded access, see `RegionHeap`.
        let heap = unsafe { &mut *REGION.0.get() };
        heap.allocate(layout).map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = core::ptr::NonNull::new(ptr) {
            // SAFETY: `ptr` came from `alloc` with this layout (GlobalAlloc's contract).
            unsafe { (*REGION.0.get()).deallocate(ptr, layout.align()) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(ptr) = NonNull::new(ptr) else { return core::ptr::null_mut() };
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        // SAFETY: single-threaded access; `ptr` came from `alloc` with `layout`'s alignment, which
        // `new_layout` keeps. In place where the next block is free, else allocate, copy, free.
        unsafe { (*REGION.0.get()).reallocate(ptr, new_layout) }.map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }
}

#[global_allocator]
static ALLOCATOR: PeakTracking<Region> = PeakTracking::new(Region);

extern "C" {
    static mut __heap_start: u8;
    static mut __heap_end: u8;
}

/// Hands the `.heap` region to the allocator. Called once, before anything allocates.
pub fn init() {
    let start = &raw mut __heap_start;
    let end = &raw mut __heap_end;
    let size = end as usize - start as usize;
    // SAFETY: the region is reserved for the heap by the linker script and used by nothing else;
    // this runs once, before the first allocation.
    let region = NonNull::slice_from_raw_parts(NonNull::new(start).expect("heap start is null"), size);
    // SAFETY: as above; the region lives for ever.
    unsafe { (*REGION.0.get()).insert_free_block_ptr(region) };
}

/// The most heap in use at any time so far, in bytes.
pub fn peak() -> usize {
    xila_runtime::memory::heap_peak()
}
