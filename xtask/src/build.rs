//! The wasm build: cargo → (UI only) wasm-split at its `#[lazy]` functions → wasm-bindgen
//! (library, pinned to Cargo.lock) → wasm-opt (release) → `pkg/` with the static shell from
//! `www/`, the icons, the service worker stamped with the build (`offline`), a package.json, and
//! in release brotli/gzip copies for the server (`precompress`) and the npm package's tarball
//! (`npm_pack`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use wasm_bindgen_cli_support::Bindgen;

use crate::{glue, icons, npm_pack, offline, precompress, root, sizes, tools};

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
    /// Split at its `#[lazy]` functions into a main module and chunks loaded on first call.
    split: bool,
}

/// Built one cargo invocation each: built together, cargo would unify their features and the
/// frame decoder would carry the photo decoder's image codecs.
const MODULES: [Module; 3] = [
    Module {
        package: "vaora",
        opt_level: "-Oz",
        split: true,
    },
    Module {
        package: "vaora-scan-worker",
        opt_level: "-O3",
        split: false,
    },
    Module {
        package: "vaora-photo-worker",
        opt_level: "-Oz",
        split: false,
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
    let remap = remap_paths(&root);
    for module in &MODULES {
        let mut args = cargo_args(module, profile);
        args.splice(1..1, ["--config", remap.as_str()]);
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
    let mut chunks = Vec::new();
    for module in &MODULES {
        let name = module.package.replace('-', "_");
        let wasm = artifacts.join(format!("{name}.wasm"));
        let mut outputs = vec![pkg.join(format!("{name}_bg.wasm"))];
        if module.split {
            let split = split(&wasm, &name, &pkg)?;
            bindgen_split(&split.main, &name, &pkg)?;
            drop_unused_exports(&outputs[0])?;
            glue::strip_unused_classes(
                &pkg.join(format!("{name}.js")),
                &pkg.join(format!("{name}.d.ts")),
            )?;
            glue::shorten_import_names(
                &outputs[0],
                &pkg.join(format!("{name}.js")),
                &format!("./{name}_bg.js"),
            )?;
            outputs.extend(split.chunks.iter().cloned());
            chunks.extend(split.chunks);
        } else {
            bindgen(&wasm, &pkg)?;
        }
        if profile == Profile::Release {
            for output in &outputs {
                optimise(&root, output, module.opt_level)?;
            }
        }
    }
    copy_dir(&root.join("www"), &pkg)?;
    fs::rename(pkg.join("package-README.md"), pkg.join("README.md")).context("pkg/README.md")?;
    icons::write(&pkg)?;
    write_package_json(&pkg)?;
    if profile == Profile::Release {
        minify_js(&root, &pkg)?;
    }
    // After minifying: the build's id hashes the files as served.
    offline::stamp_service_worker(&pkg)?;
    if profile == Profile::Release {
        precompress::precompress(&pkg)?;
        let chunk_names: Vec<String> = chunks
            .iter()
            .filter_map(|chunk| chunk.file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        sizes::report(&pkg, &chunk_names)?;
        npm_pack::pack(&root, &pkg)?;
    }
    eprintln!("xtask: built {} ({profile:?})", pkg.display());
    Ok(pkg)
}

/// `cargo` arguments that build `module` for the browser. The UI is linked with its relocations
/// (`--emit-relocs`) so that wasm-split can move functions and data into chunks; passed through
/// `cargo rustc` so that only the final link gets it (a RUSTFLAGS change would rebuild every
/// dependency, and the workers share the target dir).
fn cargo_args(module: &Module, profile: Profile) -> Vec<&'static str> {
    let mut args = vec![
        if module.split { "rustc" } else { "build" },
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        module.package,
    ];
    if profile == Profile::Release {
        // Size-tuned UI, speed-tuned decoders: see `[profile.wasm-release]` in Cargo.toml.
        args.extend(["--profile", "wasm-release"]);
    }
    if module.split {
        args.extend(["--lib", "--", "-C", "link-arg=--emit-relocs"]);
    }
    args
}

/// A `--config` value that writes source paths in the wasm (the file names of panic locations)
/// relative to the workspace (`vaora/…`) and the cargo home (`cargo/…`): the modules do not
/// carry the path of whoever built them, and are a little smaller.
fn remap_paths(root: &Path) -> String {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut flags = vec![format!("--remap-path-prefix={}=vaora", root.display())];
    if let Some(home) = cargo_home {
        flags.push(format!("--remap-path-prefix={}=cargo", home.display()));
    }
    let flags = serde_json::to_string(&flags).unwrap_or_else(|_| "[]".into());
    format!("target.wasm32-unknown-unknown.rustflags={flags}")
}

/// The UI after wasm-split: the main module (still to go through wasm-bindgen) and the chunks,
/// already in `pkg/`.
pub struct Split {
    pub main: PathBuf,
    pub chunks: Vec<PathBuf>,
}

/// Splits `wasm` at its `#[lazy]` functions (Leptos' `wasm_split` helpers, the splitter
/// cargo-leptos runs): the chunks and their loader `__wasm_split.js` go to `out`, the main module
/// beside `wasm`. The loader fetches chunks relative to its own URL, so they load from wherever
/// the widget's JS is served.
pub fn split(wasm: &Path, name: &str, out: &Path) -> Result<Split> {
    let input = fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main = wasm.with_file_name(format!("{name}_split_main.wasm"));
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = out;
    options.main_out_path = &main;
    options.link_name = "./__wasm_split.js";
    options.main_module = &main_module;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|err| anyhow::anyhow!("wasm-split on {}: {err:#}", wasm.display()))?;
    Ok(Split {
        main,
        chunks: split.split_modules,
    })
}

/// wasm-bindgen on a split main module: named like the unsplit one, and keeping the linker's
/// exports (memory, table, stack pointer) that the chunks import.
pub fn bindgen_split(main: &Path, name: &str, out: &Path) -> Result<()> {
    Bindgen::new()
        .input_path(main)
        .out_name(name)
        .web(true)?
        .typescript(true)
        .omit_default_module_path(false)
        .keep_lld_exports(true)
        .remove_name_section(!keep_names())
        .remove_producers_section(true)
        .generate(out)
        .with_context(|| format!("wasm-bindgen on {}", main.display()))
}

/// Leptos always links `server_fn` for the browser, which brings `wasm-streams`: its
/// `#[wasm_bindgen]` stream adapters (`IntoUnderlyingSource`, `…ByteSource`, `…Sink`) are
/// exported from the UI's main module, and with the promise machinery they reach they were
/// about 5 KB brotli of the first scan. The widget has no server functions, so nothing ever
/// calls them: their exports are dropped here, and wasm-opt removes the code only they
/// reached, and `glue.rs` removes their JS classes from `vaora.js`.
const UNUSED_EXPORTS: [&str; 2] = ["intounderlying", "__wbg_intounderlying"];

fn unused_export(name: &str) -> bool {
    UNUSED_EXPORTS.iter().any(|prefix| name.starts_with(prefix))
}

/// Removes the [`UNUSED_EXPORTS`] from `wasm` in place.
fn drop_unused_exports(wasm: &Path) -> Result<()> {
    let mut module = walrus::Module::from_file(wasm)
        .map_err(|err| anyhow::anyhow!("reading {}: {err:#}", wasm.display()))?;
    let unused: Vec<walrus::ExportId> = module
        .exports
        .iter()
        .filter(|export| unused_export(&export.name))
        .map(|export| export.id())
        .collect();
    for id in unused {
        module.exports.delete(id);
    }
    module
        .emit_wasm_file(wasm)
        .map_err(|err| anyhow::anyhow!("writing {}: {err:#}", wasm.display()))
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
    if level == "-Oz" {
        // Repeats the passes while they still shrink the module: -0.6 KB brotli on the UI.
        args.push("--converge");
    }
    args.extend(WASM_FEATURES);
    if keep_names() {
        args.push("--debuginfo");
    }
    tools::run(root, &wasm_opt.to_string_lossy(), &args)
}

/// Minifies every `.js` file of `pkg` in place (ES modules: exports keep their names). The
/// wasm-bindgen glue is ~25 % smaller brotli-compressed, the commented shell scripts ~40 %.
fn minify_js(root: &Path, pkg: &Path) -> Result<()> {
    let terser = tools::terser(root)?.to_string_lossy().into_owned();
    for entry in fs::read_dir(pkg)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "js") {
            let file = path.to_string_lossy().into_owned();
            tools::run(
                root,
                &terser,
                &[&file, "--module", "--compress", "--mangle", "-o", &file],
            )?;
        }
    }
    Ok(())
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

/// What the npm package ships (its `files`): the embedding API and the custom element, the
/// wasm core with its chunks and the chunk loader, the decode workers, the widget's styles and
/// the typings. Not the citizen page's own files (`index.html`, `main.js`, `sw.js`, the
/// manifest, icons), the demo portal `embed/`, or the precompressed `.br`/`.gz` copies. npm
/// adds `package.json`, `README.md` and any `LICENSE*` itself.
pub const PACKAGE_FILES: [&str; 19] = [
    "widget.js",
    "vaora-checkin.js",
    "vaora.js",
    "__wasm_split.js",
    "vaora_bg.wasm",
    "split_*.wasm",
    "chunk_*.wasm",
    "worker-host.js",
    "scan-worker.js",
    "vaora_scan_worker.js",
    "vaora_scan_worker_bg.wasm",
    "photo-worker.js",
    "vaora_photo_worker.js",
    "vaora_photo_worker_bg.wasm",
    "style.css",
    "later.css",
    "staff.css",
    "embed.css",
    "*.d.ts",
];

/// `pkg/package.json`, the npm package `vaora` at the workspace's version. A struct rather than
/// `json!`, whose maps sort their keys: in `exports` the `types` condition must come before
/// `default`, which matches anything.
#[derive(Serialize)]
struct PackageJson {
    name: &'static str,
    version: &'static str,
    description: &'static str,
    license: &'static str,
    keywords: [&'static str; 9],
    #[serde(rename = "type")]
    module_type: &'static str,
    main: &'static str,
    types: &'static str,
    exports: Exports,
    files: [&'static str; PACKAGE_FILES.len()],
    #[serde(rename = "sideEffects")]
    side_effects: [&'static str; 1],
}

/// The package's entry points: `.` the JS API (`mount`), `./element` defines `<vaora-checkin>`
/// when imported (the one module with a side effect), `./core` the low-level wasm-bindgen
/// module, and `./*` any shipped file, for bundlers and scripts that copy the assets to where
/// the host serves them.
#[derive(Serialize)]
struct Exports {
    #[serde(rename = ".")]
    api: Entry,
    #[serde(rename = "./element")]
    element: Entry,
    #[serde(rename = "./core")]
    core: Entry,
    #[serde(rename = "./package.json")]
    manifest: &'static str,
    #[serde(rename = "./*")]
    assets: &'static str,
}

/// A module and its typings, in the order TypeScript and Node read conditions.
#[derive(Serialize)]
struct Entry {
    types: &'static str,
    default: &'static str,
}

const PACKAGE_JSON: PackageJson = PackageJson {
    name: "vaora",
    version: env!("CARGO_PKG_VERSION"),
    description: "Embeddable no-install QR check-in and health-declaration widget: \
        a Rust/WebAssembly core in a <vaora-checkin> custom element",
    license: "MIT OR Apache-2.0",
    keywords: [
        "qr",
        "check-in",
        "health-declaration",
        "contact-tracing",
        "webassembly",
        "wasm",
        "custom-element",
        "web-component",
        "vietnam",
    ],
    module_type: "module",
    main: "./widget.js",
    types: "./widget.d.ts",
    exports: Exports {
        api: Entry {
            types: "./widget.d.ts",
            default: "./widget.js",
        },
        element: Entry {
            types: "./widget.d.ts",
            default: "./vaora-checkin.js",
        },
        core: Entry {
            types: "./vaora.d.ts",
            default: "./vaora.js",
        },
        manifest: "./package.json",
        assets: "./*",
    },
    files: PACKAGE_FILES,
    side_effects: ["./vaora-checkin.js"],
};

/// Writes [`PACKAGE_JSON`] into `pkg`.
fn write_package_json(pkg: &Path) -> Result<()> {
    fs::write(
        pkg.join("package.json"),
        serde_json::to_string_pretty(&PACKAGE_JSON)? + "\n",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_stream_adapters_exports_are_dropped() {
        for name in [
            "intounderlyingsource_pull",
            "intounderlyingbytesource_cancel",
            "intounderlyingsink_write",
            "__wbg_intounderlyingsink_free",
        ] {
            assert!(unused_export(name), "{name}");
        }
        for name in [
            "mount",
            "vaorahandle_unmount",
            "__wbg_vaorahandle_free",
            "memory",
        ] {
            assert!(!unused_export(name), "{name}");
        }
    }

    #[test]
    fn package_json_lists_types_before_default_and_the_version_of_the_workspace() {
        let json = serde_json::to_string(&PACKAGE_JSON).expect("serialises");
        let manifest: serde_json::Value = serde_json::from_str(&json).expect("parses");
        assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(manifest["exports"]["."]["default"], manifest["main"]);
        let api = r#""exports":{".":{"types":"./widget.d.ts","default":"./widget.js"}"#;
        assert!(json.contains(api), "{json}");
        assert!(json.starts_with(r#"{"name":"vaora","version""#), "{json}");
    }

    #[test]
    fn only_the_ui_is_linked_with_relocations_for_the_splitter() {
        for module in &MODULES {
            let args = cargo_args(module, Profile::Release);
            assert!(args.windows(2).any(|w| w == ["--profile", "wasm-release"]));
            let relocs = args.contains(&"link-arg=--emit-relocs");
            assert_eq!(relocs, module.split, "{}", module.package);
            // `cargo rustc` passes flags after `--` to the final crate only.
            assert_eq!(args[0] == "rustc", module.split, "{}", module.package);
        }
        assert_eq!(
            MODULES
                .iter()
                .filter(|m| m.split)
                .map(|m| m.package)
                .collect::<Vec<_>>(),
            ["vaora"]
        );
    }
}
