//! `cargo xtask bench-browser`: per-frame decode time in headless Chromium of Vaora's frame
//! decoder (the scan worker's wasm, built into `pkg/` as for release) against zxing-wasm (the
//! anchor), in the same page on the same `ImageData`, at 640×480 and 1280×720, with and
//! without a code. The frames are hand-held views of a poster on a wall rendered by
//! `vaora-testkit frame`; the page and every wasm file are served from one local origin
//! (`xtask/bench/browser-decode.mjs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::build::{self, Profile};
use crate::{root, tools};

/// Camera frame sizes timed: the app's fallback and its preferred resolution.
const SIZES: [(usize, usize); 2] = [(640, 480), (1280, 720)];
/// Distinct frames per case (hand poses 11 frames apart); decodes cycle through them.
const FRAMES_PER_CASE: usize = 8;
/// As long as a venue code's URL (a version-8 code, 49 modules); the same text as `bench-size`.
pub const VENUE_LIKE: &str = "https://vaora.example/c#AEAQEMBRCFBWRYN3UMQE3YN3XEQMJEHBXOUWGIFPSRHY3F4P3ADO2ATIWKVY2NZILMZHAHOF7SODNV3BZH33HMSL3KCHKYEYZRITH2PQRH4OQ66WPJ5OW3LSVONCOG4VLIECCWUSHRRMPVTTFIM4BMRY6P3QY";

/// Builds what the benchmark needs, renders the frames, and runs the page.
/// `args` (`--timed N`, `--warmup N`) go to the driver script.
pub fn bench_browser(args: &[String]) -> Result<()> {
    let root = root();
    tools::ensure_npm_packages(&root)?;
    let chromium = tools::ensure_chromium()?;
    let pkg = build::build(Profile::Release)?;
    let testkit = release_testkit(&root)?;

    let frames = root.join("target/bench-browser");
    if frames.exists() {
        std::fs::remove_dir_all(&frames).context("cleaning target/bench-browser")?;
    }
    std::fs::create_dir_all(&frames)?;
    eprintln!("xtask: rendering {FRAMES_PER_CASE} frames per case with vaora-testkit frame");
    for (width, height) in SIZES {
        for index in 0..FRAMES_PER_CASE {
            for (kind, text) in [("code", Some(VENUE_LIKE)), ("none", None)] {
                let out = frames.join(format!("{kind}-{width}x{height}-{index}.png"));
                let (width, height, frame) = (
                    width.to_string(),
                    height.to_string(),
                    (index * 11).to_string(),
                );
                let mut frame_args = vec![
                    "frame", "--width", &width, "--height", &height, "--index", &frame,
                ];
                if let Some(text) = text {
                    frame_args.extend(["--text", text]);
                }
                let out = out.to_string_lossy();
                frame_args.extend(["--out", &out]);
                tools::run(&root, &testkit.to_string_lossy(), &frame_args)?;
            }
        }
    }

    let script = root.join("xtask/bench/browser-decode.mjs");
    let status = Command::new("node")
        .arg(&script)
        .arg("--chromium")
        .arg(&chromium)
        .arg("--pkg")
        .arg(&pkg)
        .arg("--frames")
        .arg(&frames)
        .args(["--text", VENUE_LIKE])
        .args(args)
        .current_dir(&root)
        .status()
        .context("cannot start node (Node.js 20+ is required)")?;
    if !status.success() {
        bail!("the browser decode benchmark failed ({status}); see the messages above");
    }
    Ok(())
}

/// An optimised `vaora-testkit`: rendering degraded hand-held clips in a debug build takes
/// about a second per frame.
pub fn release_testkit(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        root,
        &cargo,
        &["build", "--quiet", "--release", "-p", "vaora-testkit"],
    )?;
    Ok(build::target_dir(root).join("release/vaora-testkit"))
}
