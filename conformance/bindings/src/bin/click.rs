//! Injected input: the spec clicks a button, a checkbox and the bare window. The guest reads
//! the events with Xila's three-step interface (peek the code, peek the target, drop it) and
//! the checkbox's state with `object_has_state`.
use conformance_bindings::*;

fn main() {
    let window = window_create().expect("window_create");
    let button = button_create(window).expect("button_create");
    object_set_size(button, 120, 50).expect("object_set_size");
    object_set_pos(button, 100, 95).expect("object_set_pos");
    let label = label_create(button).expect("label_create");
    label_set_text(label, c"Press").expect("label_set_text");
    object_align(label, Align::CENTER, 0, 0).expect("object_align");
    let checkbox = checkbox_create(window).expect("checkbox_create");
    checkbox_set_text(checkbox, c"Check").expect("checkbox_set_text");
    object_set_pos(checkbox, 20, 190).expect("object_set_pos");
    println!("checked before: {}", object_has_state(checkbox, State::CHECKED).unwrap());

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
    // Bounded: a dispatcher that never runs dry must fail this test, not hang it.
    for _ in 0..32 {
        let code = window_get_event_code(window).expect("window_get_event_code");
        if code == EventCode::ALL {
            break;
        }
        let target = window_get_event_target(window).expect("window_get_event_target");
        // Peeking does not consume: asking again names the same event.
        let again = (window_get_event_code(window).unwrap(), window_get_event_target(window).unwrap());
        if again != (code, target) {
            println!("peeking twice gave {again:?} after {:?}", (code, target));
        }
        match code {
            EventCode::CLICKED => println!("clicked {}", name(target)),
            EventCode::VALUE_CHANGED => println!("value changed: {}", name(target)),
            other => println!("event {} on {}", other.0, name(target)),
        }
        window_next_event(window).expect("window_next_event");
    }
    println!("checked after: {}", object_has_state(checkbox, State::CHECKED).unwrap());
}
