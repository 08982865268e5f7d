//! `cargo xtask serve`: build the app, then become the reference server (so Ctrl-C reaches it
//! directly and it shuts down cleanly).

use anyhow::{Context, Result};

use crate::build::{self, Profile};
use crate::{root, tools};

/// Builds `pkg/` and the server, then runs it with SQLite under `data/` and a demo venue.
pub fn serve(args: &[String]) -> Result<()> {
    let profile = if args.iter().any(|a| a == "--dev") {
        Profile::Dev
    } else {
        Profile::Release
    };
    let server_args: Vec<&String> = args
        .iter()
        .skip_while(|a| a.as_str() != "--")
        .skip(1)
        .collect();
    let root = root();
    let pkg = build::build(profile)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        &root,
        &cargo,
        &["build", "--release", "--quiet", "-p", "vaora-server"],
    )?;
    let server = build::target_dir(&root).join("release/vaora-server");
    let mut command = std::process::Command::new(&server);
    command
        .current_dir(&root)
        .arg("--static")
        .arg(&pkg)
        .arg("--seed-demo")
        .args(server_args);
    exec(command).with_context(|| format!("starting {}", server.display()))
}

#[cfg(unix)]
fn exec(mut command: std::process::Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    Err(command.exec().into())
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> Result<()> {
    let status = command.status()?;
    anyhow::ensure!(status.success(), "server exited with {status}");
    Ok(())
}
