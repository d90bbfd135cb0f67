//! Builds WAMR 2.4.3 (fast interpreter + libc-wasi) from the `wamrx-sys` package sources with
//! the `cc` crate, on this crate's own platform header (`platform/`), and generates bindings for
//! `wasm_export.h`.
//!
//! Target facts (WAMR target name, C compiler and its flags) come from the bench's target
//! description file named by `XILA_TARGET_FILE`, so that the firmware, the harness and this build
//! read one source of truth.
//!
//! Memory: WAMR is configured at run time (by xila-runtime) with `Alloc_With_System_Allocator`,
//! so every WAMR allocation goes through `os_malloc`/`os_realloc`/`os_free`, which xila-runtime
//! implements over the Rust global allocator. That keeps one heap, one budget and one peak
//! counter for WAMR's own data and the guest's linear memory (allocated with `os_mmap`).

use std::env;
use std::path::{Path, PathBuf};

use xila_cross_c::{clang_target, compiler_include_dir, env_var, find_libraries, read_target_file, registry_package, sibling_tool};

const WAMRX_PACKAGE: &str = "wamrx-sys-0.3.0";

fn main() {
    if let Err(message) = build() {
        // A panic would bury the message under a backtrace hint; this reads better in cargo's output.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn build() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let target = env_var("TARGET")?;
    let target_os = env_var("CARGO_CFG_TARGET_OS")?;
    let bare_metal = target_os == "none";

    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let target_file = read_target_file(&manifest_dir, bare_metal)?;
    let wamr_target = target_file
        .wamr_target
        .clone()
        .ok_or_else(|| format!("{}: missing string `[wamr] target`", target_file.path.display()))?;

    let wamr = registry_package(WAMRX_PACKAGE, "wasm-micro-runtime/core/iwasm/include/wasm_export.h")?.join("wasm-micro-runtime");
    let platform_dir = manifest_dir.join("platform");
    for entry in ["platform_internal.h", "xila_shims.c"] {
        println!("cargo:rerun-if-changed={}", platform_dir.join(entry).display());
    }
    let guard = manifest_dir.join("wasi/address_guard.c");
    let stack_probe = manifest_dir.join("probes/operand_stack.c");
    for file in [&guard, &stack_probe] {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rerun-if-changed=build.rs");

    let mut build = cc::Build::new();
    let mut clang_args: Vec<String> = Vec::new();
    if bare_metal {
        let compiler = target_file.c_compiler.clone().ok_or_else(|| {
            format!("{}: `[c] compiler` is required for a bare-metal target", target_file.path.display())
        })?;
        // cc's own target flags for a Rust triple can disagree with the multilib the target
        // file names (e.g. -march spelling); the target file is the authority.
        build.compiler(&compiler).no_default_flags(true);
        if let Some(archiver) = sibling_tool(&compiler, "ar") {
            build.archiver(archiver);
        }
        for flag in &target_file.c_flags {
            build.flag(flag);
        }
        let opt = match env::var("OPT_LEVEL").as_deref() {
            Ok("0") => "-O0",
            Ok("1") => "-O1",
            Ok("s") | Ok("z") => "-Os",
            _ => "-O2",
        };
        // XILA_WAMR_O2=1: WAMR and libc-wasi at -O2 whatever the profile (measured: 14-18 % fewer
        // workload instructions on riscv32, 33-53 % on cortex-m4f, +19.7 KiB text on both).
        let opt = if env::var("XILA_WAMR_O2").is_ok() { "-O2" } else { opt };
        build.flag(opt).flag("-g").flag("-ffunction-sections").flag("-fdata-sections");

        let (libc, libgcc, include) = find_libraries(&compiler, &target_file.c_flags)?;
        for lib in [&libc, &libgcc] {
            let dir = lib.parent().ok_or_else(|| format!("{} has no parent directory", lib.display()))?;
            println!("cargo:rustc-link-search=native={}", dir.display());
        }
        // Not bundled into the rlib: the firmware's final link resolves them after WAMR.
        // No libm: on riscv picolibc's libm.a is a stub lld rejects; the maths is in libc.a.
        println!("cargo:rustc-link-lib=static:-bundle=c");
        println!("cargo:rustc-link-lib=static:-bundle=gcc");
        println!("cargo:libc={}", libc.display());
        println!("cargo:libgcc={}", libgcc.display());

        clang_args.push(format!("--target={}", clang_target(&target)));
        clang_args.push(format!("-isystem{}", include.display()));
        // libclang may not find its own resource headers (stdbool.h, stddef.h) for a cross
        // target; the cross GCC's freestanding headers serve the same purpose.
        if let Some(dir) = compiler_include_dir(&compiler) {
            clang_args.push(format!("-isystem{}", dir.display()));
        }
    } else {
        build.flag_if_supported("-std=gnu99");
    }

    let wasi = wamr.join("core/iwasm/libraries/libc-wasi");
    let includes = [
        platform_dir.clone(),
        wamr.join("core/shared/platform/include"),
        wamr.join("core/shared/utils"),
        wamr.join("core/shared/mem-alloc"),
        wamr.join("core/shared/platform/common/libc-util"),
        wamr.join("core/iwasm/include"),
        wamr.join("core/iwasm/common"),
        wamr.join("core/iwasm/interpreter"),
        wasi.clone(),
        wasi.join("sandboxed-system-primitives/include"),
        wasi.join("sandboxed-system-primitives/src"),
    ];
    for dir in &includes {
        build.include(dir);
    }
    if bare_metal {
        // Keep the WAMR build honest about which multilib headers it saw.
        println!("cargo:rerun-if-env-changed=PATH");
    }

    for (name, value) in defines(&wamr_target, bare_metal)? {
        build.define(&name, value.as_deref());
    }
    build.warnings(false);

    let mut sources = Vec::new();
    sources.push(platform_dir.join("xila_shims.c"));
    sources.extend(c_files(&wamr.join("core/shared/utils"))?);
    sources.extend(c_files(&wamr.join("core/shared/mem-alloc/ems"))?);
    sources.push(wamr.join("core/shared/mem-alloc/mem_alloc.c"));
    sources.extend(c_files(&wamr.join("core/shared/platform/common/libc-util"))?);
    // wasm_c_api.c is needed even without using the C API: the interpreter's native-call path
    // references wasm_trap_delete.
    sources.extend(c_files(&wamr.join("core/iwasm/common"))?);
    sources.push(wamr.join("core/iwasm/common/arch").join(invoke_native(&wamr_target)?));
    let interpreter = if classic_interpreter()? { "wasm_interp_classic.c" } else { "wasm_interp_fast.c" };
    for file in ["wasm_loader.c", "wasm_runtime.c"] {
        sources.push(wamr.join("core/iwasm/interpreter").join(file));
    }
    // The interpreter loop is where guests spend their time: it is built at -O2 even where the
    // rest is -Os. On the MCU targets that keeps most of the speed of an all--O2 WAMR for a
    // fraction of its flash (see the README's Performance section for the figures).
    let mut hot = build.clone();
    hot.flag("-O2").file(wamr.join("core/iwasm/interpreter").join(interpreter));
    hot.try_compile("wamr_interp").map_err(|error| format!("compiling WAMR's interpreter failed: {error}"))?;
    sources.push(wasi.join("libc_wasi_wrapper.c"));
    // Our address guard in front of that wrapper: EFAULT instead of a trap (see the file).
    sources.push(guard);
    // Reads the operand stack's high-water mark after a run (see the file).
    sources.push(stack_probe);
    // random.c is replaced by the runtime's deterministic generator (random_buf and
    // random_uniform in Rust): a bench run must be reproducible from the job's seed.
    sources.extend(
        c_files(&wasi.join("sandboxed-system-primitives/src"))?
            .into_iter()
            .filter(|path| !path.ends_with("random.c")),
    );
    build.files(&sources);
    build.try_compile("wamr").map_err(|error| format!("compiling WAMR failed: {error}"))?;

    generate_bindings(&wamr, &clang_args)?;
    Ok(())
}

/// `XILA_WAMR_INTERP=classic` builds WAMR's classic interpreter instead of the fast one (the
/// bench's interpreter comparison; `xbench bench` builds it in a target directory of its own).
fn classic_interpreter() -> Result<bool, String> {
    println!("cargo:rerun-if-env-changed=XILA_WAMR_INTERP");
    println!("cargo:rerun-if-env-changed=XILA_WAMR_O2");
    match env::var("XILA_WAMR_INTERP").as_deref() {
        Err(_) | Ok("") | Ok("fast") => Ok(false),
        Ok("classic") => Ok(true),
        Ok(other) => Err(format!("XILA_WAMR_INTERP={other:?}: expected `fast` or `classic`")),
    }
}

fn defines(wamr_target: &str, bare_metal: bool) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut set = |name: &str, value: &str| out.push((name.to_string(), Some(value.to_string())));
    // Mirrors build-scripts/config_common.cmake for the options we choose.
    set("BH_MALLOC", "wasm_runtime_malloc");
    set("BH_FREE", "wasm_runtime_free");
    set("WASM_ENABLE_INTERP", "1");
    set("WASM_ENABLE_FAST_INTERP", if classic_interpreter()? { "0" } else { "1" });
    set("WASM_ENABLE_AOT", "0");
    set("WASM_ENABLE_JIT", "0");
    set("WASM_ENABLE_FAST_JIT", "0");
    set("WASM_ENABLE_LIBC_BUILTIN", "0");
    set("WASM_ENABLE_LIBC_WASI", "1");
    set("WASM_ENABLE_MODULE_INST_CONTEXT", "1");
    set("WASM_ENABLE_BULK_MEMORY", "1");
    // memory.copy and memory.fill, which Rust's wasm32-wasip1 output uses, sit behind this one.
    set("WASM_ENABLE_BULK_MEMORY_OPT", "1");
    set("WASM_ENABLE_REF_TYPES", "1");
    // LLVM 19+ (Rust's wasm32-wasip1) encodes call_indirect's table index as a LEB.
    set("WASM_ENABLE_CALL_INDIRECT_OVERLONG", "1");
    set("WASM_ENABLE_MULTI_MODULE", "0");
    // Quick entries let native code call AOT/JIT-compiled functions without invokeNative; an
    // interpreter-only build never uses them, and their table and thunks cost 4 KiB of flash.
    set("WASM_ENABLE_QUICK_AOT_ENTRY", "0");
    set("WASM_ENABLE_THREAD_MGR", "0");
    set("WASM_ENABLE_SHARED_MEMORY", "0");
    set("WASM_ENABLE_LIB_PTHREAD", "0");
    set("WASM_ENABLE_LIB_WASI_THREADS", "0");
    set("WASM_ENABLE_SIMD", "0");
    set("WASM_ENABLE_MINI_LOADER", "0");
    set("WASM_ENABLE_SPEC_TEST", "0");
    set("WASM_DISABLE_HW_BOUND_CHECK", "1");
    set("WASM_DISABLE_STACK_HW_BOUND_CHECK", "1");
    // Single-threaded: nothing can wake a blocked call, and there are no signals to do it with.
    set("WASM_DISABLE_WAKEUP_BLOCKING_OP", "1");
    set("WASM_DISABLE_WRITE_GS_BASE", "1");
    // Native stack kept free below the guest's deepest frame for WAMR's trap path and our Rust
    // platform calls (core::fmt in diagnostics). Larger on the host, where frames are fatter.
    set("WASM_STACK_GUARD_SIZE", if bare_metal { "4096" } else { "16384" });
    set("BH_PLATFORM_XILA", "1");
    // picolibc declares clock ids, clock_nanosleep and friends only with POSIX visibility on.
    set("_GNU_SOURCE", "1");
    if !bare_metal {
        set("NDEBUG", "1");
    }

    let target = wamr_target.to_ascii_uppercase();
    let mut flag = |name: &str| out.push((name.to_string(), None));
    let build_target_name = match target.as_str() {
        "X86_64" => {
            flag("BUILD_TARGET_X86_64");
            None
        }
        "RISCV32_ILP32" => {
            flag("BUILD_TARGET_RISCV32_ILP32");
            None
        }
        "RISCV32_ILP32F" => {
            flag("BUILD_TARGET_RISCV32_ILP32F");
            None
        }
        "RISCV32" | "RISCV32_ILP32D" => {
            flag("BUILD_TARGET_RISCV32_ILP32D");
            None
        }
        t if t.starts_with("THUMB") && t.ends_with("_VFP") => {
            flag("BUILD_TARGET_THUMB_VFP");
            Some(t.trim_end_matches("_VFP").to_string())
        }
        t if t.starts_with("THUMB") => {
            flag("BUILD_TARGET_THUMB");
            Some(t.to_string())
        }
        other => return Err(format!("unsupported `[wamr] target` {other:?}")),
    };
    if let Some(name) = build_target_name {
        out.push(("BUILD_TARGET".into(), Some(format!("\"{name}\""))));
    }
    Ok(out)
}

fn invoke_native(wamr_target: &str) -> Result<&'static str, String> {
    let target = wamr_target.to_ascii_uppercase();
    Ok(match target.as_str() {
        "X86_64" => "invokeNative_em64.s",
        t if t.starts_with("RISCV") => "invokeNative_riscv.S",
        t if t.starts_with("THUMB") && t.ends_with("_VFP") => "invokeNative_thumb_vfp.s",
        t if t.starts_with("THUMB") => "invokeNative_thumb.s",
        other => return Err(format!("no invokeNative glue known for `[wamr] target` {other:?}")),
    })
}

fn c_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "c"))
        .collect();
    files.sort();
    Ok(files)
}

fn generate_bindings(wamr: &Path, clang_args: &[String]) -> Result<(), String> {
    let include = wamr.join("core/iwasm/include");
    let header = include.join("wasm_export.h");
    let bindings = bindgen::Builder::default()
        .header(header.display().to_string())
        .clang_arg(format!("-I{}", include.display()))
        .clang_args(clang_args)
        .use_core()
        .ctypes_prefix("core::ffi")
        .layout_tests(false)
        .allowlist_file(".*/wasm_export\\.h")
        .allowlist_file(".*/lib_export\\.h")
        .generate()
        .map_err(|error| format!("bindgen on {} failed: {error}", header.display()))?;
    let out = PathBuf::from(env_var("OUT_DIR")?).join("bindings.rs");
    bindings.write_to_file(&out).map_err(|error| format!("cannot write {}: {error}", out.display()))
}
