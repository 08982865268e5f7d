//! `cargo xtask bench-size`: the release-profile trade-off, measured. For each `opt-level`
//! variant, builds the UI and the frame decoder in a target dir of its own, applies the same
//! wasm-bindgen + wasm-opt steps as `build --release`, and prints each module's brotli size and
//! the decoder's time per 640×480 frame (with a code and without) in Node's V8.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{build, root, sizes, tools};

/// (name, extra `cargo --config` settings for the release profile).
const VARIANTS: [(&str, &[&str]); 4] = [
    ("opt-level=3 (all)", &["profile.release.opt-level=3"]),
    ("opt-level=s (all)", &["profile.release.opt-level=\"s\""]),
    ("opt-level=z (all)", &["profile.release.opt-level=\"z\""]),
    (
        "z, decoder crates at 3",
        &[
            "profile.release.opt-level=\"z\"",
            "profile.release.package.rqrr.opt-level=3",
            "profile.release.package.vaora-scan.opt-level=3",
            "profile.release.package.vaora-scan-worker.opt-level=3",
        ],
    ),
];

/// Runs every variant and prints one table.
pub fn bench_size() -> Result<()> {
    let root = root();
    tools::ensure_wasm_target()?;
    tools::ensure_npm_packages(&root)?;
    let work = root.join("target/bench-size");
    std::fs::create_dir_all(&work)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(&root, &cargo, &["build", "--quiet", "-p", "vaora-testkit"])?;
    let testkit = root.join("target/debug/vaora-testkit");
    let with_code = work.join("code-640x480.y4m");
    let without_code = work.join("blank-640x480.y4m");
    let clip = |args: &[&str]| tools::run(&root, &testkit.to_string_lossy(), args);
    clip(&[
        "clip", "--text", "https://vaora.example/c#AEAQEMBRCFBWRYN3UMQE3YN3XEQMJEHBXOUWGIFPSRHY3F4P3ADO2ATIWKVY2NZILMZHAHOF7SODNV3BZH33HMSL3KCHKYEYZRITH2PQRH4OQ66WPJ5OW3LSVONCOG4VLIECCWUSHRRMPVTTFIM4BMRY6P3QY",
        "--width", "640", "--height", "480", "--frames", "1", "--out", &with_code.to_string_lossy(),
    ])?;
    clip(&[
        "blank",
        "--width",
        "640",
        "--height",
        "480",
        "--out",
        &without_code.to_string_lossy(),
    ])?;

    println!(
        "{:<26} {:>12} {:>14} {:>14} {:>14}",
        "variant", "UI brotli", "decoder br.", "ms/frame code", "ms/frame none"
    );
    for (index, (name, settings)) in VARIANTS.iter().enumerate() {
        let target = work.join(format!("variant-{index}"));
        let out = target.join("pkg");
        for (package, level) in [("vaora", "-Oz"), ("vaora-scan-worker", "-O3")] {
            let mut args = vec![
                "build".to_owned(),
                "--quiet".into(),
                "--release".into(),
                "--target".into(),
                "wasm32-unknown-unknown".into(),
                "-p".into(),
                package.into(),
                "--target-dir".into(),
                target.to_string_lossy().into_owned(),
            ];
            for setting in settings.iter() {
                args.extend(["--config".to_owned(), (*setting).to_owned()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            tools::run(&root, &cargo, &args)?;
            let name = package.replace('-', "_");
            let wasm = target.join(format!("wasm32-unknown-unknown/release/{name}.wasm"));
            build::bindgen(&wasm, &out)?;
            build::optimise(&root, &out.join(format!("{name}_bg.wasm")), level)?;
        }
        let brotli = |file: &str| -> Result<usize> {
            Ok(sizes::measure(&std::fs::read(out.join(file))?)?.brotli)
        };
        let coded = time_decode(&root, &out, &with_code, 1)?;
        let blank = time_decode(&root, &out, &without_code, 0)?;
        println!(
            "{name:<26} {:>12} {:>14} {coded:>14.2} {blank:>14.2}",
            brotli("vaora_bg.wasm")?,
            brotli("vaora_scan_worker_bg.wasm")?,
        );
    }
    Ok(())
}

/// Median ms per decode of the clip's first frame; checks the decoder found what it should.
fn time_decode(root: &Path, pkg: &Path, clip: &Path, expect_found: u64) -> Result<f64> {
    let output = Command::new("node")
        .arg(root.join("xtask/bench/decode-frame.mjs"))
        .arg(pkg)
        .arg(clip)
        .output()
        .context("running node")?;
    if !output.status.success() {
        bail!(
            "decode benchmark failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let result: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    if result["found"].as_u64() != Some(expect_found) {
        bail!(
            "decoder found {} codes, expected {expect_found}",
            result["found"]
        );
    }
    result["median_ms"]
        .as_f64()
        .context("median_ms missing from the benchmark output")
}
