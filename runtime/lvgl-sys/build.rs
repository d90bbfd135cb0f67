//! Builds LVGL 9.3.0 from the `lightvgl-sys` 9.3.0 package sources with the `cc` crate, for the
//! bench's targets; generates bindings for `lvgl.h` and, from those bindings parsed with `syn`,
//! Xila's function table and the graphics dispatcher's marshalling code.
//!
//! lightvgl-sys's own build script compiles with the host's notion of a C compiler for the Rust
//! triple and no picolibc, so its sources are compiled here instead, as runtime/wamr-sys does for
//! WAMR: compiler and flags come from the bench's target file named by `XILA_TARGET_FILE`.
//!
//! `lv_conf.h` is LVGL 9.3's template with the lines of `config/lv_conf.overrides` replaced
//! (Xila's choices and the bench's headless display), written to OUT_DIR.
//!
//! Outputs in OUT_DIR: `lv_conf.h`, `bindings.rs` (LVGL's API), `functions.txt` (Xila's table,
//! checked against runtime/bindings/functions.txt and ../shared/xila-abi by this crate's tests),
//! `constants.txt` (the enumerations' values, for the guest side) and `dispatch.rs` (the
//! dispatcher's `match` over function numbers).

#[path = "build/dispatch.rs"]
mod dispatch;
#[path = "build/table.rs"]
mod table;

use std::path::{Path, PathBuf};
use std::process::Command;

use xila_cross_c::{clang_target, compiler_include_dir, env_var, find_libraries, read_target_file, registry_package, sibling_tool};

const LVGL_PACKAGE: &str = "lightvgl-sys-9.3.0";

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
    for file in ["build.rs", "build/table.rs", "build/dispatch.rs"] {
        println!("cargo:rerun-if-changed={file}");
    }
    let config_dir = manifest_dir.join("config");
    for entry in ["lv_conf.overrides", "xila_lvgl_port.h", "xila_lvgl_port.c"] {
        println!("cargo:rerun-if-changed={}", config_dir.join(entry).display());
    }
    let target_file = read_target_file(&manifest_dir, bare_metal)?;
    println!("cargo:rerun-if-changed={}", target_file.path.display());

    let package = registry_package(LVGL_PACKAGE, "vendor/lvgl/lvgl.h")?;
    let lvgl = package.join("vendor/lvgl");
    write_lv_conf(&lvgl.join("lv_conf_template.h"), &config_dir.join("lv_conf.overrides"), &out_dir.join("lv_conf.h"))?;

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
            // picolibc's limits.h includes the compiler's own with #include_next, which GCC
            // keeps in include-fixed.
            let fixed = dir.with_file_name("include-fixed");
            if fixed.is_dir() {
                clang_args.push(format!("-isystem{}", fixed.display()));
            }
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
        .include(&out_dir)
        .include(&config_dir)
        .include(lvgl.join("src"))
        .include(package.join("vendor"))
        .warnings(false);
    let mut sources = Vec::new();
    c_files(&lvgl.join("src"), &mut sources)?;
    sources.sort();
    sources.push(config_dir.join("xila_lvgl_port.c"));
    build.files(&sources);
    build.try_compile("xila_lvgl").map_err(|error| format!("compiling LVGL failed: {error}"))?;

    let raw = generate_bindings(&lvgl, &[&out_dir, &config_dir, &package.join("vendor")], &clang_args, &out_dir)?;
    let api = table::Api::parse(&raw)?;
    let functions = table::functions(&api);
    let write = |name: &str, text: String| {
        std::fs::write(out_dir.join(name), text).map_err(|error| format!("cannot write {name}: {error}"))
    };
    let plans: Vec<_> = functions.iter().map(|function| dispatch::plan(&api, function)).collect();
    let unsupported: Vec<Option<String>> = plans.iter().map(|plan| plan.as_ref().err().cloned()).collect();
    write("functions.txt", table::render_list(&functions, &unsupported))?;
    write("constants.txt", table::render_constants(&api, &functions))?;
    write("dispatch.rs", dispatch::render(&api, &functions, &plans))?;
    Ok(())
}

/// Writes LVGL's template with the override lines in place of the template's own definitions.
fn write_lv_conf(template: &Path, overrides: &Path, out: &Path) -> Result<(), String> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()));
    let mut lines: Vec<String> = read(template)?.lines().map(str::to_string).collect();
    let enable = lines
        .iter()
        .position(|line| line.starts_with("#if 0") && line.contains("enable content"))
        .ok_or_else(|| format!("{}: no `#if 0 /* ... enable content */` line", template.display()))?;
    lines[enable] = "#if 1 /* enabled by runtime/lvgl-sys/build.rs */".into();
    for (number, line) in read(overrides)?.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| format!("{}:{}: expected `NAME value`", overrides.display(), number + 1))?;
        let defines = |candidate: &str| {
            let rest = candidate.trim_start().strip_prefix("#define")?;
            let rest = rest.trim_start().strip_prefix(name)?;
            (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(())
        };
        let index = lines.iter().position(|candidate| defines(candidate).is_some()).ok_or_else(|| {
            format!("{}:{}: LVGL's template does not define {name}", overrides.display(), number + 1)
        })?;
        lines[index] = format!("#define {name} {}", value.trim());
    }
    std::fs::write(out, lines.join("\n") + "\n").map_err(|error| format!("cannot write {}: {error}", out.display()))
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

fn generate_bindings(lvgl: &Path, include_dirs: &[&Path], clang_args: &[String], out_dir: &Path) -> Result<String, String> {
    let header = lvgl.join("lvgl.h");
    let bindings = bindgen::Builder::default()
        .header(header.display().to_string())
        .clang_arg("-DLV_CONF_INCLUDE_SIMPLE=1")
        .clang_args(include_dirs.iter().map(|dir| format!("-I{}", dir.display())))
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
