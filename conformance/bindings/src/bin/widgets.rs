//! A window with a label, a text area, a button and a slider, built as a Xila application
//! builds them: texts, sizes and positions set through Xila's functions and read back, then
//! objects deleted and their handles refused (error 8).
use conformance_bindings::*;

fn main() {
    let window = window_create().expect("window_create");
    window_set_icon(window, c"Wi", Color(0x1E88E5)).expect("window_set_icon");

    // A label's text cannot be read back (label_get_text would hand out a host pointer, so the
    // dispatcher refuses it), but its width follows the text the host was given.
    let label = label_create(window).expect("label_create");
    object_set_pos(label, 10, 10).expect("object_set_pos");
    label_set_text(label, c"Hello").expect("label_set_text");
    object_update_layout(label).expect("object_update_layout");
    let short = object_get_width(label).unwrap();
    label_set_text(label, c"Hello, Xila").expect("label_set_text");
    object_update_layout(label).expect("object_update_layout");
    println!("label width: {short} for \"Hello\", {} for \"Hello, Xila\"", object_get_width(label).unwrap());

    // A text area: set, appended to, then read back whole and cut to a small buffer.
    let textarea = textarea_create(window).expect("textarea_create");
    textarea_set_one_line(textarea, true).expect("textarea_set_one_line");
    object_set_width(textarea, 180).expect("object_set_width");
    object_set_pos(textarea, 120, 4).expect("object_set_pos");
    textarea_set_text(textarea, c"Hello").expect("textarea_set_text");
    textarea_add_text(textarea, c", Xila").expect("textarea_add_text");
    let mut buffer = [0xFFu8; 32];
    let length = textarea_get_text(textarea, &mut buffer).expect("textarea_get_text");
    let text = core::ffi::CStr::from_bytes_until_nul(&buffer).expect("a NUL-terminated text");
    println!("textarea text: {text:?}, length {length} ({} by textarea_get_text_length)",
        textarea_get_text_length(textarea).unwrap());
    let mut small = [0xFFu8; 6];
    let whole = textarea_get_text(textarea, &mut small).expect("textarea_get_text");
    println!("cut to 6 bytes: {:?}, whole length {whole}", core::ffi::CStr::from_bytes_until_nul(&small).unwrap());

    // A red button with a centred label.
    let button = button_create(window).expect("button_create");
    object_set_size(button, 100, 40).expect("object_set_size");
    object_set_pos(button, 20, 100).expect("object_set_pos");
    object_set_style_bg_color(button, Color(0xE53935), Part::MAIN).expect("object_set_style_bg_color");
    let button_label = label_create(button).expect("label_create");
    label_set_text(button_label, c"OK").expect("label_set_text");
    object_align(button_label, Align::CENTER, 0, 0).expect("object_align");
    object_update_layout(button).expect("object_update_layout");
    println!("button: {}x{} at {},{}", object_get_width(button).unwrap(), object_get_height(button).unwrap(),
        object_get_x(button).unwrap(), object_get_y(button).unwrap());
    println!("button label's parent is the button: {}", object_get_parent(button_label).unwrap() == button);
    // Areas and points travel by address; the host copies them in and back.
    let mut area = Area::default();
    object_get_coords(button, &mut area).expect("object_get_coords");
    println!("button coords: {area:?}");
    let inside = Point { x: area.x1 + 10, y: area.y1 + 10 };
    let outside = Point { x: area.x2 + 10, y: area.y2 + 10 };
    println!("hit test inside: {}, outside: {}", object_hit_test(button, &inside).unwrap(), object_hit_test(button, &outside).unwrap());

    // A slider 80 % as wide as the window, at the bottom.
    let slider = slider_create(window).expect("slider_create");
    object_set_width(slider, percentage(80).unwrap()).expect("object_set_width");
    object_align(slider, Align::BOTTOM_MID, 0, -30).expect("object_align");
    slider_set_range(slider, 0, 200).expect("slider_set_range");
    slider_set_value(slider, 150, AnimEnable::OFF).expect("slider_set_value");
    object_update_layout(slider).expect("object_update_layout");
    println!("slider: value {} of {}..{}, width {}", slider_get_value(slider).unwrap(),
        slider_get_min_value(slider).unwrap(), slider_get_max_value(slider).unwrap(), object_get_width(slider).unwrap());

    println!("children of window: {}", object_get_child_count(window).unwrap());
    println!("first child is the label: {}", object_get_child(window, 0).unwrap() == label);
    println!("no child at 9: {}", object_get_child(window, 9).unwrap().is_none());

    // Deleting the button deletes its label too; both handles are dead from now on.
    object_delete(button).expect("object_delete");
    println!("after delete: children {}", object_get_child_count(window).unwrap());
    println!("deleted button: {:?}", object_set_width(button, 10));
    println!("its label: {:?}", label_set_text(button_label, c"gone"));
    println!("deleted again: {:?}", object_delete(button));
    println!("slider still there: {:?}", slider_get_value(slider));
    println!("widgets ok");
}
