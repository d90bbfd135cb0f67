//! A static cell for single-threaded firmware.
//!
//! riscv32imc has no compare-and-swap, so `OnceCell`/spin locks are out. WAMR is built without
//! threads and the runtime is entered from one thread only, so exclusive access is guaranteed by
//! construction rather than by a lock.

use core::cell::UnsafeCell;

pub(crate) struct Global<T>(UnsafeCell<T>);

// SAFETY: the runtime is single-threaded (see the module comment); nothing hands out references
// that outlive a `with` call.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub(crate) const fn new(value: T) -> Self {
        Global(UnsafeCell::new(value))
    }

    /// Runs `f` with exclusive access. `f` must not re-enter `with` on the same cell.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: single thread, and no re-entrancy by contract.
        f(unsafe { &mut *self.0.get() })
    }
}
