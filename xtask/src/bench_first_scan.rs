//! `cargo xtask bench-first-scan`: the first scan on a throttled network (1.6 Mbps down,
//! 750 kbps up, 150 ms round trip, cache disabled, fresh profile each run): time from opening
//! the app link to the camera being live and to the first decoded venue, and the bytes on the
//! wire up to camera live (`xtask/bench/first-scan.mjs`, which reuses the end-to-end tests'
//! harness), against the release build served by the release server.

use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench_browser::release_testkit;
use crate::build::{self, Profile};
use crate::{root, tools};

/// Builds the app, the server and the testkit for release, then runs the driver script; `args`
/// (`--runs N`, `--no-service-worker`) go to it.
pub fn bench_first_scan(args: &[String]) -> Result<()> {
    let root = root();
    tools::ensure_npm_packages(&root)?;
    let chromium = tools::ensure_chromium()?;
    let pkg = build::build(Profile::Release)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        &root,
        &cargo,
        &["build", "--quiet", "--release", "-p", "vaora-server"],
    )?;
    let server = build::target_dir(&root).join("release/vaora-server");
    let testkit = release_testkit(&root)?;

    let status = Command::new("node")
        .arg(root.join("xtask/bench/first-scan.mjs"))
        .args(args)
        .current_dir(&root)
        .env("VAORA_SERVER_BIN", server)
        .env("VAORA_TESTKIT_BIN", testkit)
        .env("VAORA_PKG", pkg)
        .env("VAORA_CHROMIUM", chromium)
        .status()
        .context("cannot start node (Node.js 20+ is required)")?;
    if !status.success() {
        bail!("the first-scan benchmark failed ({status}); see the messages above");
    }
    Ok(())
}
