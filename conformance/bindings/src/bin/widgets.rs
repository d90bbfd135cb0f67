//! A window with a label, a button and a slider: text, size, position and colours set through
//! the dispatcher, read back, then objects deleted and their handles found invalid.
use conformance_bindings::*;

fn main() {
    let window = window_create().expect("window_create");
    let label = label_create(window).expect("label_create");
    label_set_text(label, c"Hello, Xila").expect("label_set_text");
    object_set_pos(label, 10, 20).expect("object_set_pos");
    let mut text = [0u8; 32];
    let length = textarea_get_text(label, &mut text).expect("textarea_get_text");
    println!("label text: {}", core::str::from_utf8(&text[..length]).unwrap());

    let button = button_create(window).expect("button_create");
    object_set_size(button, 100, 40).expect("object_set_size");
    object_set_pos(button, 20, 60).expect("object_set_pos");
    object_set_style_bg_color(button, 0xFF0000, 0).expect("object_set_style_bg_color");
    let button_label = label_create(button).expect("label_create");
    label_set_text(button_label, c"OK").expect("label_set_text");
    object_update_layout(button).expect("object_update_layout");
    println!("button: {}x{} at {},{}", object_get_width(button).unwrap(), object_get_height(button).unwrap(),
        object_get_x(button).unwrap(), object_get_y(button).unwrap());

    let slider = slider_create(window).expect("slider_create");
    object_set_width(slider, percentage(80).unwrap()).expect("object_set_width");
    object_align(slider, 5 /* LV_ALIGN_BOTTOM_MID */, 0, -30).expect("object_align");
    bar_set_range(slider, 0, 200).expect("slider_set_range");
    bar_set_value(slider, 150, 0).expect("slider_set_value");
    object_update_layout(slider).expect("object_update_layout");
    println!("slider: value {} of {}, width {}", bar_get_value(slider).unwrap(), bar_get_max_value(slider).unwrap(),
        object_get_width(slider).unwrap());
    println!("children of window: {}", object_get_child_count(window).unwrap());
    let first = object_get_child(window, 0).unwrap();
    println!("first child is the label: {}", first == label);

    object_delete(button).expect("object_delete");
    println!("after delete: children {}", object_get_child_count(window).unwrap());
    println!("deleted button: {:?}", object_set_width(button, 10));
    println!("its label: {:?}", label_set_text(button_label, c"gone"));
    let (code, _) = window_pop_event(window).unwrap();
    println!("events pending: {code}");
    println!("widgets ok");
}
