//! The runtime built without its `graphics` feature: WASI alone, no LVGL, no display.
//!
//! Nothing registers `host.xila_graphics_call`, so a module that imports it fails to load with
//! WAMR's unknown-import error, which is what such a device must say. The functions the boards
//! call after a run answer "no display".

/// There is no input device: pointer events have nowhere to go.
pub fn inject(events: impl Iterator<Item = bench_protocol::InputEvent>) {
    events.for_each(drop);
}

/// No display was ever started, so there is no frame to render.
pub fn render_full_frame() -> bool {
    false
}

/// No display, no frame.
pub fn with_frame<R>(_f: impl FnOnce(u32, u32, &[u8]) -> R) -> Option<R> {
    None
}

/// Nothing to register.
pub(crate) fn register() -> bool {
    true
}
