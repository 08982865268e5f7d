//! `cargo xtask conformance <base-url> [--admin-token T] [--cors-origin O]`: the protocol's conformance suite
//! against any backend; and, inside `cargo xtask test`, against the reference server binary on
//! each store.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{build, root, tools};

/// Builds and runs `vaora-conformance` with `args` (base URL, token).
pub fn conformance(args: &[String]) -> Result<()> {
    if args.is_empty() {
        bail!("usage: cargo xtask conformance <base-url> [--admin-token TOKEN]");
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        &root,
        &cargo,
        &["build", "--quiet", "-p", "vaora-conformance"],
    )?;
    let bin = build::target_dir(&root).join("debug/vaora-conformance");
    let status = Command::new(&bin)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !status.success() {
        bail!("the backend is not conformant ({status})");
    }
    Ok(())
}

/// Starts the server binary in `bin_dir` with `server_args` and an admin token, runs the suite
/// against it, stops it.
pub fn against_reference(bin_dir: &Path, label: &str, server_args: &[&str]) -> Result<()> {
    const TOKEN: &str = "xtask-conformance-token";
    const PORTAL: &str = "https://portal.example.vn";
    let mut server = Command::new(bin_dir.join("vaora-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--admin-token",
            TOKEN,
            "--cors-origin",
            PORTAL,
        ])
        .args(server_args)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start vaora-server")?;
    let stdout = server.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned));
    std::thread::spawn(move || lines.for_each(drop));
    let result = match url {
        Some(url) => {
            eprintln!("xtask: conformance of the reference server on {label}");
            Command::new(bin_dir.join("vaora-conformance"))
                .args([url.trim(), "--admin-token", TOKEN, "--cors-origin", PORTAL])
                .status()
                .context("cannot run vaora-conformance")
        }
        None => Err(anyhow::anyhow!("vaora-server did not start ({label})")),
    };
    let _ = server.kill();
    let _ = server.wait();
    let status = result?;
    if !status.success() {
        bail!("the reference server on {label} failed the conformance suite");
    }
    Ok(())
}
