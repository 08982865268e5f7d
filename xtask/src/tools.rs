//! Running commands and making sure the tools the build needs are present: the wasm32 target,
//! npm dev packages from the committed lockfile, Debian's Chromium (and PostgreSQL, `postgres.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Runs a command in `dir`, failing with its command line when it fails.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("cannot start `{program}` (is it installed?)"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Adds the wasm32 target through rustup when it is missing.
pub fn ensure_wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    let installed = output("rustup", &["target", "list", "--installed"]);
    if installed.is_some_and(|list| list.lines().any(|l| l.trim() == TARGET)) {
        return Ok(());
    }
    eprintln!("xtask: adding the {TARGET} target with rustup");
    run(Path::new("."), "rustup", &["target", "add", TARGET])
        .context("install it with `rustup target add wasm32-unknown-unknown`")
}

/// Installs the npm dev packages (binaryen, playwright-core) from package-lock.json when
/// node_modules is missing or older than the lockfile.
pub fn ensure_npm_packages(root: &Path) -> Result<()> {
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = match (modified(&stamp), modified(&lock)) {
        (Some(installed), Some(locked)) => installed >= locked,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    if output("npm", &["--version"]).is_none() {
        bail!("npm is required (Node.js 20+): install Node.js and npm, then re-run");
    }
    eprintln!("xtask: installing npm dev packages (npm ci)");
    run(root, "npm", &["ci", "--no-audit", "--no-fund"])
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `wasm-opt` from the npm `binaryen` package (Debian's binaryen 108 miscompiles: never used).
pub fn wasm_opt(root: &Path) -> Result<PathBuf> {
    ensure_npm_packages(root)?;
    let path = root.join("node_modules/.bin/wasm-opt");
    if !path.exists() {
        bail!("node_modules/.bin/wasm-opt is missing: run `npm ci` in the repository root");
    }
    Ok(path)
}

/// `terser` from npm: minifies the shipped JavaScript (glue and shell) in release builds.
pub fn terser(root: &Path) -> Result<PathBuf> {
    ensure_npm_packages(root)?;
    let path = root.join("node_modules/.bin/terser");
    if !path.exists() {
        bail!("node_modules/.bin/terser is missing: run `npm ci` in the repository root");
    }
    Ok(path)
}

/// The Chromium used by the end-to-end tests: `VAORA_CHROMIUM`, or Debian's, installed with
/// apt-get when running as root.
pub fn ensure_chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("VAORA_CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.exists() {
        return Ok(debian);
    }
    if !is_root() {
        bail!(
            "Chromium is needed for the browser tests: install Debian's `chromium` package \
             (sudo apt-get install chromium) or set VAORA_CHROMIUM to a Chromium binary"
        );
    }
    eprintln!("xtask: installing Debian chromium (apt-get)");
    apt_install(&["chromium"])?;
    Ok(debian)
}

/// Whether this process runs as root (and may install Debian packages).
pub fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// `apt-get install` of Debian packages (as root).
pub fn apt_install(packages: &[&str]) -> Result<()> {
    run(Path::new("."), "apt-get", &["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(packages);
    // dpkg sometimes complains of a missing archive on the first try; once more is enough.
    run(Path::new("."), "apt-get", &install).or_else(|_| run(Path::new("."), "apt-get", &install))
}
