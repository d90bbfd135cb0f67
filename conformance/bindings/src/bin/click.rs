//! Injected input: the spec clicks a button, a checkbox and the bare window; the guest reads
//! the events back with `window_pop_event` and the checkbox's state with `object_has_state`.
use conformance_bindings::*;

const CLICKED: u32 = 7; // LV_EVENT_CLICKED
const VALUE_CHANGED: u32 = 28; // LV_EVENT_VALUE_CHANGED
const STATE_CHECKED: i32 = 1; // LV_STATE_CHECKED

fn main() {
    let window = window_create().expect("window_create");
    let button = button_create(window).expect("button_create");
    object_set_size(button, 120, 50).expect("object_set_size");
    object_set_pos(button, 100, 95).expect("object_set_pos");
    let label = label_create(button).expect("label_create");
    label_set_text(label, c"Press").expect("label_set_text");
    object_align(label, 9 /* LV_ALIGN_CENTER */, 0, 0).expect("object_align");
    let checkbox = checkbox_create(window).expect("checkbox_create");
    checkbox_set_text(checkbox, c"Check").expect("checkbox_set_text");
    object_set_pos(checkbox, 20, 190).expect("object_set_pos");
    println!("checked before: {}", object_has_state(checkbox, STATE_CHECKED).unwrap());

    let name = |object: Object| {
        if object == button {
            "button"
        } else if object == checkbox {
            "checkbox"
        } else if object == window {
            "window"
        } else {
            "another object"
        }
    };
    for _ in 0..32 {
        let (code, target) = window_pop_event(window).expect("window_pop_event");
        match code {
            0 => break,
            CLICKED if target == button => println!("clicked"),
            CLICKED => println!("clicked {}", name(target)),
            VALUE_CHANGED => println!("value changed: {}", name(target)),
            other => println!("event {other} on {}", name(target)),
        }
    }
    println!("checked after: {}", object_has_state(checkbox, STATE_CHECKED).unwrap());
}
