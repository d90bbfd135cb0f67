//! Heap accounting: a `GlobalAlloc` wrapper that records current and peak use, enforces the
//! job's heap budget and remembers whether an allocation failed.
//!
//! Only atomic loads and stores are used (no `fetch_add`): riscv32imc has no atomic
//! read-modify-write. That is sound because the firmware is single-threaded; on the host the
//! runtime runs on one thread too, and a race elsewhere could only blur the statistics.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BASELINE: AtomicUsize = AtomicUsize::new(0);
/// Bytes above the baseline the run may hold; 0 = no limit.
static BUDGET: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicBool = AtomicBool::new(false);
/// Bytes of guest linear memory (os_mmap) among CURRENT, and the peak of CURRENT without them.
static LINEAR: AtomicUsize = AtomicUsize::new(0);
static RUNTIME_PEAK: AtomicUsize = AtomicUsize::new(0);

/// Wrap the real allocator with this as the `#[global_allocator]` to get heap statistics.
pub struct PeakTracking<A> {
    inner: A,
}

impl<A> PeakTracking<A> {
    pub const fn new(inner: A) -> Self {
        PeakTracking { inner }
    }
}

fn over_budget(extra: usize) -> bool {
    let budget = BUDGET.load(Relaxed);
    if budget == 0 {
        return false;
    }
    let used = CURRENT.load(Relaxed).saturating_sub(BASELINE.load(Relaxed));
    used.saturating_add(extra) > budget
}

fn grew(by: usize) {
    let now = CURRENT.load(Relaxed).saturating_add(by);
    CURRENT.store(now, Relaxed);
    if now > PEAK.load(Relaxed) {
        PEAK.store(now, Relaxed);
    }
    let own = now.saturating_sub(LINEAR.load(Relaxed));
    if own > RUNTIME_PEAK.load(Relaxed) {
        RUNTIME_PEAK.store(own, Relaxed);
    }
}

/// Linear memory is about to grow by `by` bytes (called before the allocation, so that the
/// runtime's own peak never counts guest memory, even for a moment).
pub(crate) fn linear_grew(by: usize) {
    LINEAR.store(LINEAR.load(Relaxed).saturating_add(by), Relaxed);
}

/// Linear memory shrank by `by` bytes, or an announced growth did not happen.
pub(crate) fn linear_shrank(by: usize) {
    LINEAR.store(LINEAR.load(Relaxed).saturating_sub(by), Relaxed);
}

fn shrank(by: usize) {
    CURRENT.store(CURRENT.load(Relaxed).saturating_sub(by), Relaxed);
}

unsafe impl<A: GlobalAlloc> GlobalAlloc for PeakTracking<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if over_budget(layout.size()) {
            FAILED.store(true, Relaxed);
            return core::ptr::null_mut();
        }
        let ptr = unsafe { self.inner.alloc(layout) };
        if ptr.is_null() {
            FAILED.store(true, Relaxed);
        } else {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if over_budget(layout.size()) {
            FAILED.store(true, Relaxed);
            return core::ptr::null_mut();
        }
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if ptr.is_null() {
            FAILED.store(true, Relaxed);
        } else {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.inner.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let growth = new_size.saturating_sub(layout.size());
        if growth > 0 && over_budget(growth) {
            FAILED.store(true, Relaxed);
            return core::ptr::null_mut();
        }
        let new = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if new.is_null() {
            FAILED.store(true, Relaxed);
        } else if new_size >= layout.size() {
            grew(growth);
        } else {
            shrank(layout.size() - new_size);
        }
        new
    }
}

/// Starts a run's accounting: the peak and the budget count from what is allocated now (the job
/// buffer, the board's own data), so that they measure the run alone.
pub(crate) fn begin_run(budget: usize) {
    let now = CURRENT.load(Relaxed);
    BASELINE.store(now, Relaxed);
    PEAK.store(now, Relaxed);
    RUNTIME_PEAK.store(now.saturating_sub(LINEAR.load(Relaxed)), Relaxed);
    BUDGET.store(budget, Relaxed);
    FAILED.store(false, Relaxed);
}

/// Lifts the budget after a run, so that reporting the result cannot fail for lack of heap.
pub(crate) fn end_run() {
    BUDGET.store(0, Relaxed);
}

/// Peak heap use of the last run, in bytes (0 when the global allocator is not a
/// [`PeakTracking`]).
pub fn heap_peak() -> usize {
    PEAK.load(Relaxed).saturating_sub(BASELINE.load(Relaxed))
}

/// Peak heap use of the runtime itself in the last run (WAMR, WASI, bindings): [`heap_peak`]
/// without the guest's linear memory.
pub fn runtime_heap_peak() -> usize {
    RUNTIME_PEAK.load(Relaxed).saturating_sub(BASELINE.load(Relaxed))
}

/// Heap in use now, in bytes, over everything the tracking allocator has seen.
pub fn heap_current() -> usize {
    CURRENT.load(Relaxed)
}

/// Records a request that could not even be expressed as an allocation (larger than the
/// address space allows): to the guest that is running out of memory all the same.
pub(crate) fn record_failure() {
    FAILED.store(true, Relaxed);
}

/// Whether an allocation failed (or was refused by the budget) since the run began.
pub fn allocation_failed() -> bool {
    FAILED.load(Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    // The statistics are process-wide; the test binary's own allocator is not the wrapper, so
    // only this test moves them.
    #[test]
    fn peak_budget_and_failure_are_tracked() {
        let tracking = PeakTracking::new(System);
        begin_run(1000);
        let small = Layout::from_size_align(600, 8).unwrap();
        let p = unsafe { tracking.alloc(small) };
        assert!(!p.is_null());
        assert_eq!(heap_peak(), 600);
        let q = unsafe { tracking.realloc(p, small, 900) };
        assert!(!q.is_null());
        assert_eq!(heap_peak(), 900);
        let grown = Layout::from_size_align(900, 8).unwrap();
        assert!(!allocation_failed());
        let refused = unsafe { tracking.alloc(Layout::from_size_align(200, 8).unwrap()) };
        assert!(refused.is_null());
        assert!(allocation_failed());
        unsafe { tracking.dealloc(q, grown) };
        assert_eq!(heap_peak(), 900);
        end_run();
        let after = unsafe { tracking.alloc(Layout::from_size_align(5000, 8).unwrap()) };
        assert!(!after.is_null());
        unsafe { tracking.dealloc(after, Layout::from_size_align(5000, 8).unwrap()) };
    }
}
