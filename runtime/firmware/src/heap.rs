//! The heap: the linker script's `.heap` region, shared by WAMR (through `os_malloc` and
//! `os_mmap`) and the firmware, with its high-water mark recorded.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

use linked_list_allocator::Heap;
use xila_runtime::memory::PeakTracking;

/// The heap region's allocator. The firmware is single-threaded and no interrupt handler
/// allocates, so a plain cell is enough (and cores without atomics need nothing more).
pub struct RegionHeap(UnsafeCell<Heap>);

// SAFETY: one thread, no allocating interrupt handlers (see above).
unsafe impl Sync for RegionHeap {}

static REGION: RegionHeap = RegionHeap(UnsafeCell::new(Heap::empty()));

/// The global allocator's view of [`REGION`].
pub struct Region;

unsafe impl GlobalAlloc for Region {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded access, see `RegionHeap`.
        let heap = unsafe { &mut *REGION.0.get() };
        heap.allocate_first_fit(layout).map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = core::ptr::NonNull::new(ptr) {
            // SAFETY: `ptr` came from `alloc` with this layout (GlobalAlloc's contract).
            unsafe { (*REGION.0.get()).deallocate(ptr, layout) }
        }
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
    unsafe { (*REGION.0.get()).init(start, size) }
}

/// The most heap in use at any time so far, in bytes.
pub fn peak() -> usize {
    xila_runtime::memory::heap_peak()
}
