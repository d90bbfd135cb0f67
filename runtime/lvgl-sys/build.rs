//! Builds LVGL 8.3 from the `lvgl-sys` 0.6.2 package sources with the `cc` crate, for the bench's
//! targets, with this crate's `config/lv_conf.h`; generates bindings for `lvgl.h` and, from those
//! bindings parsed with `syn`, the graphics dispatcher's function list and marshalling code.
//!
//! lvgl-sys's own build script compiles with the host's notion of a C compiler for the Rust
//! triple (`riscv32imac-unknown-none-elf-gcc` does not exist) and no picolibc, so its sources
//! are compiled here instead, as runtime/wamr-sys does for WAMR: compiler and flags come from the
//! bench's target file named by `XILA_TARGET_FILE`.
//!
//! Outputs in OUT_DIR: `bindings.rs` (LVGL's API), `dispatch.rs` (the dispatcher's `match`
//! over function numbers) and `functions.txt` (the numbered list, checked against
//! runtime/bindings/functions.txt by this crate's tests).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use xila_cross_c::{clang_target, compiler_include_dir, env_var, find_libraries, read_target_file, registry_package, sibling_tool};

const LVGL_PACKAGE: &str = "lvgl-sys-0.6.2";

fn main() {
    if let Err(message) = build() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn build() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let target = env_var("TARGET")?;
    let bare_metal = env_var("CARGO_CFG_TARGET_OS")? == "none";
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);

    println!("cargo:rerun-if-env-changed=XILA_TARGET_FILE");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    println!("cargo:rerun-if-changed=build.rs");
    let config_dir = manifest_dir.join("config");
    for entry in ["lv_conf.h", "xila_lvgl_port.h"] {
        println!("cargo:rerun-if-changed={}", config_dir.join(entry).display());
    }
    let target_file = read_target_file(&manifest_dir, bare_metal)?;
    println!("cargo:rerun-if-changed={}", target_file.path.display());

    let package = registry_package(LVGL_PACKAGE, "vendor/lvgl/lvgl.h")?;
    let lvgl = package.join("vendor/lvgl");

    let mut build = cc::Build::new();
    let mut clang_args: Vec<String> = Vec::new();
    if bare_metal {
        let compiler = target_file.c_compiler.clone().ok_or_else(|| {
            format!("{}: `[c] compiler` is required for a bare-metal target", target_file.path.display())
        })?;
        build.compiler(&compiler).no_default_flags(true);
        if let Some(archiver) = sibling_tool(&compiler, "ar") {
            build.archiver(archiver);
        }
        for flag in &target_file.c_flags {
            build.flag(flag);
        }
        build.flag("-Os").flag("-g").flag("-ffunction-sections").flag("-fdata-sections");
        let (_libc, _libgcc, include) = find_libraries(&compiler, &target_file.c_flags)?;
        clang_args.push(format!("--target={}", clang_target(&target)));
        clang_args.push(format!("-isystem{}", include.display()));
        if let Some(dir) = compiler_include_dir(&compiler) {
            clang_args.push(format!("-isystem{}", dir.display()));
        }
        // arm-none-eabi-gcc sizes enums by their values (-fshort-enums); bindgen's clang must
        // lay out LVGL's enum-typed fields and parameters the same way.
        if short_enums(&compiler, &target_file.c_flags) {
            clang_args.push("-fshort-enums".into());
        }
    } else {
        build.flag_if_supported("-std=gnu99");
    }
    build
        .define("LV_CONF_INCLUDE_SIMPLE", Some("1"))
        .include(&config_dir)
        .include(lvgl.join("src"))
        .include(package.join("vendor"))
        .warnings(false);
    let mut sources = Vec::new();
    c_files(&lvgl.join("src"), &mut sources)?;
    sources.sort();
    build.files(&sources);
    build.try_compile("xila_lvgl").map_err(|error| format!("compiling LVGL failed: {error}"))?;

    let raw = generate_bindings(&lvgl, &config_dir, &package, &clang_args, &out_dir)?;
    let api = parse_api(&raw)?;
    let list = function_list(&api);
    std::fs::write(out_dir.join("functions.txt"), render_list(&list))
        .map_err(|error| format!("cannot write functions.txt: {error}"))?;
    std::fs::write(out_dir.join("dispatch.rs"), render_dispatch(&list))
        .map_err(|error| format!("cannot write dispatch.rs: {error}"))?;
    Ok(())
}

fn c_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))? {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.is_dir() {
            c_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "c") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether the compiler sizes enums by their values, found by compiling a probe: `gcc -Q
/// --help=optimizers` says `-fshort-enums [enabled]` for riscv64-unknown-elf-gcc too, whose
/// enums are ints, and a wrong answer lays out LVGL's structs with enum fields (the input
/// device's `lv_indev_data_t`, say) differently in Rust and in C.
fn short_enums(compiler: &str, flags: &[String]) -> bool {
    let Ok(out_dir) = env_var("OUT_DIR") else { return false };
    let probe = Path::new(&out_dir).join("short_enums_probe.c");
    if std::fs::write(&probe, "typedef enum { A, B } probe_t;\n_Static_assert(sizeof(probe_t) == 1, \"int-sized\");\n").is_err() {
        return false;
    }
    Command::new(compiler)
        .args(flags.iter().filter(|f| !f.starts_with("--specs")))
        .args(["-fsyntax-only", "-xc"])
        .arg(&probe)
        .output()
        .is_ok_and(|output| output.status.success())
}

fn generate_bindings(
    lvgl: &Path,
    config_dir: &Path,
    package: &Path,
    clang_args: &[String],
    out_dir: &Path,
) -> Result<String, String> {
    let header = lvgl.join("lvgl.h");
    let bindings = bindgen::Builder::default()
        .header(header.display().to_string())
        .clang_arg("-DLV_CONF_INCLUDE_SIMPLE=1")
        .clang_arg(format!("-I{}", config_dir.display()))
        .clang_arg(format!("-I{}", package.join("vendor").display()))
        .clang_args(clang_args)
        .use_core()
        .ctypes_prefix("core::ffi")
        .layout_tests(false)
        .generate_comments(false)
        .derive_default(false)
        .allowlist_function("lv_.*")
        .allowlist_var("lv_.*_class")
        .allowlist_var("LV_.*")
        .allowlist_type("lv_.*")
        .generate()
        .map_err(|error| format!("bindgen on {} failed: {error}", header.display()))?;
    let text = bindings.to_string();
    let out = out_dir.join("bindings.rs");
    std::fs::write(&out, &text).map_err(|error| format!("cannot write {}: {error}", out.display()))?;
    Ok(text)
}

// ---------------------------------------------------------------------------------------------
// The dispatcher's function list, from the bindings.

/// LVGL families the guest may reach (widget and object functions, as Xila's list).
const FAMILIES: &[&str] = &[
    "obj", "style", "label", "btn", "btnmatrix", "color", "arc", "bar", "slider", "checkbox",
    "textarea", "table", "chart", "switch", "dropdown", "roller", "led", "spinner", "line", "img",
    "keyboard", "list", "tabview", "tileview", "msgbox", "win", "calendar", "menu", "meter",
    "spinbox", "canvas", "colorwheel", "imgbtn", "animimg", "spangroup", "span",
];

/// Functions never reachable, whatever their signature: they keep a guest pointer after the
/// call (linear memory may move or be overwritten), or are LVGL internals; `lv_obj_del` is the
/// Xila extra `object_delete`.
fn denied(name: &str) -> bool {
    name.contains("_static")
        || name.starts_with("lv_obj_class")
        || name.starts_with("lv_obj_event_base")
        || name.starts_with("lv_obj_draw_")
        || matches!(name, "lv_obj_del" | "lv_textarea_set_accepted_chars")
}

/// Xila's extras: name, arity, signature as listed.
const EXTRAS: &[(&str, usize, &str)] = &[
    ("object_delete", 1, "(object: object) -> void"),
    ("percentage", 1, "(value: i32) -> i32"),
    ("textarea_get_text", 3, "(object: object, buffer: pointer, size: u32) -> u32"),
    ("window_create", 0, "() -> object"),
    ("window_pop_event", 1, "(window: object) -> event"),
];

#[derive(Clone, Debug)]
enum Kind {
    Int(&'static str),
    Bool,
    Object,
    Str,
    Color,
    StyleValue,
    /// A chart's series (`*mut`/`*const lv_chart_series_t`), named by a handle from the proxy's
    /// series table; only in functions whose first parameter is the chart (class-checked).
    Series,
    /// As `Series`, but handle 0 is NULL: `lv_chart_get_series_next`'s "from the first".
    SeriesOrNull,
    Unsupported(String),
}

#[derive(Clone, Debug)]
enum Ret {
    Void,
    Int(&'static str),
    Bool,
    Object,
    Color,
    /// A series of the chart that is the first parameter; 0 for NULL.
    Series,
    Unsupported(String),
}

struct Api {
    aliases: HashMap<String, syn::Type>,
    functions: Vec<syn::Signature>,
    statics: BTreeSet<String>,
}

struct Function {
    guest: String,
    c: Option<String>,
    params: Vec<(String, Kind)>,
    ret: Ret,
    /// Class (static symbol) each object parameter must have, by parameter index.
    classes: BTreeMap<usize, String>,
    extra: Option<(usize, &'static str)>,
    unsupported: Option<String>,
}

fn parse_api(raw: &str) -> Result<Api, String> {
    let file = syn::parse_file(raw).map_err(|error| format!("cannot parse LVGL's bindings: {error}"))?;
    let mut api = Api { aliases: HashMap::new(), functions: Vec::new(), statics: BTreeSet::new() };
    for item in file.items {
        match item {
            syn::Item::Type(alias) => {
                api.aliases.insert(alias.ident.to_string(), *alias.ty);
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

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn render(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        syn::Type::Ptr(pointer) => {
            format!("*{} {}", if pointer.const_token.is_some() { "const" } else { "mut" }, render(&pointer.elem))
        }
        _ => "?".into(),
    }
}

fn primitive(name: &str) -> Option<&'static str> {
    Some(match name {
        "i8" | "c_schar" => "i8",
        "u8" | "c_uchar" | "c_char" => "u8",
        "i16" | "c_short" => "i16",
        "u16" | "c_ushort" => "u16",
        "i32" | "c_int" => "i32",
        "u32" | "c_uint" => "u32",
        _ => return None,
    })
}

/// Follows type aliases down to a name the dispatcher knows.
fn resolve(api: &Api, ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    for _ in 0..16 {
        let Some(name) = last_ident(&ty) else { break };
        if matches!(name.as_str(), "lv_obj_t" | "lv_color_t" | "lv_style_value_t" | "lv_chart_series_t" | "c_char") {
            break;
        }
        match api.aliases.get(&name) {
            Some(next) => ty = next.clone(),
            None => break,
        }
    }
    ty
}

fn kind_of(api: &Api, ty: &syn::Type) -> Kind {
    let ty = resolve(api, ty);
    match &ty {
        syn::Type::Ptr(pointer) => {
            let inner = resolve(api, &pointer.elem);
            match last_ident(&inner).as_deref() {
                Some("lv_obj_t") | Some("_lv_obj_t") => Kind::Object,
                Some("lv_chart_series_t") => Kind::Series,
                Some("c_char") if pointer.const_token.is_some() => Kind::Str,
                _ => Kind::Unsupported(render(&ty)),
            }
        }
        syn::Type::Path(_) => {
            let name = last_ident(&ty).unwrap_or_default();
            match name.as_str() {
                "bool" => Kind::Bool,
                "lv_color_t" | "lv_color16_t" => Kind::Color,
                "lv_style_value_t" => Kind::StyleValue,
                other => primitive(other).map(Kind::Int).unwrap_or_else(|| Kind::Unsupported(name.clone())),
            }
        }
        other => Kind::Unsupported(render(other)),
    }
}

fn ret_of(api: &Api, output: &syn::ReturnType) -> Ret {
    match output {
        syn::ReturnType::Default => Ret::Void,
        syn::ReturnType::Type(_, ty) => match kind_of(api, ty) {
            Kind::Int(prim) => Ret::Int(prim),
            Kind::Bool => Ret::Bool,
            Kind::Object => Ret::Object,
            Kind::Color => Ret::Color,
            Kind::Series | Kind::SeriesOrNull => Ret::Series,
            Kind::Str => Ret::Unsupported("*const c_char".into()),
            Kind::StyleValue => Ret::Unsupported("lv_style_value_t".into()),
            Kind::Unsupported(text) => Ret::Unsupported(text),
        },
    }
}

/// Xila's guest-facing name: no `lv_` prefix, LVGL 9's words where LVGL 8 used older ones.
fn guest_name(c: &str) -> String {
    let name = c
        .trim_start_matches("lv_")
        .split('_')
        .map(|word| match word {
            "obj" => "object",
            "btn" => "button",
            "btnmatrix" => "buttonmatrix",
            "btns" => "buttons",
            "img" => "image",
            "imgbtn" => "imagebutton",
            "del" => "delete",
            "scr" => "screen",
            "disp" => "display",
            "act" => "active",
            "cnt" => "count",
            word => word,
        })
        .collect::<Vec<_>>()
        .join("_");
    match name.as_str() {
        "object_clear_flag" => "object_remove_flag".into(),
        "object_clear_state" => "object_remove_state".into(),
        _ => name,
    }
}

fn function_list(api: &Api) -> Vec<Function> {
    let mut by_name: BTreeMap<String, Function> = BTreeMap::new();
    for (name, arity, _) in EXTRAS {
        by_name.insert(
            name.to_string(),
            Function {
                guest: name.to_string(),
                c: None,
                params: Vec::new(),
                ret: Ret::Void,
                classes: BTreeMap::new(),
                extra: Some((*arity, EXTRAS.iter().find(|e| e.0 == *name).map(|e| e.2).unwrap_or(""))),
                unsupported: None,
            },
        );
    }
    for signature in &api.functions {
        let c = signature.ident.to_string();
        let Some(rest) = c.strip_prefix("lv_") else { continue };
        let family = rest.split('_').next().unwrap_or("");
        if !FAMILIES.contains(&family) || denied(&c) || signature.variadic.is_some() {
            continue;
        }
        let mut params = Vec::new();
        for (index, input) in signature.inputs.iter().enumerate() {
            let syn::FnArg::Typed(typed) = input else { continue };
            let name = match &*typed.pat {
                syn::Pat::Ident(ident) => ident.ident.to_string(),
                _ => format!("arg{index}"),
            };
            let mut kind = kind_of(api, &typed.ty);
            if matches!(kind, Kind::Series) && c == "lv_chart_get_series_next" && name == "ser" {
                kind = Kind::SeriesOrNull;
            }
            params.push((name, kind));
        }
        let ret = ret_of(api, &signature.output);
        let mut classes = BTreeMap::new();
        let mut unsupported = None;
        let class_of = |family: &str| {
            let symbol = format!("lv_{family}_class");
            api.statics.contains(&symbol).then_some(symbol)
        };
        // The first object parameter of a widget family's function is that widget: LVGL casts
        // it to the widget's struct without checking, so the proxy checks its class.
        let first_is_widget = !c.ends_with("_create") && matches!(params.first(), Some((_, Kind::Object)));
        if first_is_widget && family != "obj" {
            match class_of(family) {
                Some(symbol) => {
                    classes.insert(0, symbol);
                }
                None => unsupported = Some(format!("no class to check for family {family}")),
            }
        }
        if matches!(c.as_str(), "lv_obj_set_tile" | "lv_obj_set_tile_id") {
            if let Some(symbol) = class_of("tileview") {
                classes.insert(0, symbol);
            }
        }
        for (index, (name, kind)) in params.iter().enumerate() {
            if matches!(kind, Kind::Object) && name == "page" && c.starts_with("lv_menu_") {
                match class_of("menu_page") {
                    Some(symbol) => {
                        classes.insert(index, symbol);
                    }
                    None => unsupported = Some("no menu page class".into()),
                }
            }
            if matches!(kind, Kind::Object) && name == "ta" {
                match class_of("textarea") {
                    Some(symbol) => {
                        classes.insert(index, symbol);
                    }
                    None => unsupported = Some("no textarea class".into()),
                }
            }
            if matches!(kind, Kind::StyleValue) && !params.iter().any(|(name, _)| name == "prop") {
                unsupported = Some("style value without a prop parameter".into());
            }
            if let Kind::Unsupported(text) = kind {
                unsupported.get_or_insert_with(|| format!("parameter {name}: {text}"));
            }
        }
        if let Ret::Unsupported(text) = &ret {
            unsupported.get_or_insert_with(|| format!("returns {text}"));
        }
        // A series is checked against the chart it is passed with: the first parameter, which
        // must be class-checked as a chart.
        let has_series = matches!(ret, Ret::Series)
            || params.iter().any(|(_, kind)| matches!(kind, Kind::Series | Kind::SeriesOrNull));
        if has_series && classes.get(&0).map(String::as_str) != Some("lv_chart_class") {
            unsupported.get_or_insert_with(|| "series outside a chart function".into());
        }
        if params.len() > 7 {
            unsupported = Some(format!("{} parameters (at most 7)", params.len()));
        }
        let guest = guest_name(&c);
        if by_name.contains_key(&guest) {
            continue;
        }
        by_name.insert(guest.clone(), Function { guest, c: Some(c), params, ret, classes, extra: None, unsupported });
    }
    by_name.into_values().collect()
}

fn kind_text(kind: &Kind) -> String {
    match kind {
        Kind::Int(prim) => prim.to_string(),
        Kind::Bool => "bool".into(),
        Kind::Object => "object".into(),
        Kind::Str => "string".into(),
        Kind::Color => "color".into(),
        Kind::StyleValue => "style_value".into(),
        Kind::Series => "series".into(),
        Kind::SeriesOrNull => "series_or_null".into(),
        Kind::Unsupported(text) => format!("<{text}>"),
    }
}

fn ret_text(ret: &Ret) -> String {
    match ret {
        Ret::Void => "void".into(),
        Ret::Int(prim) => prim.to_string(),
        Ret::Bool => "bool".into(),
        Ret::Object => "object".into(),
        Ret::Color => "color".into(),
        Ret::Series => "series".into(),
        Ret::Unsupported(text) => format!("<{text}>"),
    }
}

fn signature_text(function: &Function) -> String {
    if let Some((_, text)) = function.extra {
        return text.to_string();
    }
    let params: Vec<String> =
        function.params.iter().map(|(name, kind)| format!("{name}: {}", kind_text(kind))).collect();
    format!("({}) -> {}", params.join(", "), ret_text(&function.ret))
}

fn render_list(list: &[Function]) -> String {
    let mut out = String::new();
    out.push_str(
        "# The graphics dispatcher's functions (host.xila_graphics_call), generated by\n\
         # runtime/lvgl-sys/build.rs from LVGL 8.3's bindings. Number 0 is never a function.\n\
         # number  guest name  C function (xila: an extra)  arity  signature  [unsupported: why]\n",
    );
    for (index, function) in list.iter().enumerate() {
        let arity = function.extra.map(|(arity, _)| arity).unwrap_or(function.params.len());
        let _ = write!(
            out,
            "{} {} {} {} {}",
            index + 1,
            function.guest,
            function.c.as_deref().unwrap_or("xila"),
            arity,
            signature_text(function)
        );
        if let Some(why) = &function.unsupported {
            let _ = write!(out, " unsupported: {why}");
        }
        out.push('\n');
    }
    out
}

fn render_dispatch(list: &[Function]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/// Functions in the list; numbers run from 1 to this.\npub const FUNCTION_COUNT: u32 = {};", list.len());
    let supported = list.iter().filter(|f| f.unsupported.is_none()).count();
    let _ = writeln!(out, "/// Functions whose signature the dispatcher marshals.\npub const SUPPORTED_COUNT: u32 = {supported};");
    out.push_str("/// Guest-facing names, by number - 1.\npub static NAMES: [&str; FUNCTION_COUNT as usize] = [\n");
    for function in list {
        let _ = writeln!(out, "    {:?},", function.guest);
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Checks, converts and calls function `function`. Every check happens before LVGL runs.\n\
         #[allow(unused_unsafe, clippy::all)]\n\
         pub fn call<M: Marshal>(m: &mut M, function: u32, a: &[u32; 7], count: u32, result: u32) -> Result<(), Error> {\n\
         \x20   if count > 7 { return Err(Error::ArgumentCount); }\n\
         \x20   match function {\n",
    );
    for (index, function) in list.iter().enumerate() {
        let number = index + 1;
        if let Some((arity, _)) = function.extra {
            let variant: String = function
                .guest
                .split('_')
                .map(|w| {
                    let mut chars = w.chars();
                    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
                })
                .collect();
            let _ = writeln!(
                out,
                "        {number} => {{ arity(count, {arity})?; m.extra(Extra::{variant}, a, result) }}"
            );
            continue;
        }
        let arity = function.params.len();
        let c = function.c.as_deref().unwrap_or_default();
        if function.unsupported.is_some() {
            let _ = writeln!(out, "        {number} => {{ arity(count, {arity})?; Err(Error::UnsupportedFunction) }}");
            continue;
        }
        let _ = writeln!(out, "        {number} => {{ // {c}\n            arity(count, {arity})?;");
        let prop_index = function.params.iter().position(|(name, _)| name == "prop");
        let mut call_args = Vec::new();
        for (i, (_, kind)) in function.params.iter().enumerate() {
            let line = match kind {
                Kind::Int(prim) => {
                    call_args.push(format!("p{i} as _"));
                    format!("let p{i}: {prim} = int(a[{i}])?;")
                }
                Kind::Bool => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = boolean(a[{i}])?;")
                }
                Kind::Object => {
                    call_args.push(format!("p{i}"));
                    match function.classes.get(&i) {
                        Some(class) => format!(
                            "let p{i} = m.object(a[{i}], Some(unsafe {{ core::ptr::addr_of!({class}) }}))?;"
                        ),
                        None => format!("let p{i} = m.object(a[{i}], None)?;"),
                    }
                }
                Kind::Str => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = m.string(a[{i}])?;")
                }
                Kind::Color => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = lv_color_t {{ full: color_in(a[{i}])? }};")
                }
                Kind::StyleValue => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = m.style_value(a[{}], a[{i}])?;", prop_index.unwrap_or(0))
                }
                Kind::Series => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = m.series(p0, a[{i}])?;")
                }
                Kind::SeriesOrNull => {
                    call_args.push(format!("p{i}"));
                    format!("let p{i} = if a[{i}] == 0 {{ core::ptr::null_mut() }} else {{ m.series(p0, a[{i}])? }};")
                }
                Kind::Unsupported(_) => unreachable!(),
            };
            let _ = writeln!(out, "            {line}");
        }
        let call = format!("unsafe {{ {c}({}) }}", call_args.join(", "));
        let tail = match &function.ret {
            Ret::Void => format!("{call};\n            Ok(())"),
            Ret::Int(prim) => format!(
                "let slot = m.result(result, core::mem::size_of::<{prim}>() as u32)?;\n            let r = {call};\n            m.write(slot, &(r as {prim}).to_le_bytes())"
            ),
            Ret::Bool => format!(
                "let slot = m.result(result, 1)?;\n            let r = {call};\n            m.write(slot, &[r as u8])"
            ),
            Ret::Object => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write_object(slot, r)"
            ),
            Ret::Color => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write(slot, &color_out(unsafe {{ r.full }}).to_le_bytes())"
            ),
            Ret::Series => format!(
                "let slot = m.result(result, 4)?;\n            let r = {call};\n            m.write_series(slot, p0, r, {})",
                c == "lv_chart_add_series"
            ),
            Ret::Unsupported(_) => unreachable!(),
        };
        let _ = writeln!(out, "            {tail}\n        }}");
    }
    out.push_str("        _ => Err(Error::InvalidFunction),\n    }\n}\n");
    out
}
