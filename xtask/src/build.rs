//! The wasm build: cargo → wasm-bindgen (library, pinned to Cargo.lock) → wasm-opt (release) →
//! `pkg/` with the static shell from `www/` and a package.json.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use wasm_bindgen_cli_support::Bindgen;

use crate::{root, sizes, tools};

/// Debug builds for quick iteration, release builds for what ships and what the tests run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Profile {
    Dev,
    Release,
}

/// A wasm module of `pkg/`.
struct Module {
    package: &'static str,
    /// wasm-opt level: the UI is tuned for size, the decoders for speed (BENCHMARKS.md).
    opt_level: &'static str,
}

/// Built one cargo invocation each: built together, cargo would unify their features and the
/// frame decoder would carry the photo decoder's image codecs.
const MODULES: [Module; 3] = [
    Module {
        package: "vaora",
        opt_level: "-Oz",
    },
    Module {
        package: "vaora-scan-worker",
        opt_level: "-O3",
    },
    Module {
        package: "vaora-photo-worker",
        opt_level: "-Oz",
    },
];

/// wasm features rustc emits for wasm32-unknown-unknown; wasm-opt must accept them.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds everything into `pkg/` and returns its path.
pub fn build(profile: Profile) -> Result<PathBuf> {
    let root = root();
    tools::ensure_wasm_target()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for module in &MODULES {
        let mut args = vec![
            "build",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            module.package,
        ];
        if profile == Profile::Release {
            // Size-tuned UI, speed-tuned decoders: see `[profile.wasm-release]` in Cargo.toml.
            args.extend(["--profile", "wasm-release"]);
        }
        tools::run(&root, &cargo, &args)?;
    }

    let pkg = root.join("pkg");
    if pkg.exists() {
        fs::remove_dir_all(&pkg).context("cleaning pkg/")?;
    }
    fs::create_dir_all(&pkg)?;
    let artifacts = target_dir(&root)
        .join("wasm32-unknown-unknown")
        .join(match profile {
            Profile::Dev => "debug",
            Profile::Release => "wasm-release",
        });
    for module in &MODULES {
        let name = module.package.replace('-', "_");
        bindgen(&artifacts.join(format!("{name}.wasm")), &pkg)?;
        if profile == Profile::Release {
            optimise(
                &root,
                &pkg.join(format!("{name}_bg.wasm")),
                module.opt_level,
            )?;
        }
    }
    copy_dir(&root.join("www"), &pkg)?;
    write_package_json(&pkg)?;
    if profile == Profile::Release {
        sizes::report(&pkg)?;
    }
    eprintln!("xtask: built {} ({profile:?})", pkg.display());
    Ok(pkg)
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// wasm-bindgen (web target, default module path kept) into `out`.
pub fn bindgen(wasm: &Path, out: &Path) -> Result<()> {
    Bindgen::new()
        .input_path(wasm)
        .web(true)?
        .typescript(true)
        .omit_default_module_path(false)
        .remove_name_section(!keep_names())
        .remove_producers_section(true)
        .generate(out)
        .with_context(|| format!("wasm-bindgen on {}", wasm.display()))
}

/// `VAORA_WASM_NAMES=1` keeps function names in `pkg/*.wasm` for size analysis
/// (`twiggy top pkg/vaora_bg.wasm`); the sizes printed are then larger than what ships.
fn keep_names() -> bool {
    std::env::var_os("VAORA_WASM_NAMES").is_some_and(|v| v == "1")
}

/// `wasm-opt` in place.
pub fn optimise(root: &Path, wasm: &Path, level: &str) -> Result<()> {
    let wasm_opt = tools::wasm_opt(root)?;
    let path = wasm.to_string_lossy().into_owned();
    let mut args = vec![level, path.as_str(), "-o", path.as_str()];
    args.extend(WASM_FEATURES);
    if keep_names() {
        args.push("--debuginfo");
    }
    tools::run(root, &wasm_opt.to_string_lossy(), &args)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir_all(&target)?;
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn write_package_json(pkg: &Path) -> Result<()> {
    let manifest = serde_json::json!({
        "name": "vaora",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "No-install QR check-in and health-declaration widget (Rust/WebAssembly)",
        "license": "MIT OR Apache-2.0",
        "type": "module",
        "main": "vaora.js",
        "types": "vaora.d.ts",
        "sideEffects": false
    });
    fs::write(
        pkg.join("package.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    Ok(())
}
