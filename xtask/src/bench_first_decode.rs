//! `cargo xtask bench-first-decode`: time to first decode, end to end, through Chromium's fake
//! camera. For each degradation of `vaora-testkit clip --degrade` (plus the plain hand-held
//! scene and two common combinations), the real app is served by the reference server with
//! its demo venue, a clip of the venue's poster code plays as the camera, and the time from
//! the camera going live to the venue screen is measured (`xtask/bench/first-decode.mjs`,
//! which reuses the end-to-end tests' harness).

use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench_browser::release_testkit;
use crate::build::{self, Profile};
use crate::{root, tools};

/// Builds the app, the server and the testkit, then runs the driver script; `args`
/// (`--size WxH`, `--seconds S`, `--runs N`, `--timeout-ms MS`, `--only CLIPS`, `--keep DIR`)
/// go to it.
pub fn bench_first_decode(args: &[String]) -> Result<()> {
    let root = root();
    tools::ensure_npm_packages(&root)?;
    let chromium = tools::ensure_chromium()?;
    let pkg = build::build(Profile::Release)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The server as the end-to-end tests run it; its speed is not what is measured.
    tools::run(&root, &cargo, &["build", "--quiet", "-p", "vaora-server"])?;
    let testkit = release_testkit(&root)?;

    let status = Command::new("node")
        .arg(root.join("xtask/bench/first-decode.mjs"))
        .args(args)
        .current_dir(&root)
        .env("VAORA_SERVER_BIN", root.join("target/debug/vaora-server"))
        .env("VAORA_TESTKIT_BIN", testkit)
        .env("VAORA_PKG", pkg)
        .env("VAORA_CHROMIUM", chromium)
        .status()
        .context("cannot start node (Node.js 20+ is required)")?;
    if !status.success() {
        bail!("the first-decode benchmark failed ({status}); see the messages above");
    }
    Ok(())
}
