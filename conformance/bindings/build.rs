//! Generates the guest side of Xila's graphics ABI from the two lists the runtime is built with,
//! so that the test modules call the functions by Xila's names and numbers:
//!
//! - `runtime/bindings/functions.txt`: Xila's table, one `N name (params) -> ret` line per
//!   function (0..=726), optionally followed by ` # unsupported: <reason>` for the functions the
//!   dispatcher refuses with error 3. Lines starting with `#` are comments.
//! - `runtime/bindings/constants.txt`: LVGL 9.3's enumeration values, `<c_type> <C_NAME> <value>`
//!   (`define` as the type for plain macros such as `LV_SIZE_CONTENT`).
//!
//! Out of them come `function::NAME` (every number), one newtype per enumeration with its values
//! as associated constants, `SIZE_CONTENT`-style constants, a wrapper per supported function
//! (Xila's extras, 717..=726, are written by hand in lib.rs), the `UNSUPPORTED` list and every
//! function's `ARITY`.
//!
//! The marshalling follows docs/graphics-abi.md. A function the list calls supported but whose
//! types that document does not describe stops the build: the guest would otherwise have to
//! guess a slot size or a representation the host did not promise.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Xila's extras: hand-written in lib.rs, since their signatures say less than the contract
/// (buffers with sizes, two output pointers, a `u16` handle).
const EXTRAS: [&str; 10] = [
    "object_delete",
    "percentage",
    "textarea_get_text",
    "textarea_get_text_length",
    "window_create",
    "window_get_event_code",
    "window_get_event_target",
    "window_next_event",
    "window_pop_event",
    "window_set_icon",
];

/// Types that travel by value but are not enumerations (lib.rs defines those it marshals).
const VALUE_TYPES: [&str; 11] = [
    "Color", "Color32", "Color16", "ColorHsv", "StyleValue", "Point", "PointPrecise", "Area", "Matrix",
    "CalendarDate", "Anim",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let list = |relative: &str| {
        let path = manifest.join(relative);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        (path, text)
    };
    let (functions_path, functions_text) = list("../../runtime/bindings/functions.txt");
    let (constants_path, constants_text) = list("../../runtime/bindings/constants.txt");

    let functions = parse_functions(&functions_path, &functions_text);
    let mut constants = parse_constants(&constants_path, &constants_text);
    // `lv_anim_enable_t` is `bool` in LVGL 9.3 and its values are macros, not an enumeration,
    // so constants.txt may not list them.
    constants
        .entry("AnimEnable".into())
        .or_insert_with(|| vec![("LV_ANIM_OFF".into(), 0), ("LV_ANIM_ON".into(), 1)]);

    let mut out = String::new();
    write_numbers(&mut out, &functions);
    let enumerations = enumeration_types(&functions, &constants);
    write_enumerations(&mut out, &enumerations, &constants);
    write_wrappers(&mut out, &functions, &enumerations);
    let path = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("xila.rs");
    std::fs::write(path, out).unwrap();
}

struct Function {
    number: u16,
    name: String,
    /// `(name, guest type)`, in order.
    parameters: Vec<(String, String)>,
    returns: String,
    /// The reason the dispatcher refuses it (error 3), if it does.
    unsupported: Option<String>,
}

fn parse_functions(path: &std::path::Path, text: &str) -> Vec<Function> {
    let mut functions = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fail = |why: &str| -> ! { panic!("{}:{}: {why}: {line:?}", path.display(), index + 1) };
        let (line, unsupported) = match line.split_once(" # ") {
            Some((line, comment)) => match comment.strip_prefix("unsupported:") {
                Some(reason) => (line, Some(reason.trim().to_string())),
                None => fail("a trailing comment other than `# unsupported: <reason>`"),
            },
            None => (line, None),
        };
        let Some((number, rest)) = line.split_once(' ') else { fail("not `N name (params) -> ret`") };
        let Ok(number) = number.parse::<u16>() else { fail("not `N name (params) -> ret` (old format?)") };
        let Some((name, rest)) = rest.split_once(" (") else { fail("no parameter list") };
        let Some((params, returns)) = rest.split_once(") -> ") else { fail("no `) -> `") };
        let parameters = params
            .split(", ")
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once(": ") {
                Some((n, t)) => (n.to_string(), t.to_string()),
                None => fail("a parameter without `name: type`"),
            })
            .collect();
        if usize::from(number) != functions.len() {
            fail(&format!("number {number} out of sequence (expected {})", functions.len()));
        }
        functions.push(Function { number, name: name.to_string(), parameters, returns: returns.to_string(), unsupported });
    }
    for extra in EXTRAS {
        if !functions.iter().any(|f| f.name == extra) {
            panic!("{}: Xila's extra `{extra}` is missing", path.display());
        }
    }
    functions
}

/// `guest type -> [(C name, value)]`, in file order; the `define` entries under "define".
type Constants = BTreeMap<String, Vec<(String, i64)>>;

fn parse_constants(path: &std::path::Path, text: &str) -> Constants {
    let mut constants = Constants::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [c_type, name, value] = fields[..] else {
            panic!("{}:{}: not `<c_type> <C_NAME> <value>`: {line:?}", path.display(), index + 1)
        };
        let value: i64 = value.parse().unwrap_or_else(|_| panic!("{}:{}: value not decimal", path.display(), index + 1));
        let key = if c_type == "define" { "define".to_string() } else { guest_type_name(c_type) };
        constants.entry(key).or_default().push((name.to_string(), value));
    }
    constants
}

/// Xila's guest name for an LVGL C type: `lv_obj_flag_t` -> `ObjectFlag`. `lv_result_t` is
/// `LvglResult` in Xila's guest, as `Result` would shadow Rust's.
fn guest_type_name(c_type: &str) -> String {
    if c_type == "lv_result_t" {
        return "LvglResult".into();
    }
    let stem = c_type.strip_prefix("lv_").and_then(|s| s.strip_suffix("_t"));
    let stem = stem.unwrap_or_else(|| panic!("constants.txt: C type {c_type:?} is not lv_*_t"));
    stem.split('_')
        .map(|word| match word {
            "obj" => "Object".to_string(),
            _ => word[..1].to_uppercase() + &word[1..],
        })
        .collect()
}

fn write_numbers(out: &mut String, functions: &[Function]) {
    out.push_str("/// Function numbers, Xila's (runtime/bindings/functions.txt).\npub mod function {\n");
    for f in functions {
        writeln!(out, "    pub const {}: u16 = {};", f.name.to_uppercase(), f.number).unwrap();
    }
    writeln!(out, "    /// How many functions there are: the first invalid number.\n    pub const COUNT: u16 = {};", functions.len()).unwrap();
    out.push_str("}\n\n");
    out.push_str("/// The functions the dispatcher refuses with error 3, with their arity.\npub const UNSUPPORTED: &[(u16, u8)] = &[\n");
    for f in functions.iter().filter(|f| f.unsupported.is_some()) {
        writeln!(out, "    ({}, {}),", f.number, f.parameters.len()).unwrap();
    }
    out.push_str("];\n\n");
    out.push_str("/// The arity of every function, by number.\npub const ARITY: &[u8] = &[");
    for f in functions {
        write!(out, "{},", f.parameters.len()).unwrap();
    }
    out.push_str("];\n\n");
}

/// The representation of an enumeration-like type: its C type's size (so its result slot is
/// the size docs/graphics-abi.md gives: `Opa` 1 byte, `State` 2, enumerations 4).
fn inner_type(name: &str) -> &'static str {
    match name {
        "Opa" | "StyleProp" => "u8",
        "State" => "u16",
        // `typedef bool lv_anim_enable_t` in LVGL 9.3.
        "AnimEnable" => "bool",
        _ => "u32",
    }
}

/// Every enumeration-like type: the bare type names of the table that are not value structs,
/// and every type of constants.txt.
fn enumeration_types(functions: &[Function], constants: &Constants) -> BTreeSet<String> {
    let mut types: BTreeSet<String> = constants.keys().filter(|k| *k != "define").cloned().collect();
    for f in functions {
        for ty in f.parameters.iter().map(|(_, t)| t).chain([&f.returns]) {
            let bare = ty.chars().all(|c| c.is_ascii_alphanumeric()) && ty.starts_with(|c: char| c.is_ascii_uppercase());
            if bare && !VALUE_TYPES.contains(&ty.as_str()) && ty != "ValuePrecise" {
                types.insert(ty.clone());
            }
        }
    }
    for value_type in VALUE_TYPES {
        if types.contains(value_type) {
            panic!("constants.txt lists values for {value_type}, which is not an enumeration");
        }
    }
    types
}

fn write_enumerations(out: &mut String, enumerations: &BTreeSet<String>, constants: &Constants) {
    for name in enumerations {
        let inner = inner_type(name);
        writeln!(out, "enumeration!({name}, {inner});").unwrap();
        let Some(values) = constants.get(name) else { continue };
        let prefix = common_prefix(name, values);
        writeln!(out, "impl {name} {{").unwrap();
        let mut seen = BTreeSet::new();
        for (c_name, value) in values {
            let mut member = c_name[prefix.len()..].to_string();
            if member.is_empty() || member.starts_with(|c: char| c.is_ascii_digit()) {
                // `LV_OPA_50` -> `Opa::OPA_50`: an identifier cannot start with a digit.
                let last_word = prefix.trim_end_matches('_').rsplit('_').next().unwrap();
                member = format!("{last_word}_{member}").trim_end_matches('_').to_string();
            }
            if !seen.insert(member.clone()) {
                panic!("constants.txt: {c_name} and another value of {name} both become {name}::{member}");
            }
            let literal = match inner {
                "bool" => match value {
                    0 => "false".to_string(),
                    1 => "true".to_string(),
                    _ => panic!("constants.txt: {c_name} = {value} is not a bool"),
                },
                "u8" => u8::try_from(*value).unwrap_or_else(|_| panic!("{c_name} = {value} is not a u8")).to_string(),
                "u16" => u16::try_from(*value).unwrap_or_else(|_| panic!("{c_name} = {value} is not a u16")).to_string(),
                // Negative C enumerators travel as their 32-bit two's complement.
                _ => {
                    let value = i32::try_from(*value)
                        .map(|v| v as u32)
                        .or_else(|_| u32::try_from(*value))
                        .unwrap_or_else(|_| panic!("{c_name} = {value} does not fit 32 bits"));
                    format!("{value:#x}")
                }
            };
            writeln!(out, "    /// `{c_name}`\n    pub const {member}: Self = Self({literal});").unwrap();
        }
        out.push_str("}\n");
    }
    for (c_name, value) in constants.get("define").into_iter().flatten() {
        let name = c_name.strip_prefix("LV_").unwrap_or(c_name);
        let ty = if i32::try_from(*value).is_ok() { "i32" } else { "i64" };
        writeln!(out, "/// `{c_name}`\npub const {name}: {ty} = {value};").unwrap();
    }
    out.push('\n');
}

/// The C prefix the values of `name` share: `LV_` and the C type's words (`LV_OBJ_FLAG_`),
/// shortened word by word until every value has it (`lv_style_prop_t` values are `LV_STYLE_*`).
fn common_prefix(name: &str, values: &[(String, i64)]) -> String {
    let c_words: Vec<String> = split_camel(name)
        .into_iter()
        .map(|w| if w == "OBJECT" { "OBJ".to_string() } else { w })
        .collect();
    let c_words = if name == "LvglResult" { vec!["RESULT".to_string()] } else { c_words };
    for length in (0..=c_words.len()).rev() {
        let prefix: String = std::iter::once("LV_".to_string()).chain(c_words[..length].iter().map(|w| format!("{w}_"))).collect();
        if values.iter().all(|(c_name, _)| c_name.starts_with(&prefix)) {
            return prefix;
        }
    }
    panic!("constants.txt: the values of {name} do not all start with LV_")
}

/// `ObjectFlag` -> `["OBJECT", "FLAG"]`; digits stay with their word (`Color32` -> `COLOR32`).
fn split_camel(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        words.last_mut().unwrap().push(c.to_ascii_uppercase());
    }
    words
}

/// How a parameter of a guest type is declared in a wrapper, and how it becomes an `i32`.
fn parameter(function: &Function, name: &str, ty: &str, enumerations: &BTreeSet<String>) -> (String, String) {
    let declared = |t: &str| format!("{name}: {t}");
    match ty {
        "*mut Object" | "*const Object" => (declared("Object"), format!("{name}.0 as i32")),
        "*mut ChartSeries" | "*const ChartSeries" => (declared("ChartSeries"), format!("{name}.0 as i32")),
        "*mut Style" => (declared("&mut Style"), format!("{name} as *mut Style as i32")),
        "*const Style" => (declared("&Style"), format!("{name} as *const Style as i32")),
        "*const core::ffi::c_char" => (declared("&CStr"), format!("{name}.as_ptr() as i32")),
        // An array of C strings (a button-matrix map ends with ""), copied by the host.
        "*const *const core::ffi::c_char" | "*mut *const core::ffi::c_char" => {
            (declared("&[*const c_char]"), format!("{name}.as_ptr() as i32"))
        }
        // One point or area in linear memory, which the host copies in (and back, for `*mut`).
        "*mut Point" | "*mut PointPrecise" | "*mut Area" => {
            (declared(&format!("&mut {}", &ty[5..])), format!("{name} as *mut {} as i32", &ty[5..]))
        }
        // A 4-byte slot the host fills with a style value's raw bytes.
        "*mut StyleValue" => (declared("&mut StyleValue"), format!("{name} as *mut StyleValue as i32")),
        "*const Point" | "*const PointPrecise" | "*const Area" => {
            (declared(&format!("&{}", &ty[7..])), format!("{name} as *const {} as i32", &ty[7..]))
        }
        "i32" | "ValuePrecise" => (declared(ty), name.to_string()),
        "bool" | "u32" | "u16" | "u8" | "usize" => (declared(ty), format!("{name} as i32")),
        "Color" | "Color32" | "Color16" | "StyleValue" => (declared(ty), format!("{name}.0 as i32")),
        // A selector is a part and a state OR-ed: `Part::MAIN`, `State::PRESSED`, or both.
        "StyleSelector" => (declared("impl Into<StyleSelector>"), format!("{name}.into().0 as i32")),
        _ if enumerations.contains(ty) => (declared(ty), format!("{name}.0 as i32")),
        _ => panic!(
            "function {} {} is supported, but its parameter `{name}: {ty}` is not in docs/graphics-abi.md",
            function.number, function.name
        ),
    }
}

/// The Rust type of a result, its slot's size, and how it is read from the slot (`slot`, 8
/// bytes, zeroed, 4-aligned).
fn result(function: &Function, enumerations: &BTreeSet<String>) -> (String, usize, String) {
    let u32_at = "u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]])";
    let i32_at = |offset: usize| {
        format!("i32::from_le_bytes([slot[{}], slot[{}], slot[{}], slot[{}]])", offset, offset + 1, offset + 2, offset + 3)
    };
    let ty = function.returns.as_str();
    let (rust, size, read) = match ty {
        "()" => ("()".to_string(), 0, String::new()),
        "bool" => ("bool".into(), 1, "slot[0] != 0".into()),
        "u8" => ("u8".into(), 1, "slot[0]".into()),
        "u16" => ("u16".into(), 2, "u16::from_le_bytes([slot[0], slot[1]])".into()),
        "i32" | "ValuePrecise" => (ty.into(), 4, i32_at(0)),
        "u32" => ("u32".into(), 4, u32_at.into()),
        "usize" => ("usize".into(), 4, format!("{u32_at} as usize")),
        "Color32" | "StyleValue" => (ty.into(), 4, format!("{ty}({u32_at})")),
        // 3 bytes, blue first: 0xRRGGBB as a little-endian u24 (never 4: the host must not
        // write a fourth byte, which may be past the end of memory).
        "Color" => ("Color".into(), 3, "Color(u32::from_le_bytes([slot[0], slot[1], slot[2], 0]))".into()),
        "*mut Object" => ("Object".into(), 4, format!("Object::from_slot({u32_at})")),
        "*mut ChartSeries" => ("ChartSeries".into(), 4, format!("ChartSeries({u32_at})")),
        "Point" | "PointPrecise" => (ty.into(), 8, format!("{ty} {{ x: {}, y: {} }}", i32_at(0), i32_at(4))),
        _ if enumerations.contains(ty) => {
            let read = match inner_type(ty) {
                "u8" => format!("{ty}(slot[0])"),
                "u16" => format!("{ty}(u16::from_le_bytes([slot[0], slot[1]]))"),
                "bool" => format!("{ty}(slot[0] != 0)"),
                _ => format!("{ty}({u32_at})"),
            };
            let size = match inner_type(ty) {
                "u8" | "bool" => 1,
                "u16" => 2,
                _ => 4,
            };
            (ty.into(), size, read)
        }
        _ => panic!(
            "function {} {} is supported, but its result type {ty} is not in docs/graphics-abi.md",
            function.number, function.name
        ),
    };
    (rust, size, read)
}

fn write_wrappers(out: &mut String, functions: &[Function], enumerations: &BTreeSet<String>) {
    for f in functions.iter().filter(|f| f.unsupported.is_none() && !EXTRAS.contains(&f.name.as_str())) {
        let (declarations, values): (Vec<_>, Vec<_>) =
            f.parameters.iter().map(|(name, ty)| parameter(f, name, ty, enumerations)).unzip();
        let (rust, size, read) = result(f, enumerations);
        let signature: Vec<String> = f.parameters.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let convert = if size == 0 { "map(drop)".to_string() } else { format!("map(|slot| {read})") };
        writeln!(
            out,
            "/// {} `({}) -> {}`\npub fn {}({}) -> Result<{rust}, Error> {{\n    call(function::{}, &[{}], {size}).{convert}\n}}\n",
            f.number,
            signature.join(", "),
            f.returns,
            f.name,
            declarations.join(", "),
            f.name.to_uppercase(),
            values.join(", "),
        )
        .unwrap();
    }
}
