//! Ending a run as idle, for applications that never exit.
//!
//! Xila's applications loop for ever on `window_pop_event`. A job with
//! [`bench_protocol::flags::UNTIL_IDLE`] ends when such a guest asks for its next event and
//! none can come: every injected input sample delivered, no event pending. The binding that
//! waits asks [`should_end`] and, if so, calls [`end`] and returns at once. [`end`] records the
//! request and raises a WAMR exception, the one way a host function can stop the interpreter
//! (WASI's `proc_exit` unwinds the same way), so that `_start` returns; the engine then
//! reports [`bench_protocol::Status::Idle`] with [`MESSAGE`] instead of a trap, because
//! [`requested`] says the exception was this one. The request lives in the run's state
//! ([`crate::state`]), reset when each run begins.

use crate::state;
use xila_wamr_sys as sys;

/// The message of an idle ending, in the result record.
pub(crate) const MESSAGE: &str = "waiting for input after every injected event";

/// The exception raised to unwind the interpreter. The engine reports [`MESSAGE`] instead, so
/// this text is only seen by someone reading WAMR's state mid-unwind.
const EXCEPTION: &core::ffi::CStr = c"xila: the guest is idle (waiting for input)";

/// Whether the run ends now that the guest waits for input: the job asked for it, no injected
/// input sample is left to feed (`input_left`) and no event is pending for the guest
/// (`events_pending`). Call it after feeding input and running LVGL's timers, before handing
/// out the next event.
#[cfg_attr(not(feature = "graphics"), allow(dead_code))]
pub(crate) fn should_end(input_left: usize, events_pending: usize) -> bool {
    input_left == 0 && events_pending == 0 && state::until_idle()
}

/// Ends the run as idle from inside a host function called by `instance`. The host function
/// must return right after, without touching the guest: WAMR unwinds on the exception and
/// nothing the function returns is seen.
#[cfg_attr(not(feature = "graphics"), allow(dead_code))]
pub(crate) fn end(instance: sys::wasm_module_inst_t) {
    state::request_idle();
    // SAFETY: `instance` is the live instance whose native call is running (the caller's
    // contract); WAMR copies the message into the instance's own buffer.
    unsafe { sys::wasm_runtime_set_exception(instance, EXCEPTION.as_ptr()) };
}

/// Whether this run's `_start` ended through [`end`]; the engine asks after `_start` returns.
pub(crate) fn requested() -> bool {
    state::idle_requested()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bench_protocol::{flags, Job, JobSpec};

    /// The only test that touches the run state, so it runs alone on it.
    #[test]
    fn only_a_job_that_asks_ends_idle_and_only_with_nothing_left() {
        let plain = Job::encode(&JobSpec::default());
        state::begin(&Job::decode(&plain).unwrap());
        assert!(!should_end(0, 0), "a job without UNTIL_IDLE waits for ever");

        let asking = Job::encode(&JobSpec { flags: flags::UNTIL_IDLE, ..JobSpec::default() });
        state::begin(&Job::decode(&asking).unwrap());
        assert!(should_end(0, 0));
        assert!(!should_end(1, 0), "an input sample is left to feed");
        assert!(!should_end(0, 1), "an event is pending for the guest");

        // The request is per run: recorded, then forgotten by the next run and by the end.
        assert!(!requested());
        state::request_idle();
        assert!(requested());
        state::begin(&Job::decode(&asking).unwrap());
        assert!(!requested());
        state::request_idle();
        state::end();
        assert!(!requested() && !should_end(0, 0));
    }
}
