//! The dispatcher's checks: each bad call gets its own error number, changes nothing, and the
//! module goes on. Also what Xila's own host gets wrong (../shared/xila-abi/README.md): function
//! numbers out of range, wrong argument counts, 4-byte writes into 3-byte colour slots, and
//! LVGL keeping pointers into linear memory (styles, button-matrix maps) that the guest can
//! rewrite after handing them over.
use conformance_bindings::error::*;
use conformance_bindings::*;
use core::arch::wasm32;

fn check(what: &str, got: i32, want: i32) {
    let verdict = if got == want { "ok" } else { "WRONG" };
    println!("{what}: {got} {verdict}");
}

/// The status of a typed call: 0 for success, else its error.
fn status<T>(result: Result<T, Error>) -> i32 {
    result.err().map_or(0, |error| error.0)
}

/// The first byte past linear memory.
fn memory_end() -> i32 {
    (wasm32::memory_size(0) * 65536) as i32
}

fn main() {
    let window = window_create().unwrap();
    let label = label_create(window).unwrap();
    let button = button_create(window).unwrap();
    let textarea = textarea_create(window).unwrap();
    object_set_pos(textarea, 0, 120).unwrap();
    textarea_set_text(textarea, c"before").unwrap();
    #[repr(C, align(8))]
    struct Slot([u8; 16]);
    let mut out = Slot([0; 16]);
    let result = out.0.as_mut_ptr() as i32;

    function_numbers(result);
    argument_counts(label, result);
    result_slots(window, label, result);
    strings(window, label, textarea);
    buffers(textarea, result);
    handles(window, label, button);
    values(window, label);
    plain_structures(label);
    styles(label);
    series(window, label, result);
    handed_over(window);
    tree_changes(window);

    println!("module still running: {}", object_get_width(label).is_ok());
    println!("security done");
}

fn function_numbers(result: i32) {
    check("function 727", raw(function::COUNT as i32, &[], 0, result), INVALID_FUNCTION);
    check("function 0xFFFF", raw(0xFFFF, &[], 0, result), INVALID_FUNCTION);
    // A valid number in the low 16 bits must not make a wider value valid.
    check("function 0x10000 + window_create", raw(0x10000 + function::WINDOW_CREATE as i32, &[], 0, result), INVALID_FUNCTION);
    check("function -1", raw(-1, &[], 0, result), INVALID_FUNCTION);
}

fn argument_counts(label: Object, result: i32) {
    let width = function::OBJECT_SET_WIDTH as i32;
    check("count 1 for 2", raw(width, &[label.0 as i32, 10], 1, 0), ARGUMENT_COUNT);
    check("count 3 for 2", raw(width, &[label.0 as i32, 10], 3, 0), ARGUMENT_COUNT);
    check("count 8", raw(width, &[label.0 as i32, 10], 8, 0), ARGUMENT_COUNT);
    check("count 255", raw(width, &[label.0 as i32, 10], 255, 0), ARGUMENT_COUNT);
    check("count -1", raw(width, &[label.0 as i32, 10], -1, 0), ARGUMENT_COUNT);
    check("count 2", raw(width, &[label.0 as i32, 10], 2, 0), 0);
    // Every function, one more and one fewer than its arity (Xila's host answers 0 to these):
    // the arguments are zeros, so a dispatcher that called LVGL anyway would pass it NULLs.
    sweep("count arity + 1, every function", (0..function::COUNT).map(|f| (f, ARITY[f as usize] + 1)), result, ARGUMENT_COUNT);
    let takes_some = (0..function::COUNT).filter(|f| ARITY[*f as usize] > 0);
    sweep("count arity - 1, every function with parameters", takes_some.map(|f| (f, ARITY[f as usize] - 1)), result, ARGUMENT_COUNT);
    // The right count with a function whose signature the dispatcher does not marshal.
    sweep("every unsupported function", UNSUPPORTED.iter().copied(), result, UNSUPPORTED_FUNCTION);
}

/// Calls each `(function, count)` with zeros and a valid slot; one line: how many answered
/// `want`, and the first that did not.
fn sweep(what: &str, calls: impl Iterator<Item = (u16, u8)>, result: i32, want: i32) {
    let (mut total, mut first_wrong) = (0, None);
    for (function, count) in calls {
        total += 1;
        let got = raw(function as i32, &[0; 7], count as i32, result);
        if got != want && first_wrong.is_none() {
            first_wrong = Some((function, got));
        }
    }
    match first_wrong {
        None => println!("{what} ({total}): {want} ok"),
        Some((function, got)) => println!("{what} ({total}): function {function} gave {got} WRONG"),
    }
}

fn result_slots(window: Object, label: Object, result: i32) {
    let get_width = function::OBJECT_GET_WIDTH as i32;
    let end = memory_end();
    check("result null", raw(get_width, &[label.0 as i32], 1, 0), NULL_POINTER);
    check("result misaligned by 1", raw(get_width, &[label.0 as i32], 1, result + 1), MISALIGNED);
    check("result misaligned by 2", raw(get_width, &[label.0 as i32], 1, result + 2), MISALIGNED);
    check("result past end", raw(get_width, &[label.0 as i32], 1, end), OUT_OF_BOUNDS);
    check("result at -4", raw(get_width, &[label.0 as i32], 1, -4), OUT_OF_BOUNDS);
    check("result last 4 bytes", raw(get_width, &[label.0 as i32], 1, end - 4), 0);
    // (An aligned 4-byte slot cannot straddle the end; the 3-byte colour slot below can.)
    // Slots are aligned to their own size: a bool may be anywhere, a u16 on an even address.
    check("bool result at an odd address", raw(function::OBJECT_HAS_FLAG as i32, &[label.0 as i32, 1], 2, result + 1), 0);
    check("bool result in the last byte", raw(function::OBJECT_HAS_FLAG as i32, &[label.0 as i32, 1], 2, end - 1), 0);
    let target = function::WINDOW_GET_EVENT_TARGET as i32;
    check("u16 result at an odd address", raw(target, &[window.0 as i32], 1, result + 1), MISALIGNED);
    check("u16 result in the last 2 bytes", raw(target, &[window.0 as i32], 1, end - 2), 0);

    // A Color slot is 3 bytes, alignment 1: exactly at the end of memory it must work, and the
    // host must write 3 bytes (blue, green, red), not 4.
    let chart = chart_create(window).unwrap();
    let series = chart_add_series(chart, Color(0x123456), ChartAxis::PRIMARY_Y).unwrap();
    let color = function::CHART_GET_SERIES_COLOR as i32;
    let last = end as usize - 3;
    unsafe { core::ptr::write_bytes((last - 1) as *mut u8, 0xAA, 4) };
    check("colour result in the last 3 bytes", raw(color, &[chart.0 as i32, series.0 as i32], 2, last as i32), 0);
    let bytes = unsafe { core::slice::from_raw_parts((last - 1) as *const u8, 4) };
    println!("colour result bytes: {:02x?} (the byte before untouched)", bytes);
    check("colour result straddling end", raw(color, &[chart.0 as i32, series.0 as i32], 2, end - 2), OUT_OF_BOUNDS);
    check("colour result at an odd address", raw(color, &[chart.0 as i32, series.0 as i32], 2, result + 1), 0);
    object_delete(chart).unwrap();
}

fn strings(window: Object, label: Object, textarea: Object) {
    let set_text = function::LABEL_SET_TEXT as i32;
    let end = memory_end();
    check("string null", raw(set_text, &[label.0 as i32, 0], 2, 0), NULL_POINTER);
    check("string past end", raw(set_text, &[label.0 as i32, end + 16], 2, 0), OUT_OF_BOUNDS);
    check("string huge", raw(set_text, &[label.0 as i32, i32::MAX], 2, 0), OUT_OF_BOUNDS);
    check("string at -16", raw(set_text, &[label.0 as i32, -16], 2, 0), OUT_OF_BOUNDS);
    // Strings have no alignment.
    let odd = c"xodd".as_ptr() as i32 + 1;
    check("string at an odd address", raw(set_text, &[label.0 as i32, odd], 2, 0), 0);
    // A fresh page at the end of memory, filled with 'A' and no terminator.
    let page = wasm32::memory_grow(0, 1);
    let tail = page * 65536;
    let last = tail + 65536;
    unsafe { core::ptr::write_bytes(tail as *mut u8, b'A', 65536) };
    check("string unterminated at end", raw(set_text, &[label.0 as i32, (last - 8) as i32], 2, 0), UNTERMINATED_STRING);
    unsafe { *((last - 1) as *mut u8) = 0 };
    check("string terminated in the last byte", raw(set_text, &[label.0 as i32, (last - 8) as i32], 2, 0), 0);
    // Not UTF-8: a lone continuation byte, an overlong encoding, a surrogate.
    for (what, bytes) in [("continuation", &b"a\x80\0"[..]), ("overlong", b"\xC0\xAF\0"), ("surrogate", b"\xED\xA0\x80\0")] {
        check(&format!("string not UTF-8 ({what})"), raw(set_text, &[label.0 as i32, bytes.as_ptr() as i32], 2, 0), INVALID_ARGUMENT);
    }
    let not_utf8 = c"\xFF\xFE".as_ptr() as i32;
    check("icon not UTF-8", raw(function::WINDOW_SET_ICON as i32, &[window.0 as i32, not_utf8, 0xFF0000], 3, 0), INVALID_ARGUMENT);
    // A refused string changes nothing: the text area still holds its text.
    check("text area string not UTF-8", raw(function::TEXTAREA_SET_TEXT as i32, &[textarea.0 as i32, not_utf8], 2, 0), INVALID_ARGUMENT);
    let mut text = [0u8; 16];
    let length = textarea_get_text(textarea, &mut text).unwrap();
    println!("text area after refused strings: {}", core::str::from_utf8(&text[..length]).unwrap());
}

fn buffers(textarea: Object, result: i32) {
    let get_text = function::TEXTAREA_GET_TEXT as i32;
    let end = memory_end();
    let mut text = [0u8; 16];
    let buffer = text.as_mut_ptr() as i32;
    check("buffer past end", raw(get_text, &[textarea.0 as i32, end - 4, 8], 3, result), OUT_OF_BOUNDS);
    check("buffer null", raw(get_text, &[textarea.0 as i32, 0, 8], 3, result), NULL_POINTER);
    check("buffer size 0x7fffffff", raw(get_text, &[textarea.0 as i32, buffer, i32::MAX], 3, result), OUT_OF_BOUNDS);
    check("buffer size -1", raw(get_text, &[textarea.0 as i32, buffer, -1], 3, result), OUT_OF_BOUNDS);
    check("buffer in the last 8 bytes", raw(get_text, &[textarea.0 as i32, end - 8, 8], 3, result), 0);
    check("buffer, result misaligned", raw(get_text, &[textarea.0 as i32, buffer, 16], 3, result + 2), MISALIGNED);
}

fn handles(window: Object, label: Object, button: Object) {
    let width = function::OBJECT_SET_WIDTH as i32;
    let set_text = function::LABEL_SET_TEXT as i32;
    check("handle 0", raw(width, &[0, 10], 2, 0), INVALID_HANDLE);
    check("handle forged", raw(width, &[0x1234_5678, 10], 2, 0), INVALID_HANDLE);
    check("handle 65535", raw(width, &[0xFFFF, 10], 2, 0), INVALID_HANDLE);
    check("handle -1", raw(width, &[-1, 10], 2, 0), INVALID_HANDLE);
    check("handle next", raw(width, &[button.0 as i32 + 1000, 10], 2, 0), INVALID_HANDLE);
    // A live handle in the low 16 bits does not make a wider value valid.
    check("handle + 0x10000", raw(width, &[label.0 as i32 + 0x10000, 10], 2, 0), INVALID_HANDLE);
    let parent = object_create(window).unwrap();
    let child = label_create(parent).unwrap();
    object_delete(parent).unwrap();
    check("handle stale", raw(width, &[parent.0 as i32, 10], 2, 0), INVALID_HANDLE);
    check("handle of a deleted parent's child", raw(set_text, &[child.0 as i32, c"x".as_ptr() as i32], 2, 0), INVALID_HANDLE);
    check("handle stale delete", raw(function::OBJECT_DELETE as i32, &[parent.0 as i32], 1, 0), INVALID_HANDLE);
    check("handle stale as parent", status(label_create(parent)), INVALID_HANDLE);
    let fresh = label_create(window).unwrap();
    println!("fresh handle differs from stale ones: {}", fresh != parent && fresh != child);

    check("wrong class", raw(set_text, &[button.0 as i32, c"x".as_ptr() as i32], 2, 0), WRONG_CLASS);
    check("window as label", raw(set_text, &[window.0 as i32, c"x".as_ptr() as i32], 2, 0), WRONG_CLASS);
    let slider = slider_create(window).unwrap();
    check("slider function on slider", status(slider_set_value(slider, 1, AnimEnable::OFF)), 0);
    check("slider function on label", status(slider_set_value(label, 1, AnimEnable::OFF)), WRONG_CLASS);
    check("text area text of a label", status(textarea_get_text(label, &mut [0; 8])), WRONG_CLASS);
}

/// Only objects the guest made may leave the tree or move in it, and never under themselves:
/// the internal parts of a widget (a dropdown's list, a calendar's button matrix, handed out by
/// getters) are LVGL's, and deleting, cleaning away, reordering or reparenting them would leave
/// the widget pointing at freed or foreign objects.
fn tree_changes(window: Object) {
    let dropdown = dropdown_create(window).unwrap();
    let list = dropdown_get_list(dropdown).unwrap();
    let calendar = calendar_create(window).unwrap();
    let matrix = calendar_get_btnmatrix(calendar).unwrap();
    check("delete a dropdown's list", status(object_delete(list)), INTERNAL_PART);
    check("delete a calendar's button matrix", status(object_delete(matrix)), INTERNAL_PART);
    check("clean a calendar (its parts)", status(object_clean(calendar)), INTERNAL_PART);
    check("move a part to another index", status(object_move_to_index(matrix, 0)), INTERNAL_PART);
    check("swap a part with an object", status(object_swap(matrix, dropdown)), INTERNAL_PART);
    check("reparent a part", status(object_set_parent(matrix, window)), INTERNAL_PART);
    // The guest's own objects: free to move, but never under themselves.
    let outer = object_create(window).unwrap();
    let inner = object_create(outer).unwrap();
    let innermost = object_create(inner).unwrap();
    check("reparent under itself", status(object_set_parent(outer, outer)), INVALID_ARGUMENT);
    check("reparent under a grandchild", status(object_set_parent(outer, innermost)), INVALID_ARGUMENT);
    check("reparent under its parent's sibling", status(object_set_parent(innermost, dropdown)), 0);
    check("swap two own objects", status(object_swap(outer, dropdown)), 0);
    check("move an own object", status(object_move_to_index(outer, 0)), 0);
    check("clean an own container", status(object_clean(outer)), 0);
    println!("inner deleted by the clean: {}", object_get_width(inner) == Err(Error(INVALID_HANDLE)));
    check("remove an event handler by index", raw(function::OBJECT_REMOVE_EVENT as i32, &[outer.0 as i32, 0], 2, 4), UNSUPPORTED_FUNCTION);
    // The widgets still work, and go with their parts when the guest deletes them.
    check("delete the calendar", status(object_delete(calendar)), 0);
    check("its button matrix went with it", status(object_get_width(matrix)), INVALID_HANDLE);
    check("delete the dropdown", status(object_delete(dropdown)), 0);
    check("delete the container", status(object_delete(outer)), 0);
}

/// Points and areas are copied through their address: checked like any other pointer.
fn plain_structures(label: Object) {
    let coords = function::OBJECT_GET_COORDS as i32;
    let end = memory_end();
    #[repr(C, align(4))]
    struct Bytes([u8; 20]);
    let mut area = Bytes([0; 20]);
    let at = area.0.as_mut_ptr() as i32;
    check("area null", raw(coords, &[label.0 as i32, 0], 2, 0), NULL_POINTER);
    check("area misaligned", raw(coords, &[label.0 as i32, at + 2], 2, 0), MISALIGNED);
    check("area straddling end", raw(coords, &[label.0 as i32, end - 8], 2, 0), OUT_OF_BOUNDS);
    check("area in the last 16 bytes", raw(coords, &[label.0 as i32, end - 16], 2, 0), 0);
    check("area", raw(coords, &[label.0 as i32, at], 2, 0), 0);
    println!("the 4 bytes after the area untouched: {}", area.0[16..] == [0; 4]);
}

fn values(window: Object, label: Object) {
    check("u8 256 (flex grow)", raw(function::OBJECT_SET_FLEX_GROW as i32, &[label.0 as i32, 256], 2, 0), INVALID_ARGUMENT);
    check("u8 -1 (flex grow)", raw(function::OBJECT_SET_FLEX_GROW as i32, &[label.0 as i32, -1], 2, 0), INVALID_ARGUMENT);
    check("u8 255 (flex grow)", status(object_set_flex_grow(label, 255)), 0);
    let table = table_create(window).unwrap();
    check("u16 65536 (table cell)", raw(function::TABLE_SET_SELECTED_CELL as i32, &[table.0 as i32, 65536, 0], 3, 0), INVALID_ARGUMENT);
    check("u16 65535 (table cell)", status(table_set_selected_cell(table, 65535, 0)), 0);
    check("bool 2", raw(function::LABEL_SET_RECOLOR as i32, &[label.0 as i32, 2], 2, 0), INVALID_ARGUMENT);
    check("bool -1", raw(function::LABEL_SET_RECOLOR as i32, &[label.0 as i32, -1], 2, 0), INVALID_ARGUMENT);
    check("bool 1", status(label_set_recolor(label, true)), 0);
    check("alignment 200", status(object_align(label, Align(200), 0, 0)), INVALID_ARGUMENT);
    check("alignment -1", status(object_align(label, Align(u32::MAX), 0, 0)), INVALID_ARGUMENT);
    check("alignment OUT_RIGHT_BOTTOM", status(object_align(label, Align::OUT_RIGHT_BOTTOM, 0, 0)), 0);
    check("flex flow 3", status(object_set_flex_flow(label, FlexFlow(3))), INVALID_ARGUMENT);
    check("flag bit 31", status(object_add_flag(label, ObjectFlag(1 << 31))), INVALID_ARGUMENT);
    check("flags combined", status(object_add_flag(label, ObjectFlag::CLICKABLE | ObjectFlag::USER_4)), 0);
    check("opacity 256", raw(function::OBJECT_SET_STYLE_BG_OPA as i32, &[label.0 as i32, 256, 0], 3, 0), INVALID_ARGUMENT);
    check("colour above 0xFFFFFF", status(object_set_style_bg_color(label, Color(0x0100_0000), Part::MAIN)), INVALID_ARGUMENT);
    check("colour 0xFFFFFF", status(object_set_style_bg_color(label, Color(0xFFFFFF), Part::MAIN)), 0);
    let mut luminance = 0u8;
    let slot = &mut luminance as *mut u8 as i32;
    check("colour16 above 0xFFFF", raw(function::COLOR16_LUMINANCE as i32, &[0x10000], 1, slot), INVALID_ARGUMENT);
    check("percentage 268435455", status(percentage(268_435_455)), INVALID_ARGUMENT);
    check("percentage -268435455", status(percentage(-268_435_455)), INVALID_ARGUMENT);
    check("percentage 268435454", status(percentage(268_435_454)), 0);
    check("percentage -268435454", status(percentage(-268_435_454)), 0);
}

fn styles(label: Object) {
    // Style values that would carry an address: a font, an image, a gradient, a transition.
    let local = |prop: StyleProp, value: u32| status(object_set_local_style_prop(label, prop, StyleValue(value), Part::MAIN));
    check("style value text font", local(StyleProp::TEXT_FONT, 0x1000), STYLE_VALUE_ADDRESS);
    check("style value background image", local(StyleProp::BG_IMAGE_SRC, 0x1000), STYLE_VALUE_ADDRESS);
    check("style value gradient", local(StyleProp::BG_GRAD, 0x1000), STYLE_VALUE_ADDRESS);
    check("style value transition", local(StyleProp::TRANSITION, 0x1000), STYLE_VALUE_ADDRESS);
    check("style value unknown property", local(StyleProp(250), 0x1000), STYLE_VALUE_ADDRESS);
    check("style value width", local(StyleProp::WIDTH, 50), 0);

    let mut style = Style::new();
    check("style init", status(style_init(&mut style)), 0);
    check("style value font in a style", status(style_set_prop(&mut style, StyleProp::TEXT_FONT, StyleValue(0x1000))), STYLE_VALUE_ADDRESS);
    check("style value radius in a style", status(style_set_prop(&mut style, StyleProp::RADIUS, StyleValue(4))), 0);

    // A style address the instance never initialised names no style.
    let mut never = Style::new();
    check("style never initialised, set", status(style_set_width(&mut never, 10)), INVALID_HANDLE);
    check("style never initialised, added", status(object_add_style(label, &never, Part::MAIN)), INVALID_HANDLE);
    let add_style = function::OBJECT_ADD_STYLE as i32;
    check("style null", raw(add_style, &[label.0 as i32, 0, 0], 3, 0), NULL_POINTER);
    check("style past end", raw(add_style, &[label.0 as i32, memory_end() - 4, 0], 3, 0), OUT_OF_BOUNDS);
    let misaligned = &style as *const Style as i32 + 2;
    check("style misaligned", raw(add_style, &[label.0 as i32, misaligned, 0], 3, 0), MISALIGNED);
}

fn series(window: Object, label: Object, result: i32) {
    // Series handles: valid only with their chart, while in its series list.
    let chart = chart_create(window).unwrap();
    let other = chart_create(window).unwrap();
    let series = chart_add_series(chart, Color(0xFF0000), ChartAxis::PRIMARY_Y).unwrap();
    let theirs = chart_add_series(other, Color(0x00FF00), ChartAxis::PRIMARY_Y).unwrap();
    let next_value = function::CHART_SET_NEXT_VALUE as i32;
    let series_next = function::CHART_GET_SERIES_NEXT as i32;
    check("series valid", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), 0);
    check("series of another chart", raw(next_value, &[chart.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series 0", raw(next_value, &[chart.0 as i32, 0, 5], 3, 0), INVALID_HANDLE);
    check("series forged", raw(next_value, &[chart.0 as i32, 0x1234_5678, 5], 3, 0), INVALID_HANDLE);
    check("series next", raw(next_value, &[chart.0 as i32, theirs.0 as i32 + 1000, 5], 3, 0), INVALID_HANDLE);
    check("series with a label", raw(next_value, &[label.0 as i32, series.0 as i32, 5], 3, 0), WRONG_CLASS);
    check("series next from 0", raw(series_next, &[chart.0 as i32, 0], 2, result), 0);
    let first = unsafe { *(result as *const u32) };
    println!("first series is the series: {}", first == series.0);
    chart_remove_series(chart, series).unwrap();
    check("series removed", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series removed twice", raw(function::CHART_REMOVE_SERIES as i32, &[chart.0 as i32, series.0 as i32], 2, 0), INVALID_HANDLE);
    check("series next after removed", raw(series_next, &[chart.0 as i32, series.0 as i32], 2, result), INVALID_HANDLE);
    let again = chart_add_series(chart, Color(0x0000FF), ChartAxis::PRIMARY_Y).unwrap();
    println!("new series differs from removed: {}", again != series);
    check("removed series after a new one", raw(next_value, &[chart.0 as i32, series.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("new series", raw(next_value, &[chart.0 as i32, again.0 as i32, 5], 3, 0), 0);
    object_delete(other).unwrap();
    let third = chart_create(window).unwrap();
    let _its_series = chart_add_series(third, Color(0x00FFFF), ChartAxis::PRIMARY_Y).unwrap();
    check("series of a deleted chart", raw(next_value, &[third.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series of a deleted chart, live chart", raw(next_value, &[chart.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    check("series with the deleted chart", raw(next_value, &[other.0 as i32, theirs.0 as i32, 5], 3, 0), INVALID_HANDLE);
    for chart in [chart, third] {
        object_delete(chart).unwrap();
    }
}

/// What the guest hands over and then rewrites: a style and a button-matrix map. LVGL keeps
/// pointers to both; the host must have copied them, so that rewriting the guest's bytes (the
/// style's internal pointer included) neither changes what LVGL draws nor lets the guest aim
/// LVGL at memory of its choosing.
fn handed_over(window: Object) {
    // A style with values the host can report: a width, and a recolour with zero opacity
    // (read back through object_get_style_recolor_recursive, invisible in the frame).
    let mut style = Style::new();
    style_init(&mut style).unwrap();
    style_set_width(&mut style, 123).unwrap();
    style_set_recolor(&mut style, Color(0x123456)).unwrap();
    style_set_recolor_opa(&mut style, Opa::TRANSP).unwrap();
    let styled = object_create(window).unwrap();
    object_add_style(styled, &style, Part::MAIN).unwrap();
    object_update_layout(styled).unwrap();
    let before = (object_get_width(styled).unwrap(), object_get_style_recolor_recursive(styled, Part::MAIN).unwrap());

    // A 2 + 3 button map in bytes the guest owns, with an array of pointers into them.
    let mut texts = *b"A\0B\0\n\0C\0D\0E\0\0";
    let base = texts.as_mut_ptr();
    let mut map: [*const core::ffi::c_char; 7] = [0, 2, 4, 6, 8, 10, 12].map(|offset| unsafe { base.add(offset) } as *const _);
    let matrix = buttonmatrix_create(window).unwrap();
    object_set_size(matrix, 150, 80).unwrap();
    object_set_pos(matrix, 160, 150).unwrap();
    buttonmatrix_set_map(matrix, &map).unwrap();

    // Rewrite everything: the style's 12 bytes (where LVGL keeps its pointer to the values and
    // their count) aimed at the map's array, the texts without terminators and not UTF-8, the
    // array's pointers past the end of memory.
    let forged = (map.as_ptr() as u32).to_le_bytes();
    style.0 = [forged[0], forged[1], forged[2], forged[3], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    texts.fill(0xFF);
    map.fill((memory_end() - 2) as *const _);
    core::hint::black_box((&style, &texts, &map));

    // Make LVGL use both: redraw, lay out again, run its timers. (The firmware draws the
    // frame after the run too, with these two objects last created, so on top.)
    object_invalidate(window).unwrap();
    object_mark_layout_as_dirty(styled).unwrap();
    object_update_layout(window).unwrap();
    let (mut code, mut target) = (EventCode::ALL, Object::NONE);
    window_pop_event(window, &mut code, &mut target).unwrap();
    let after = (object_get_width(styled).unwrap(), object_get_style_recolor_recursive(styled, Part::MAIN).unwrap());
    println!("style rewritten after object_add_style: width {}, recolor {:#010x}, unchanged: {}", after.0, (after.1).0, before == after);
    // The host's copy, read back through the guest's (rewritten) style's address.
    let mut value = StyleValue(0);
    let found = style_get_prop(&style, StyleProp::RECOLOR, &mut value).unwrap();
    println!("style_get_prop of the rewritten style: found {}, recolor {:#08x}", found == StyleRes::FOUND, value.0);
    let recolor = object_get_style_prop(styled, Part::MAIN, StyleProp::RECOLOR).unwrap();
    println!("object_get_style_prop: recolor {:#08x}, width {}", recolor.0, object_get_style_prop(styled, Part::MAIN, StyleProp::WIDTH).unwrap().0);
    // A property whose value is an address never comes back: not as a result, not in a slot.
    check("style value out, font", status(object_get_style_prop(styled, Part::MAIN, StyleProp::TEXT_FONT)), STYLE_VALUE_ADDRESS);
    let mut untouched = StyleValue(0x5A5A_5A5A);
    check("style value slot, font", status(style_get_prop(&style, StyleProp::TEXT_FONT, &mut untouched)), STYLE_VALUE_ADDRESS);
    println!("the refused slot untouched: {}", untouched.0 == 0x5A5A_5A5A);

    // The buttons are still the five of the map: an id has a control bit only if it exists.
    let existing = (0..8)
        .filter(|id| {
            buttonmatrix_set_button_ctrl(matrix, *id, ButtonmatrixCtrl::CHECKABLE).unwrap();
            buttonmatrix_has_button_ctrl(matrix, *id, ButtonmatrixCtrl::CHECKABLE).unwrap()
        })
        .count();
    println!("map rewritten after buttonmatrix_set_map: {existing} buttons");
}
