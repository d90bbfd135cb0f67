//! The proxy's checks: each bad call gets its own error number and the module goes on.
use conformance_bindings::*;

fn check(what: &str, got: i32, want: i32) {
    let verdict = if got == want { "ok" } else { "WRONG" };
    println!("{what}: {got} {verdict}");
}

fn main() {
    let window = window_create().unwrap();
    let label = label_create(window).unwrap();
    let button = button_create(window).unwrap();
    let mut out = [0u32; 4];
    let result = out.as_mut_ptr() as i32;

    // Function numbers.
    check("function 0", raw(0, &[], 0, result), INVALID_FUNCTION);
    check("function max+1", raw(function::COUNT as i32 + 1, &[], 0, result), INVALID_FUNCTION);
    check("function 0xFFFF", raw(0xFFFF, &[], 0, result), INVALID_FUNCTION);
    check("function 0x10000 + valid", raw(0x10000 + function::WINDOW_CREATE as i32, &[], 0, result), INVALID_FUNCTION);
    check("function -1", raw(-1, &[], 0, result), INVALID_FUNCTION);

    // Argument counts.
    let width = function::OBJECT_SET_WIDTH as i32;
    check("count 1 for 2", raw(width, &[label.0 as i32, 10], 1, 0), ARGUMENT_COUNT);
    check("count 3 for 2", raw(width, &[label.0 as i32, 10], 3, 0), ARGUMENT_COUNT);
    check("count 255", raw(width, &[label.0 as i32, 10], 255, 0), ARGUMENT_COUNT);
    check("count 2", raw(width, &[label.0 as i32, 10], 2, 0), 0);

    // Result pointers.
    let get_width = function::OBJECT_GET_WIDTH as i32;
    let pages = core::arch::wasm32::memory_size(0) as i32;
    let end = pages * 65536;
    check("result null", raw(get_width, &[label.0 as i32], 1, 0), NULL_POINTER);
    check("result misaligned", raw(get_width, &[label.0 as i32], 1, result + 1), MISALIGNED);
    check("result past end", raw(get_width, &[label.0 as i32], 1, end), OUT_OF_BOUNDS);
    check("result straddling end", raw(function::WINDOW_POP_EVENT as i32, &[window.0 as i32], 1, end - 4), OUT_OF_BOUNDS);
    check("result at -4", raw(get_width, &[label.0 as i32], 1, -4), OUT_OF_BOUNDS);
    check("result last bytes", raw(get_width, &[label.0 as i32], 1, end - 2), 0);

    // Strings.
    let set_text = function::LABEL_SET_TEXT as i32;
    check("string null", raw(set_text, &[label.0 as i32, 0], 2, 0), NULL_POINTER);
    check("string past end", raw(set_text, &[label.0 as i32, end + 16], 2, 0), OUT_OF_BOUNDS);
    check("string huge", raw(set_text, &[label.0 as i32, i32::MAX], 2, 0), OUT_OF_BOUNDS);
    // A fresh page at the end of memory, filled with 'A' and no terminator.
    let page = core::arch::wasm32::memory_grow(0, 1);
    let tail = (page * 65536) as usize;
    let last = tail + 65536;
    unsafe { core::ptr::write_bytes(tail as *mut u8, b'A', 65536) };
    check("string unterminated at end", raw(set_text, &[label.0 as i32, (last - 8) as i32], 2, 0), UNTERMINATED_STRING);
    unsafe { *((last - 1) as *mut u8) = 0 };
    check("string terminated at end", raw(set_text, &[label.0 as i32, (last - 8) as i32], 2, 0), 0);
    let mut text = [0u8; 16];
    let length = textarea_get_text(label, &mut text).unwrap();
    println!("label now: {}", core::str::from_utf8(&text[..length]).unwrap());

    // Buffers.
    let get_text = function::TEXTAREA_GET_TEXT as i32;
    check("buffer past end", raw(get_text, &[label.0 as i32, (last - 4) as i32, 8], 3, result), OUT_OF_BOUNDS);
    check("buffer null", raw(get_text, &[label.0 as i32, 0, 8], 3, result), NULL_POINTER);
    check("buffer size 0x7fffffff", raw(get_text, &[label.0 as i32, text.as_mut_ptr() as i32, i32::MAX], 3, result), OUT_OF_BOUNDS);
    check("buffer at end exactly", raw(get_text, &[label.0 as i32, (last - 8) as i32, 8], 3, result), 0);

    // Handles.
    check("handle 0", raw(width, &[0, 10], 2, 0), INVALID_HANDLE);
    check("handle forged", raw(width, &[0x1234_5678, 10], 2, 0), INVALID_HANDLE);
    check("handle next", raw(width, &[button.0 as i32 + 1000, 10], 2, 0), INVALID_HANDLE);
    let doomed = label_create(window).unwrap();
    object_delete(doomed).unwrap();
    check("handle stale", raw(width, &[doomed.0 as i32, 10], 2, 0), INVALID_HANDLE);
    check("handle stale delete", raw(function::OBJECT_DELETE as i32, &[doomed.0 as i32], 1, 0), INVALID_HANDLE);
    let fresh = label_create(window).unwrap();
    println!("fresh handle differs from stale: {}", fresh != doomed);
    check("wrong class", raw(set_text, &[button.0 as i32, c"x".as_ptr() as i32], 2, 0), WRONG_CLASS);
    check("window as label", raw(set_text, &[window.0 as i32, c"x".as_ptr() as i32], 2, 0), WRONG_CLASS);

    // Values.
    check("coordinate too large", raw(width, &[label.0 as i32, 70000], 2, 0), INVALID_ARGUMENT);
    check("bool 2", raw(function::LABEL_SET_RECOLOR as i32, &[label.0 as i32, 2], 2, 0), INVALID_ARGUMENT);
    let slider = slider_create(window).unwrap();
    check("bar function on slider", raw(function::BAR_SET_VALUE as i32, &[slider.0 as i32, 1, 0], 3, 0), 0);
    check("bar function on label", raw(function::BAR_SET_VALUE as i32, &[label.0 as i32, 1, 0], 3, 0), WRONG_CLASS);
    check("colour above 0xFFFFFF", raw(function::OBJECT_SET_STYLE_BG_COLOR as i32, &[label.0 as i32, 0x0100_0000, 0], 3, 0), INVALID_ARGUMENT);
    check("percentage 1001", raw(function::PERCENTAGE as i32, &[1001], 1, result), INVALID_ARGUMENT);
    let local = function::OBJECT_SET_LOCAL_STYLE_PROP as i32;
    check("style value font address", raw(local, &[label.0 as i32, 87, 0x1000, 0], 4, 0), STYLE_VALUE_ADDRESS);
    check("style value unknown prop", raw(local, &[label.0 as i32, 500, 0x1000, 0], 4, 0), STYLE_VALUE_ADDRESS);
    check("style value width", raw(local, &[label.0 as i32, 1, 50, 0], 4, 0), 0);
    check("unsupported signature", raw(function::OBJECT_ADD_STYLE as i32, &[label.0 as i32, 0x1000, 0], 3, 0), UNSUPPORTED_FUNCTION);

    // Series handles: valid only with their chart, while in its series list.
    let chart = chart_create(window).unwrap();
    let other = chart_create(window).unwrap();
    let series = chart_add_series(chart, 0xFF0000, 0).unwrap().unwrap();
    let theirs = chart_add_series(other, 0x00FF00, 0).unwrap().unwrap();
    let next_value = function::CHART_SET_NEXT_VALUE as i32;
    let series_next = function::CHART_GET_SERIES_NEXT as i32;
    check("series valid", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), 0);
    check("series of another chart", raw(next_value, &[chart.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series 0", raw(next_value, &[chart.0 as i32, 0, 5], 3, 0), INVALID_HANDLE);
    check("series forged", raw(next_value, &[chart.0 as i32, 0x1234_5678, 5], 3, 0), INVALID_HANDLE);
    check("series next", raw(next_value, &[chart.0 as i32, theirs.0 as i32 + 1000, 5], 3, 0), INVALID_HANDLE);
    check("series with a label", raw(next_value, &[label.0 as i32, series.0 as i32, 5], 3, 0), WRONG_CLASS);
    check("series next from 0", raw(series_next, &[chart.0 as i32, 0], 2, result), 0);
    println!("first series is the series: {}", out[0] == series.0);
    chart_remove_series(chart, series).unwrap();
    check("series removed", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series removed twice", raw(function::CHART_REMOVE_SERIES as i32, &[chart.0 as i32, series.0 as i32], 2, 0), INVALID_HANDLE);
    check("series next after removed", raw(series_next, &[chart.0 as i32, series.0 as i32], 2, result), INVALID_HANDLE);
    let again = chart_add_series(chart, 0x0000FF, 0).unwrap().unwrap();
    println!("new series differs from removed: {}", again != series);
    check("removed series after a new one", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("new series", raw(next_value, &[chart.0 as i32, again.0 as i32, 5], 3, 0), 0);
    object_delete(other).unwrap();
    let third = chart_create(window).unwrap();
    let _fourth_series = chart_add_series(third, 0x00FFFF, 0).unwrap().unwrap();
    check("series of a deleted chart", raw(next_value, &[third.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series of a deleted chart, live chart", raw(next_value, &[chart.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series with the deleted chart", raw(next_value, &[other.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);

    println!("module still running: {}", object_get_width(label).is_ok());
    println!("security done");
}
