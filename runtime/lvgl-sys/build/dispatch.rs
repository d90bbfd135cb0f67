//! The dispatcher's marshalling code, generated from the table: for every function, how each
//! guest value is checked and converted before LVGL runs, how the result is written back, or
//! why the function is refused (error 3). docs/graphics-abi.md is the contract this follows.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::table::{last_ident, Api, Function, EXTRAS};

/// How one parameter travels.
#[derive(Clone, Debug)]
enum Kind {
    /// An integer that must fit the C type (a Rust primitive name).
    Int(&'static str),
    /// One of an enumeration's values, or for a flag set any combination of its bits.
    Enum(String),
    Bool,
    /// An object handle; with the class the object must have.
    Object(Option<String>),
    /// A NUL-terminated UTF-8 string that LVGL copies.
    Str,
    /// The format of a variadic function, called without arguments: text without conversions.
    Format,
    /// A style, named by the guest's address; the host's own copy is passed.
    Style,
    Color,
    Color32,
    Color16,
    /// A style value for the property in parameter `prop`.
    StyleValue(usize),
    /// Where LVGL writes a style value of the property in parameter `prop`: a 4-byte slot in
    /// linear memory that gets the value's raw bytes, never an address.
    StyleValueOut(usize),
    /// A series handle of the chart in parameter 0; `true`: 0 means NULL.
    Series(bool),
    /// `lv_buttonmatrix_set_map`'s map, copied into memory the instance owns.
    ButtonMap,
    /// A pointer to one point or area (plain `int32_t` fields, laid out alike in the guest and
    /// on every host): copied in from linear memory, passed as a host copy, and, when LVGL may
    /// write it (`*mut`), copied back after the call. The C type's name.
    Plain(String, bool),
}

/// How a result travels.
#[derive(Clone, Debug)]
enum Ret {
    Void,
    /// An integer of the C type, written in the guest type's size.
    Int(&'static str),
    /// An enumeration: 4 bytes, as a C enum is on wasm32.
    Enum,
    Bool,
    Object,
    Color,
    Color32,
    /// A series of the chart in parameter 0 (0 for NULL); `true`: just created.
    Series(bool),
    /// A point returned by value: its bytes, as laid out in the guest.
    Plain(String),
    /// A style value of the property in parameter `prop`: its raw 4 bytes, never an address.
    StyleValue(usize),
}

/// Structures whose fields are all `int32_t`: the same bytes in the guest (wasm32) and on every
/// target, so they travel by copy.
const PLAIN: &[&str] = &["lv_point_t", "lv_area_t", "lv_point_precise_t"];

/// A marshalled function: how each parameter and the result travel.
pub struct Plan {
    params: Vec<Kind>,
    ret: Ret,
}

/// Functions whose string LVGL keeps a pointer to instead of copying it: the guest could change
/// the text under LVGL's feet, or free it.
const KEEPS_STRING: &[&str] = &["lv_dropdown_set_text", "lv_textarea_set_accepted_chars"];

/// Changes to the object tree, checked by the runtime before LVGL makes them (`Restructure` in
/// src/lib.rs): the C function and the check's expression.
const RESTRUCTURES: &[(&str, &str)] = &[
    ("lv_obj_set_parent", "Restructure::Reparent(p0, p1)"),
    ("lv_obj_swap", "Restructure::Swap(p0, p1)"),
    ("lv_obj_move_to_index", "Restructure::Move(p0)"),
    ("lv_obj_clean", "Restructure::Clean(p0)"),
];

fn primitive(name: &str) -> Option<&'static str> {
    Some(match name {
        "i8" | "c_schar" => "i8",
        "u8" | "c_uchar" | "c_char" => "u8",
        "i16" | "c_short" => "i16",
        "u16" | "c_ushort" => "u16",
        "i32" | "c_int" => "i32",
        "u32" | "c_uint" => "u32",
        "usize" => "usize",
        _ => return None,
    })
}

/// Follows aliases to a name the dispatcher knows, stopping at enumerations.
fn resolve(api: &Api, ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    for _ in 0..16 {
        let Some(name) = last_ident(&ty) else { break };
        if api.enumeration(&name).is_some()
            || matches!(name.as_str(), "lv_obj_t" | "lv_color_t" | "lv_color32_t" | "lv_color16_t" | "lv_style_value_t" | "lv_style_t" | "lv_chart_series_t" | "c_char")
        {
            break;
        }
        match api.aliases.get(&name) {
            Some(next) => ty = next.clone(),
            None => break,
        }
    }
    ty
}

fn kind_of(api: &Api, ty: &syn::Type) -> Result<Kind, String> {
    let ty = resolve(api, ty);
    match &ty {
        syn::Type::Ptr(pointer) => {
            let inner = resolve(api, &pointer.elem);
            let constant = pointer.const_token.is_some();
            match last_ident(&inner).as_deref() {
                Some("lv_obj_t" | "_lv_obj_t") => Ok(Kind::Object(None)),
                Some("lv_style_t") => Ok(Kind::Style),
                Some("lv_chart_series_t") => Ok(Kind::Series(false)),
                Some("c_char") if constant => Ok(Kind::Str),
                Some("lv_style_value_t") if !constant => Ok(Kind::StyleValueOut(usize::MAX)),
                Some(name) if PLAIN.contains(&name) => Ok(Kind::Plain(name.to_string(), !constant)),
                _ => Err(format!("a pointer to {}", crate::table::xila_type(&pointer.elem))),
            }
        }
        syn::Type::Path(_) => {
            let name = last_ident(&ty).unwrap_or_default();
            if api.enumeration(&name).is_some() {
                return Ok(Kind::Enum(name));
            }
            match name.as_str() {
                "bool" => Ok(Kind::Bool),
                "lv_color_t" => Ok(Kind::Color),
                "lv_color32_t" => Ok(Kind::Color32),
                "lv_color16_t" => Ok(Kind::Color16),
                "lv_style_value_t" => Ok(Kind::StyleValue(usize::MAX)),
                name if PLAIN.contains(&name) => Ok(Kind::Plain(name.to_string(), false)),
                other => primitive(other).map(Kind::Int).ok_or_else(|| format!("a {} by value", crate::table::xila_type(&ty))),
            }
        }
        other => Err(format!("type {}", crate::table::xila_type(other))),
    }
}

fn ret_of(api: &Api, output: Option<&syn::Type>) -> Result<Ret, String> {
    let Some(ty) = output else { return Ok(Ret::Void) };
    Ok(match kind_of(api, ty).map_err(|why| format!("returns {why}"))? {
        Kind::Int(primitive) => Ret::Int(primitive),
        Kind::Enum(_) => Ret::Enum,
        Kind::Bool => Ret::Bool,
        Kind::Object(_) => Ret::Object,
        Kind::Color => Ret::Color,
        Kind::Color32 => Ret::Color32,
        Kind::Series(_) => Ret::Series(false),
        Kind::Plain(name, _) if !matches!(ty, syn::Type::Ptr(_)) => Ret::Plain(name),
        Kind::Plain(..) => return Err("returns a pointer into LVGL's memory".into()),
        Kind::Str | Kind::Format => return Err("returns a host string".into()),
        Kind::StyleValue(_) => Ret::StyleValue(usize::MAX),
        other => return Err(format!("returns {other:?}")),
    })
}

/// The widget family whose functions take that widget first (LVGL casts it without checking).
fn family_class(api: &Api, c: &str) -> Option<String> {
    let family = c.strip_prefix("lv_")?.split('_').next()?;
    if matches!(family, "obj" | "style" | "color" | "point" | "coord" | "screen" | "subject") {
        return None;
    }
    let symbol = format!("lv_{family}_class");
    api.statics.contains(&symbol).then_some(symbol)
}

/// How `function`'s values travel, or why the dispatcher refuses it (error 3; the reason goes
/// into functions.txt).
pub fn plan(api: &Api, function: &Function) -> Result<Plan, String> {
    let variadic = function.variadic;
    let Some(c) = function.c.as_deref() else { return Ok(Plan { params: Vec::new(), ret: Ret::Void }) };
    if KEEPS_STRING.contains(&c) || c.contains("_static") {
        return Err("LVGL keeps the guest's pointer".into());
    }
    if c == "lv_obj_remove_event" {
        // By index it reaches the proxy's own DELETE handler, which retires handles.
        return Err("it could remove the handler that retires deleted objects' handles".into());
    }
    let mut params = Vec::new();
    for (index, (name, ty)) in function.params.iter().enumerate() {
        let mut kind = if c == "lv_buttonmatrix_set_map" && name == "map" {
            Kind::ButtonMap
        } else {
            kind_of(api, ty).map_err(|why| format!("parameter {name} is {why}"))?
        };
        if matches!(kind, Kind::Plain(..)) && !matches!(resolve(api, ty), syn::Type::Ptr(_)) {
            return Err(format!("parameter {name} is a structure by value"));
        }
        match &mut kind {
            Kind::Object(class) => {
                if index == 0 && !c.ends_with("_create") {
                    *class = family_class(api, c);
                }
                if name == "page" && c.starts_with("lv_menu_") {
                    *class = Some("lv_menu_page_class".into());
                }
                if name == "ta" {
                    *class = Some("lv_textarea_class".into());
                }
                if let Some(symbol) = class {
                    if !api.statics.contains(symbol.as_str()) {
                        return Err(format!("no class {symbol} to check"));
                    }
                }
            }
            Kind::Str if variadic => kind = Kind::Format,
            Kind::StyleValue(prop) | Kind::StyleValueOut(prop) => {
                *prop = function.params.iter().position(|(name, _)| name == "prop").ok_or("a style value without its property")?;
            }
            Kind::Series(nullable) => *nullable = c == "lv_chart_get_series_next" && name == "ser",
            // One element is copied: arrays, whose length another parameter gives, are not.
            Kind::Plain(ty, _) if c.contains("array") || name == "points" => {
                return Err(format!("parameter {name} is an array of {ty}"));
            }
            _ => {}
        }
        params.push(kind);
    }
    if variadic && !params.iter().any(|kind| matches!(kind, Kind::Format)) {
        return Err("variadic".into());
    }
    let mut ret = ret_of(api, function.output.as_ref())?;
    if let Ret::StyleValue(prop) = &mut ret {
        *prop = function.params.iter().position(|(name, _)| name == "prop").ok_or("returns a style value without its property")?;
    }
    if let Ret::Series(fresh) = &mut ret {
        *fresh = c == "lv_chart_add_series";
    }
    // A series is checked against the chart it is passed with: parameter 0, class-checked.
    let has_series = matches!(ret, Ret::Series(_)) || params.iter().any(|kind| matches!(kind, Kind::Series(_)));
    if has_series && !matches!(params.first(), Some(Kind::Object(Some(class))) if class == "lv_chart_class") {
        return Err("a series outside a chart function".into());
    }
    if params.len() > 7 {
        return Err(format!("{} parameters (at most 7)", params.len()));
    }
    Ok(Plan { params, ret })
}

/// Whether an enumeration is a set of flags (its values combine bits of its single-bit values).
fn is_flag_set(values: &[(String, i64)]) -> bool {
    let bits: i64 = values.iter().map(|(_, v)| *v).filter(|v| *v > 0 && v & (v - 1) == 0).fold(0, |a, v| a | v);
    bits.count_ones() >= 3 && values.iter().all(|(_, v)| *v >= 0 && v & !bits == 0)
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The dispatcher: constants, the per-enumeration checks, and `call`.
pub fn render(api: &Api, list: &[Function], plans: &[Result<Plan, String>]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/// Functions in the table; numbers run from 0 to this - 1.\npub const FUNCTION_COUNT: u32 = {};", list.len());
    let supported = plans.iter().filter(|plan| plan.is_ok()).count();
    let _ = writeln!(out, "/// Functions whose signature the dispatcher marshals (the extras included).\npub const SUPPORTED_COUNT: u32 = {supported};");
    out.push_str("/// Guest names, by number.\npub static NAMES: [&str; FUNCTION_COUNT as usize] = [\n");
    for function in list {
        let _ = writeln!(out, "    {:?},", function.guest);
    }
    out.push_str("];\n\n");

    // One check per enumeration that a supported function takes.
    let mut enums = BTreeSet::new();
    for plan in plans.iter().flatten() {
        for kind in &plan.params {
            if let Kind::Enum(name) = kind {
                enums.insert(name.clone());
            }
        }
    }
    for name in &enums {
        let values = api.enumeration(name).unwrap_or_default();
        let _ = writeln!(out, "/// A value of `{name}` (LVGL 9.3), else `InvalidArgument`.\n#[allow(non_snake_case)]\nfn enum_{name}(raw: u32) -> Result<{name}, Error> {{");
        if is_flag_set(values) {
            let mask = values.iter().fold(0i64, |a, (_, v)| a | v);
            let _ = writeln!(out, "    if u64::from(raw) & !{mask}u64 == 0 {{ Ok(raw as _) }} else {{ Err(Error::InvalidArgument) }}\n}}");
        } else {
            let set: BTreeSet<i64> = values.iter().map(|(_, v)| *v).collect();
            let arms: Vec<String> = set.iter().map(|v| v.to_string()).collect();
            let _ = writeln!(
                out,
                "    match i64::from(raw as i32) {{ {} => Ok(raw as _), _ => Err(Error::InvalidArgument) }}\n}}",
                arms.join(" | ")
            );
        }
    }

    render_style_values(api, &mut out);
    out.push_str(
        "\n/// Checks, converts and calls function `function`. Every check happens before LVGL runs.\n\
         #[allow(unused_unsafe, unused_variables, clippy::all)]\n\
         pub fn call<M: Marshal>(m: &mut M, function: u32, a: &[u32; 7], count: u32, result: u32) -> Result<(), Error> {\n\
         \x20   if count > 7 { return Err(Error::ArgumentCount); }\n\
         \x20   match function {\n",
    );
    for (number, (function, plan)) in list.iter().zip(plans).enumerate() {
        let Some(c) = function.c.as_deref() else {
            let arity = extra_arity(&function.guest);
            let _ = writeln!(
                out,
                "        {number} => {{ arity(count, {arity})?; m.extra(Extra::{}, a, result) }}",
                camel(&function.guest)
            );
            continue;
        };
        let arity = function.params.len();
        let Ok(plan) = plan else {
            let _ = writeln!(out, "        {number} => {{ arity(count, {arity})?; Err(Error::UnsupportedFunction) }}");
            continue;
        };
        let _ = writeln!(out, "        {number} => {{ // {c}\n            arity(count, {arity})?;");
        let mut call_args = Vec::new();
        // Copies of plain structures LVGL may have written, back to linear memory.
        let mut copy_back: Vec<String> = Vec::new();
        for (i, kind) in plan.params.iter().enumerate() {
            // How LVGL gets the converted value: by value, unless the arm says otherwise.
            let mut arg = format!("p{i}");
            let line = match kind {
                Kind::Int(primitive) => {
                    arg = format!("p{i} as _");
                    format!("let p{i}: {primitive} = int(a[{i}])?;")
                }
                Kind::Enum(name) => {
                    format!("let p{i} = enum_{name}(a[{i}])?;")
                }
                Kind::Bool => {
                    format!("let p{i} = boolean(a[{i}])?;")
                }
                Kind::Object(class) => {
                    match class {
                        Some(class) => format!("let p{i} = m.object(a[{i}], Some(unsafe {{ core::ptr::addr_of!({class}) }}))?;"),
                        None => format!("let p{i} = m.object(a[{i}], None)?;"),
                    }
                }
                Kind::Str => {
                    format!("let p{i} = m.string(a[{i}])?;")
                }
                Kind::Format => {
                    format!("let p{i} = m.format(a[{i}])?;")
                }
                Kind::Style => {
                    let init = c == "lv_style_init" && i == 0;
                    format!("let p{i} = m.style(a[{i}], {init})?;")
                }
                Kind::Color => {
                    format!("let p{i} = color(a[{i}])?;")
                }
                Kind::Color32 => {
                    format!("let p{i} = color32(a[{i}]);")
                }
                Kind::Color16 => {
                    format!("let p{i} = color16(a[{i}])?;")
                }
                Kind::StyleValue(prop) => {
                    format!("let p{i} = style_value(a[{prop}], a[{i}])?;")
                }
                Kind::Series(nullable) => {
                    if *nullable {
                        format!("let p{i} = if a[{i}] == 0 {{ core::ptr::null_mut() }} else {{ m.series(p0, a[{i}])? }};")
                    } else {
                        format!("let p{i} = m.series(p0, a[{i}])?;")
                    }
                }
                Kind::ButtonMap => {
                    format!("let p{i} = m.button_map(p0, a[{i}])?;")
                }
                Kind::StyleValueOut(prop) => {
                    arg = format!("&mut p{i}");
                    copy_back.push(format!("m.write(slot{i}, &style_value_bytes(a[{prop}], &p{i})?)?;"));
                    format!(
                        "style_value_bytes(a[{prop}], &unsafe {{ core::mem::zeroed() }})?;\n            \
                         let slot{i} = m.result(a[{i}], 4)?;\n            \
                         // SAFETY: all-zero is a valid union value, which LVGL may overwrite.\n            \
                         let mut p{i}: lv_style_value_t = unsafe {{ core::mem::zeroed() }};"
                    )
                }
                Kind::Plain(ty, writable) => {
                    arg = if *writable { format!("&mut p{i}") } else { format!("&p{i}") };
                    if *writable {
                        copy_back.push(format!("unsafe {{ core::ptr::write_unaligned(at{i}.cast::<{ty}>(), p{i}) }};"));
                    }
                    format!(
                        "let at{i} = m.plain(a[{i}], core::mem::size_of::<{ty}>() as u32)?;\n            \
                         let {}p{i}: {ty} = unsafe {{ core::ptr::read_unaligned(at{i}.cast::<{ty}>()) }};",
                        if *writable { "mut " } else { "" }
                    )
                }
            };
            call_args.push(arg);
            let _ = writeln!(out, "            {line}");
        }
        if let Some((_, change)) = RESTRUCTURES.iter().find(|(name, _)| *name == c) {
            let _ = writeln!(out, "            m.restructure({change})?;");
        }
        let call = if copy_back.is_empty() {
            format!("unsafe {{ {c}({}) }}", call_args.join(", "))
        } else {
            format!("{{ let r = unsafe {{ {c}({}) }}; {} r }}", call_args.join(", "), copy_back.join(" "))
        };
        let tail = match &plan.ret {
            Ret::Void => format!("{call};\n            Ok(())"),
            Ret::Int(primitive) => {
                // usize is 4 bytes in the guest (wasm32), whatever the host's size.
                let (guest, size) = match *primitive {
                    "usize" => ("u32", 4),
                    "i8" | "u8" => (*primitive, 1),
                    "i16" | "u16" => (*primitive, 2),
                    other => (other, 4),
                };
                format!(
                    "let slot = m.result(result, {size})?;\n            let r = {call};\n            m.write(slot, &(r as {guest}).to_le_bytes())"
                )
            }
            Ret::Enum => format!("let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write(slot, &(r as u32).to_le_bytes())"),
            Ret::Bool => format!("let slot = m.result(result, 1)?;\n            let r = {call};\n            m.write(slot, &[r as u8])"),
            Ret::Object => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write_object(slot, r, {})",
                c.ends_with("_create")
            ),
            Ret::Color => format!(
                "let slot = m.result(result, 3)?;\n            let r = {call};\n            m.write(slot, &[r.blue, r.green, r.red])"
            ),
            Ret::Color32 => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write(slot, &[r.blue, r.green, r.red, r.alpha])"
            ),
            Ret::StyleValue(prop) => format!(
                "style_value_bytes(a[{prop}], &unsafe {{ core::mem::zeroed() }})?;\n            \
                 let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write(slot, &style_value_bytes(a[{prop}], &r)?)"
            ),
            Ret::Plain(ty) => format!(
                "let slot = m.result(result, core::mem::size_of::<{ty}>() as u32)?;\n            let r = {call};\n            \
                 m.write(slot, unsafe {{ core::slice::from_raw_parts((&r as *const {ty}).cast::<u8>(), core::mem::size_of::<{ty}>()) }})"
            ),
            Ret::Series(fresh) => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write_series(slot, p0, r, {fresh})"
            ),
        };
        let _ = writeln!(out, "            {tail}\n        }}");
    }
    out.push_str("        _ => Err(Error::InvalidFunction),\n    }\n}\n");
    out
}

/// The arity of one of Xila's extras, from its signature in the table.
fn extra_arity(name: &str) -> usize {
    let signature = EXTRAS.iter().find(|(extra, _)| *extra == name).map(|(_, signature)| *signature).unwrap_or("()");
    let params = signature.split(") ->").next().unwrap_or("").trim_start_matches('(');
    params.split(", ").filter(|param| !param.is_empty()).count()
}

/// `style_value(prop, raw)`: a style property's value from its 4 raw bytes, by the type of the
/// property's setter in LVGL 9.3 (`lv_style_set_bg_color` takes an `lv_color_t`: a colour;
/// `lv_style_set_text_font` a pointer: refused, as is a property without a setter).
fn render_style_values(api: &Api, out: &mut String) {
    let properties = api.anonymous.get("lv_style_prop_t").cloned().unwrap_or_default();
    let (mut colours, mut numbers) = (Vec::new(), Vec::new());
    for signature in &api.functions {
        let c = signature.ident.to_string();
        let Some(property) = c.strip_prefix("lv_style_set_") else { continue };
        let Some(syn::FnArg::Typed(value)) = signature.inputs.iter().nth(1) else { continue };
        let constant = format!("LV_STYLE_{}", property.to_uppercase());
        let Some((_, id)) = properties.iter().find(|(name, _)| *name == constant) else { continue };
        match kind_of(api, &value.ty) {
            Ok(Kind::Color) => colours.push(*id),
            Ok(Kind::Int(_) | Kind::Enum(_) | Kind::Bool) => numbers.push(*id),
            _ => {}
        }
    }
    let arms = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(
        out,
        "/// A style value for property `prop` from its raw 4 bytes: numbers and colours (`0xRRGGBB`)\n\
         /// only; a property that holds an address, or an unknown one, is refused.\n\
         pub fn style_value(prop: u32, raw: u32) -> Result<lv_style_value_t, Error> {{\n\
         \x20   // SAFETY: all-zero is a valid union value; one member is then set.\n\
         \x20   let mut value: lv_style_value_t = unsafe {{ core::mem::zeroed() }};\n\
         \x20   match prop {{\n\
         \x20       {} => value.color = color(raw)?,\n\
         \x20       {} => value.num = raw as i32,\n\
         \x20       _ => return Err(Error::StyleValueAddress),\n\
         \x20   }}\n\
         \x20   Ok(value)\n}}\n\n\
         /// The raw 4 bytes of a value of property `prop` for the guest: a colour as `0xRRGGBB`, a\n\
         /// number as itself; a property that holds an address, or an unknown one, is refused.\n\
         pub fn style_value_bytes(prop: u32, value: &lv_style_value_t) -> Result<[u8; 4], Error> {{\n\
         \x20   // SAFETY: the member read is the one the property's type says LVGL set.\n\
         \x20   match prop {{\n\
         \x20       {} => {{ let c = unsafe {{ value.color }}; Ok([c.blue, c.green, c.red, 0]) }}\n\
         \x20       {} => Ok(unsafe {{ value.num }}.to_le_bytes()),\n\
         \x20       _ => Err(Error::StyleValueAddress),\n\
         \x20   }}\n}}",
        arms(&colours),
        arms(&numbers),
        arms(&colours),
        arms(&numbers)
    );
}
