//! A calculator, written as a Xila application is: a window with an icon, a flex column holding
//! a label as the display and a 20-key button matrix, and an event loop on `window_pop_event`
//! that never returns. Like every Xila application it does not exit: the run ends when the
//! firmware sees it waiting for input once the spec's clicks are all delivered.
//!
//! It prints where its keys are (computed as LVGL places them, from sizes read back), so that
//! a change of layout shows in stdout before the spec's clicks miss; then one line per key.
use conformance_bindings::*;
use core::ffi::CStr;

/// Window padding, keypad padding and the gaps, in pixels: set explicitly so that the key
/// positions below do not depend on the theme.
const WINDOW_PAD: i32 = 8;
const KEYPAD_PAD: i32 = 6;
const GAP: i32 = 6;

const COLUMNS: usize = 5;
const ROWS: usize = 4;

/// The keys, row by row: what the button shows, and what this program calls it.
const KEYS: [(&CStr, &str); COLUMNS * ROWS] = [
    (c"7", "7"), (c"8", "8"), (c"9", "9"), (c"/", "/"), (c"C", "C"),
    (c"4", "4"), (c"5", "5"), (c"6", "6"), (c"*", "*"), (c"(", "("),
    (c"1", "1"), (c"2", "2"), (c"3", "3"), (c"-", "-"), (c")", ")"),
    // LV_SYMBOL_BACKSPACE, drawn from the symbols in LVGL's built-in font.
    (c"0", "0"), (c".", "."), (c"\u{F55A}", "backspace"), (c"+", "+"), (c"=", "="),
];

fn main() {
    let window = window_create().expect("window_create");
    window_set_icon(window, c"Ca", Color(0xFF9800)).expect("window_set_icon");
    object_set_flex_flow(window, FlexFlow::COLUMN).expect("object_set_flex_flow");
    object_set_style_pad_all_sides(window, WINDOW_PAD).expect("object_set_style_pad_all_sides");
    object_set_style_pad_row(window, GAP, Part::MAIN).expect("object_set_style_pad_row");
    object_set_style_border_width(window, 0, Part::MAIN).expect("object_set_style_border_width");

    // The display: a full-width label, as high as its text, right-aligned on a dark panel.
    let display = label_create(window).expect("label_create");
    object_set_size(display, percentage(100).unwrap(), SIZE_CONTENT).expect("object_set_size");
    object_set_style_text_align(display, TextAlign::RIGHT, Part::MAIN).expect("object_set_style_text_align");
    object_set_style_bg_color(display, Color(0x263238), Part::MAIN).expect("object_set_style_bg_color");
    object_set_style_bg_opa(display, Opa::COVER, Part::MAIN).expect("object_set_style_bg_opa");
    object_set_style_text_color(display, Color(0xFFFFFF), Part::MAIN).expect("object_set_style_text_color");
    object_set_style_radius(display, 6, Part::MAIN).expect("object_set_style_radius");
    object_set_style_pad_all_sides(display, 6).expect("object_set_style_pad_all_sides");
    label_set_text(display, c"0").expect("label_set_text");

    // The keypad takes the rest of the column. Its map is built on the stack: the host copies
    // it, so it may go out of scope (Xila's host would keep pointing at it).
    let keypad = buttonmatrix_create(window).expect("buttonmatrix_create");
    object_set_width(keypad, percentage(100).unwrap()).expect("object_set_width");
    object_set_flex_grow(keypad, 1).expect("object_set_flex_grow");
    object_set_style_pad_all_sides(keypad, KEYPAD_PAD).expect("object_set_style_pad_all_sides");
    object_set_style_pad_row(keypad, GAP, Part::MAIN).expect("object_set_style_pad_row");
    object_set_style_pad_column(keypad, GAP, Part::MAIN).expect("object_set_style_pad_column");
    object_set_style_border_width(keypad, 0, Part::MAIN).expect("object_set_style_border_width");
    set_map(keypad);
    object_update_layout(window).expect("object_update_layout");

    let x = WINDOW_PAD + object_get_x(keypad).unwrap();
    let y = WINDOW_PAD + object_get_y(keypad).unwrap();
    let (width, height) = (object_get_width(keypad).unwrap(), object_get_height(keypad).unwrap());
    println!("display: {}x{} at {},{}", object_get_width(display).unwrap(), object_get_height(display).unwrap(),
        WINDOW_PAD + object_get_x(display).unwrap(), WINDOW_PAD + object_get_y(display).unwrap());
    println!("keypad: {width}x{height} at {x},{y}");
    let content = (object_get_content_width(keypad).unwrap(), object_get_content_height(keypad).unwrap());
    for name in ["1", "+", "2", "="] {
        let index = KEYS.iter().position(|(_, key)| *key == name).unwrap();
        let (cx, cy) = key_centre(index, content);
        println!("key {name} at {},{}", x + cx, y + cy);
    }

    let mut expression = String::from("0");
    let mut code = EventCode::ALL;
    let mut target = Object::NONE;
    loop {
        window_pop_event(window, &mut code, &mut target).expect("window_pop_event");
        // Nothing pending: ask again (Xila's applications poll; the firmware ends an idle run).
        if code != EventCode::VALUE_CHANGED || target != keypad {
            continue;
        }
        let index = buttonmatrix_get_selected_button(keypad).expect("buttonmatrix_get_selected_button");
        let Some(&(_, key)) = KEYS.get(index as usize) else {
            println!("selected button {index} is not a key");
            continue;
        };
        press(&mut expression, key);
        let text = std::ffi::CString::new(expression.as_str()).unwrap();
        label_set_text(display, &text).expect("label_set_text");
        println!("{key}: {expression}");
    }
}


fn set_map(keypad: Object) {
    let mut map: Vec<*const core::ffi::c_char> = Vec::new();
    for (index, (text, _)) in KEYS.iter().enumerate() {
        if index > 0 && index % COLUMNS == 0 {
            map.push(c"\n".as_ptr());
        }
        map.push(text.as_ptr());
    }
    map.push(c"".as_ptr());
    buttonmatrix_set_map(keypad, &map).expect("buttonmatrix_set_map");
}

/// Where LVGL 9.3 puts key `index`'s centre, relative to the keypad's top left: rows share the
/// content height and keys a row's content width, gaps between them (lv_buttonmatrix.c,
/// `update_map`), all in integer arithmetic as there.
fn key_centre(index: usize, (content_width, content_height): (i32, i32)) -> (i32, i32) {
    let (row, column) = ((index / COLUMNS) as i32, (index % COLUMNS) as i32);
    let (rows, columns) = (ROWS as i32, COLUMNS as i32);
    let height = content_height - GAP * (rows - 1);
    let y1 = KEYPAD_PAD + height * row / rows + row * GAP;
    let y2 = KEYPAD_PAD + height * (row + 1) / rows + row * GAP - 1;
    let width = content_width - GAP * (columns - 1);
    let x1 = KEYPAD_PAD + width * column / columns + column * GAP;
    let x2 = KEYPAD_PAD + width * (column + 1) / columns + column * GAP - 1;
    ((x1 + x2) / 2, (y1 + y2) / 2)
}

/// What a key does to the expression on the display.
fn press(expression: &mut String, key: &str) {
    if expression == "Error" {
        expression.clear();
    }
    match key {
        "C" => expression.clear(),
        "backspace" => {
            expression.pop();
        }
        "=" => {
            *expression = match evaluate(expression) {
                Some(value) => format_number(value),
                None => "Error".into(),
            };
            return;
        }
        // The "0" shown when empty is replaced by what starts a number or a group; an operator
        // or a point after it works on the 0.
        start if expression == "0" && !matches!(start, "+" | "-" | "*" | "/" | ".") => *expression = start.into(),
        other => expression.push_str(other),
    }
    if expression.is_empty() {
        expression.push('0');
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.8}");
        text.trim_end_matches('0').trim_end_matches('.').into()
    }
}

/// `+ - * /`, unary minus and parentheses over decimal numbers; `None` for anything malformed
/// or a division by zero.
fn evaluate(text: &str) -> Option<f64> {
    let mut parser = Parser { text: text.as_bytes(), at: 0 };
    let value = parser.sum()?;
    (parser.at == parser.text.len() && value.is_finite()).then_some(value)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn sum(&mut self) -> Option<f64> {
        let mut value = self.product()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.at += 1;
            let right = self.product()?;
            value = if op == b'+' { value + right } else { value - right };
        }
        Some(value)
    }

    fn product(&mut self) -> Option<f64> {
        let mut value = self.factor()?;
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.at += 1;
            let right = self.factor()?;
            if op == b'/' && right == 0.0 {
                return None;
            }
            value = if op == b'*' { value * right } else { value / right };
        }
        Some(value)
    }

    fn factor(&mut self) -> Option<f64> {
        match self.peek()? {
            b'-' => {
                self.at += 1;
                Some(-self.factor()?)
            }
            b'(' => {
                self.at += 1;
                let value = self.sum()?;
                (self.peek() == Some(b')')).then(|| self.at += 1)?;
                Some(value)
            }
            _ => {
                let start = self.at;
                while matches!(self.peek(), Some(b'0'..=b'9' | b'.')) {
                    self.at += 1;
                }
                core::str::from_utf8(&self.text[start..self.at]).ok()?.parse().ok()
            }
        }
    }
}
