//! Native stack accounting: the stack is painted at boot and the untouched part measured at the
//! end, which gives the peak without instrumenting any code.

const PAINT: u32 = 0x5AFE_57AC;
/// Room kept between the painting and the painter's own frame.
const MARGIN: usize = 256;

extern "C" {
    static __stack_bottom: u8;
    static __stack_top: u8;
}

fn bounds() -> (usize, usize) {
    (&raw const __stack_bottom as usize, &raw const __stack_top as usize)
}

/// The lowest address of the native stack, for WAMR's overflow checks.
pub fn bottom() -> usize {
    bounds().0
}

/// Paints the unused part of the stack. Call first thing, with little on the stack.
pub fn paint() {
    let here = core::hint::black_box(0u8);
    let (bottom, _) = bounds();
    let limit = (&raw const here as usize).saturating_sub(MARGIN) & !3;
    let mut address = bottom;
    while address < limit {
        // SAFETY: [bottom, limit) is the part of the stack region below the live frames.
        unsafe { core::ptr::write_volatile(address as *mut u32, PAINT) };
        address += 4;
    }
}

/// The deepest the stack has been, in bytes.
pub fn peak() -> usize {
    let (bottom, top) = bounds();
    let mut address = bottom;
    // SAFETY: reads within the stack region.
    while address < top && unsafe { core::ptr::read_volatile(address as *const u32) } == PAINT {
        address += 4;
    }
    top - address
}
