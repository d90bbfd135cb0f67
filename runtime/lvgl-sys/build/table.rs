//! Xila's function table, made from LVGL's bindings with the rules of Xila's own binding
//! generator (../shared/xila-abi/README.md): which functions, in which order, under which
//! guest names and guest types. The result is the ABI that Xila's applications are compiled
//! against; runtime/bindings/functions.txt keeps it in review.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// What the dispatcher generator needs from LVGL's bindings.
pub struct Api {
    pub aliases: HashMap<String, syn::Type>,
    pub functions: Vec<syn::Signature>,
    pub statics: BTreeSet<String>,
    /// Enumeration constants by their type's name (bindgen's "consts" style:
    /// `pub const lv_dir_t_LV_DIR_LEFT: lv_dir_t = 1;`), in declaration order.
    pub constants: BTreeMap<String, Vec<(String, i64)>>,
    /// Values LVGL declares in anonymous enumerations beside an integer typedef (`LV_OPA_50`
    /// for `lv_opa_t`), by that typedef: for the guest's names only, never a check (an opacity
    /// may be any byte).
    pub anonymous: BTreeMap<String, Vec<(String, i64)>>,
    /// `LV_COORD_MAX`, from which LVGL 9 builds its special coordinates.
    pub coord_max: Option<i64>,
}

/// Anonymous enumerations by the prefix of their names, and the typedef they give values to.
const ANONYMOUS: &[(&str, &str)] =
    &[("LV_STYLE_", "lv_style_prop_t"), ("LV_STATE_", "lv_state_t"), ("LV_PART_", "lv_part_t"), ("LV_OPA_", "lv_opa_t")];

impl Api {
    pub fn parse(raw: &str) -> Result<Api, String> {
        let file = syn::parse_file(raw).map_err(|error| format!("cannot parse LVGL's bindings: {error}"))?;
        let mut api = Api {
            aliases: HashMap::new(),
            functions: Vec::new(),
            statics: BTreeSet::new(),
            constants: BTreeMap::new(),
            anonymous: BTreeMap::new(),
            coord_max: None,
        };
        for item in file.items {
            match item {
                syn::Item::Type(alias) => {
                    api.aliases.insert(alias.ident.to_string(), *alias.ty);
                }
                syn::Item::Const(constant) => {
                    let (Some(ty), Some(value)) = (last_ident(&constant.ty), integer(&constant.expr)) else { continue };
                    let name = constant.ident.to_string();
                    if name == "LV_COORD_MAX" {
                        api.coord_max = Some(value);
                    }
                    if ty.starts_with("_bindgen_ty_") {
                        if let Some((_, typedef)) = ANONYMOUS.iter().find(|(prefix, _)| name.starts_with(prefix)) {
                            api.anonymous.entry(typedef.to_string()).or_default().push((name, value));
                        }
                        continue;
                    }
                    if let Some(variant) = name.strip_prefix(&format!("{ty}_")) {
                        api.constants.entry(ty).or_default().push((variant.to_string(), value));
                    }
                }
                syn::Item::ForeignMod(block) => {
                    for item in block.items {
                        match item {
                            syn::ForeignItem::Fn(function) => api.functions.push(function.sig),
                            syn::ForeignItem::Static(item) => {
                                api.statics.insert(item.ident.to_string());
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(api)
    }

    /// The values of enumeration `name` (an alias such as `lv_dir_t`, or the `_lv_dir_t` it
    /// names), or `None` if it is not an enumeration.
    pub fn enumeration(&self, name: &str) -> Option<&[(String, i64)]> {
        let mut name = name.to_string();
        for _ in 0..8 {
            if let Some(values) = self.constants.get(&name) {
                return Some(values);
            }
            name = last_ident(self.aliases.get(&name)?)?;
        }
        None
    }
}

fn integer(expr: &syn::Expr) -> Option<i64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(value), .. }) => value.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => integer(expr).map(|v| -v),
        syn::Expr::Paren(inner) => integer(&inner.expr),
        syn::Expr::Cast(cast) => integer(&cast.expr),
        _ => None,
    }
}

pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// One entry of the table.
pub struct Function {
    /// The guest's name (`object_set_width`).
    pub guest: String,
    /// LVGL's function, or `None` for one of Xila's extras.
    pub c: Option<String>,
    /// Parameters as bindgen declares them.
    pub params: Vec<(String, syn::Type)>,
    /// The return type; `None` for `()`.
    pub output: Option<syn::Type>,
    /// The guest's signature as Xila's generator writes it: `(obj: *mut Object) -> i32`.
    pub signature: String,
    /// C varargs follow the parameters (`lv_label_set_text_fmt`); Xila passes none.
    pub variadic: bool,
}

/// The C name prefixes whose functions Xila exposes (rule 1).
const PREFIXES: &[&str] = &[
    "lv_point_", "lv_color", "lv_label", "lv_style_", "lv_obj_", "lv_arc_", "lv_coord_", "lv_button_",
    "lv_buttonmatrix_", "lv_calendar_", "lv_chart_", "lv_checkbox_", "lv_dropdown_", "lv_led_", "lv_line_",
    "lv_menu_", "lv_msgbox_", "lv_roller_", "lv_scale_", "lv_slider_", "lv_textarea_", "lv_spinbox_",
    "lv_table_", "lv_tabview_", "lv_tileview_", "lv_subject_", "lv_screen_",
];

/// Left out by name (rule 2): deletion goes through the extra `object_delete`, text through
/// `textarea_get_text`.
const LEFT_OUT: &[&str] = &[
    "lv_obj_delete", "lv_obj_get_display", "lv_obj_delete_delayed", "lv_obj_delete_async",
    "lv_obj_null_on_delete", "lv_buttonmatrix_get_map", "lv_textarea_get_text", "lv_obj_get_layer_type",
];

/// Xila's ten extras (rule 4), with their guest signatures.
pub const EXTRAS: &[(&str, &str)] = &[
    ("object_delete", "(object: u16) -> ()"),
    ("percentage", "(value: i32) -> i32"),
    ("textarea_get_text", "(textarea: *mut Object, buffer: *mut i8, buffer_size: usize) -> i32"),
    ("textarea_get_text_length", "(textarea: *mut Object) -> i32"),
    ("window_create", "() -> *mut Object"),
    ("window_get_event_code", "(window: *mut Object) -> u32"),
    ("window_get_event_target", "(window: *mut Object) -> u16"),
    ("window_next_event", "(window: *mut Object) -> ()"),
    ("window_pop_event", "(window: *mut Object, code: *mut u32, target: *mut c_void) -> ()"),
    ("window_set_icon", "(window: *mut Object, icon_string: *const core::ffi::c_char, icon_color: Color) -> ()"),
];

/// Rule 3: a callback anywhere in a type, or a pointer to an event, a descriptor, a cursor, a
/// font, a group or a layer.
fn excluded_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Ptr(pointer) => {
            let inner = &*pointer.elem;
            if let Some(name) = last_ident(inner) {
                if name.contains("lv_event_t")
                    || ["_dsc_t", "_cursor_t", "_font_t", "_group_t", "_layer_t"].iter().any(|end| name.ends_with(end))
                {
                    return true;
                }
            }
            excluded_type(inner)
        }
        syn::Type::Path(_) => last_ident(ty).is_some_and(|name| name.contains("_cb_")),
        _ => false,
    }
}

/// The table: LVGL's functions by Xila's rules, then the extras, sorted by C name in lower case
/// (the extras, without `lv_`, sort last), numbered from 0 by position.
pub fn functions(api: &Api) -> Vec<Function> {
    let mut list: Vec<(String, Function)> = Vec::new();
    for signature in &api.functions {
        let c = signature.ident.to_string();
        if !PREFIXES.iter().any(|prefix| c.starts_with(prefix)) || LEFT_OUT.contains(&c.as_str()) {
            continue;
        }
        let mut params = Vec::new();
        for (index, input) in signature.inputs.iter().enumerate() {
            let syn::FnArg::Typed(typed) = input else { continue };
            let name = match &*typed.pat {
                syn::Pat::Ident(ident) => ident.ident.to_string(),
                _ => format!("arg{index}"),
            };
            params.push((name, (*typed.ty).clone()));
        }
        let output = match &signature.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some((**ty).clone()),
        };
        if params.iter().any(|(_, ty)| excluded_type(ty)) || output.as_ref().is_some_and(excluded_type) {
            continue;
        }
        let signature_variadic = signature.variadic.is_some();
        let rendered: Vec<String> = params.iter().map(|(name, ty)| format!("{name}: {}", xila_type(ty))).collect();
        let signature = format!("({}) -> {}", rendered.join(", "), output.as_ref().map_or("()".into(), xila_type));
        let guest = guest_name(&c);
        let variadic = signature_variadic;
        list.push((c.to_lowercase(), Function { guest, c: Some(c), params, output, signature, variadic }));
    }
    for (name, signature) in EXTRAS {
        let function =
            Function {
            guest: name.to_string(),
            c: None,
            params: Vec::new(),
            output: None,
            signature: signature.to_string(),
            variadic: false,
        };
        list.push((name.to_string(), function));
    }
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list.into_iter().map(|(_, function)| function).collect()
}

/// Rule 6: no `lv_` prefix, the word `obj` spelled `object`.
fn guest_name(c: &str) -> String {
    c.trim_start_matches("lv_").split('_').map(|word| if word == "obj" { "object" } else { word }).collect::<Vec<_>>().join("_")
}

/// A type as Xila's guest bindings write it: LVGL's `lv_style_selector_t` is `StyleSelector`,
/// `lv_obj_t` is `Object`, C's `char` is `core::ffi::c_char`.
pub fn xila_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Ptr(pointer) => {
            format!("*{} {}", if pointer.const_token.is_some() { "const" } else { "mut" }, xila_type(&pointer.elem))
        }
        syn::Type::Path(_) => xila_type_name(&last_ident(ty).unwrap_or_default()),
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => "()".into(),
        _ => "?".into(),
    }
}

fn xila_type_name(name: &str) -> String {
    match name {
        "c_char" | "c_void" => return format!("core::ffi::{name}"),
        "lv_result_t" => return "LvglResult".into(),
        _ => {}
    }
    // A struct's own tag (`struct _lv_obj_t`, where a prototype names it) is its typedef's name.
    let name = name.strip_prefix('_').unwrap_or(name);
    let Some(stem) = name.strip_prefix("lv_").and_then(|rest| rest.strip_suffix("_t")) else { return name.into() };
    stem.split('_')
        .map(|word| {
            let word = if word == "obj" { "object" } else { word };
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `runtime/bindings/functions.txt`: one line per number, `N name signature` as Xila's table
/// has it, with the bench's reason when the dispatcher refuses the function.
pub fn render_list(list: &[Function], unsupported: &[Option<String>]) -> String {
    let mut out = String::from(
        "# The functions of host.xila_graphics_call: Xila's table for LVGL 9.3.0, generated by\n\
         # runtime/lvgl-sys/build.rs with the rules of Xila's binding generator. Each line is\n\
         # `number guest_name (guest parameters) -> guest return type`, as in Xila's table\n\
         # (../shared/xila-abi/functions-v9.3.0.txt); `# unsupported:` says why the bench's\n\
         # dispatcher answers error 3 for that function. XILA_BLESS=1 cargo test -p xila-lvgl-sys\n\
         # rewrites this file.\n",
    );
    for (number, function) in list.iter().enumerate() {
        let _ = write!(out, "{number} {} {}", function.guest, function.signature);
        if let Some(Some(why)) = unsupported.get(number) {
            let _ = write!(out, " # unsupported: {why}");
        }
        out.push('\n');
    }
    out
}

/// `runtime/bindings/constants.txt`: the values of every enumeration the table's functions
/// take or return, `c_type NAME value`, for the guest side.
pub fn render_constants(api: &Api, list: &[Function]) -> String {
    let mut used = BTreeSet::new();
    for function in list {
        for ty in function.params.iter().map(|(_, ty)| ty).chain(function.output.as_ref()) {
            let mut ty = ty;
            while let syn::Type::Ptr(pointer) = ty {
                ty = &pointer.elem;
            }
            if let Some(name) = last_ident(ty) {
                if api.enumeration(&name).is_some() {
                    used.insert(name);
                }
            }
        }
    }
    // Enumerations that reach the guest otherwise: event codes through window_pop_event, flags
    // through the object functions that take them.
    for name in ["lv_event_code_t", "lv_obj_flag_t"] {
        if api.enumeration(name).is_some() {
            used.insert(name.to_string());
        }
    }
    let mut out = String::from(
        "# LVGL 9.3.0's enumeration values for the types of the graphics table, generated by\n\
         # runtime/lvgl-sys/build.rs from the bindings the runtime is built with:\n\
         # `c_type NAME value`.\n",
    );
    for name in used {
        for (variant, value) in api.enumeration(&name).unwrap_or_default() {
            let _ = writeln!(out, "{name} {variant} {value}");
        }
    }
    for (typedef, values) in &api.anonymous {
        for (name, value) in values {
            let _ = writeln!(out, "{typedef} {name} {value}");
        }
    }
    // lv_area.h: a special coordinate has bit 29 set; LV_SIZE_CONTENT is LV_COORD_SET_SPEC(LV_COORD_MAX).
    if let Some(max) = api.coord_max {
        let _ = writeln!(out, "define LV_COORD_MAX {max}\ndefine LV_SIZE_CONTENT {}", max | (1 << 29));
    }
    out
}
