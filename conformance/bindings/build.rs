//! Generates the guest's function numbers and typed wrappers from the dispatcher's list,
//! runtime/bindings/functions.txt (the same list the runtime is generated from).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let list = manifest.join("../../runtime/bindings/functions.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let text = std::fs::read_to_string(&list).expect("runtime/bindings/functions.txt");
    let mut numbers = String::from("/// Function numbers, from runtime/bindings/functions.txt.\npub mod function {\n");
    let mut wrappers = String::from("/// Typed wrappers of the supported functions.\npub mod wrappers {\n    use super::*;\n");
    let mut count = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut fields = line.splitn(5, ' ');
        let number: u16 = fields.next().unwrap().parse().unwrap();
        let name = fields.next().unwrap();
        let c = fields.next().unwrap();
        let _arity = fields.next().unwrap();
        let signature = fields.next().unwrap();
        count = count.max(number);
        writeln!(numbers, "    pub const {}: u16 = {number};", name.to_uppercase()).unwrap();
        if c == "xila" || signature.contains("unsupported") {
            continue;
        }
        let (params, ret) = signature.split_once(" -> ").unwrap();
        let params = params.trim_start_matches('(').trim_end_matches(')');
        let mut args = Vec::new();
        let mut values = Vec::new();
        for param in params.split(", ").filter(|p| !p.is_empty()) {
            let (pname, kind) = param.split_once(": ").unwrap();
            let pname = format!("{pname}_");
            let (ty, value) = match kind {
                "object" => ("Object", format!("{pname}.0 as i32")),
                "series" => ("Series", format!("{pname}.0 as i32")),
                "series_or_null" => ("Option<Series>", format!("{pname}.map_or(0, |s| s.0) as i32")),
                "string" => ("&core::ffi::CStr", format!("{pname}.as_ptr() as i32")),
                "bool" => ("bool", format!("{pname} as i32")),
                "color" => ("u32", format!("{pname} as i32")),
                _ => ("i32", pname.clone()),
            };
            args.push(format!("{pname}: {ty}"));
            values.push(value);
        }
        let (ret_ty, size) = match ret {
            "void" => ("()", 0),
            "object" => ("Object", 4),
            "series" => ("Option<Series>", 4),
            "bool" => ("bool", 1),
            "color" => ("u32", 4),
            "i8" | "u8" => ("i32", 1),
            "i16" | "u16" => ("i32", 2),
            _ => ("i32", 4),
        };
        let convert = match (ret, size) {
            ("void", _) => "()".to_string(),
            ("object", _) => "Object(u32::from_le_bytes(out))".into(),
            ("series", _) => "Some(Series(u32::from_le_bytes(out))).filter(|s| s.0 != 0)".into(),
            ("bool", _) => "out[0] != 0".into(),
            ("color", _) => "u32::from_le_bytes(out)".into(),
            ("u32", _) => "u32::from_le_bytes(out) as i32".into(),
            ("i8", _) => "out[0] as i8 as i32".into(),
            ("u8", _) => "out[0] as i32".into(),
            ("i16", _) => "i16::from_le_bytes([out[0], out[1]]) as i32".into(),
            ("u16", _) => "u16::from_le_bytes([out[0], out[1]]) as i32".into(),
            _ => "i32::from_le_bytes(out)".into(),
        };
        writeln!(
            wrappers,
            "    pub fn {name}({}) -> Result<{ret_ty}, Error> {{\n        let out = call(function::{}, &[{}], {size})?;\n        let _ = out;\n        Ok({convert})\n    }}",
            args.join(", "),
            name.to_uppercase(),
            values.join(", ")
        )
        .unwrap();
    }
    writeln!(numbers, "    /// The highest function number.\n    pub const COUNT: u16 = {count};\n}}").unwrap();
    wrappers.push_str("}\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("functions.rs");
    std::fs::write(out, numbers + &wrappers).unwrap();
}
