//! `cargo xtask test`: every check the project has, in the order that fails fastest.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::build::{self, Profile};
use crate::postgres::TempPostgres;
use crate::{conformance, npm_pack, root, tools, units};

/// Crates that are compiled to wasm32 and must also pass clippy there.
const WASM_CRATES: [&str; 10] = [
    "-p",
    "vaora",
    "-p",
    "vaora-scan-worker",
    "-p",
    "vaora-photo-worker",
    "-p",
    "vaora-protocol",
    "-p",
    "vaora-scan",
];

/// fmt → clippy (native and wasm32) → native tests (with a throw-away PostgreSQL) → release
/// build → browser end-to-end tests.
pub fn test_all() -> Result<()> {
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::ensure_wasm_target()?;

    step("format");
    tools::run(&root, &cargo, &["fmt", "--all", "--", "--check"])?;
    step("clippy (native)");
    tools::run(
        &root,
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    step("clippy (wasm32)");
    let mut wasm_clippy = vec!["clippy", "--target", "wasm32-unknown-unknown"];
    wasm_clippy.extend(WASM_CRATES);
    wasm_clippy.extend(["--", "-D", "warnings"]);
    tools::run(&root, &cargo, &wasm_clippy)?;
    step("native tests (SQLite and PostgreSQL stores)");
    let postgres = TempPostgres::start()?;
    let official_units = units::official_csv(&root)?;
    let status = Command::new(&cargo)
        .args(["test", "--workspace"])
        .current_dir(&root)
        .env("VAORA_TEST_DATABASE_URL", postgres.url())
        .env("VAORA_TEST_UNITS_CSV", &official_units)
        .status()
        .context("cannot start cargo")?;
    if !status.success() {
        bail!("native tests failed ({status})");
    }

    step("conformance suite against the reference server (SQLite, PostgreSQL)");
    let bin = build::target_dir(&root).join("debug");
    let scratch = std::env::temp_dir().join(format!("vaora-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let sqlite = scratch.join("conformance.sqlite");
    let key = scratch.join("signing-key");
    let url = postgres.url();
    let outcome =
        conformance::against_reference(&bin, "SQLite", &["--db", &sqlite.to_string_lossy()])
            .and_then(|()| {
                // PostgreSQL with the official unit list loaded, as a national deployment runs.
                conformance::against_reference(
                    &bin,
                    "PostgreSQL",
                    &[
                        "--database-url",
                        &url,
                        "--signing-key",
                        &key.to_string_lossy(),
                        "--units",
                        &official_units.to_string_lossy(),
                    ],
                )
            });
    let _ = std::fs::remove_dir_all(&scratch);
    drop(postgres);
    outcome?;

    step("release build of the app");
    let pkg = build::build(Profile::Release)?;
    tools::run(
        &root,
        &cargo,
        &["build", "-p", "vaora-server", "-p", "vaora-testkit"],
    )?;
    let chromium = tools::ensure_chromium()?;
    tools::ensure_npm_packages(&root)?;

    step("browser end-to-end tests");
    e2e(&root, &pkg, &chromium)
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

fn e2e(root: &Path, pkg: &Path, chromium: &Path) -> Result<()> {
    let bin = build::target_dir(root).join("debug");
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .current_dir(root)
        .env("VAORA_SERVER_BIN", bin.join("vaora-server"))
        .env("VAORA_TESTKIT_BIN", bin.join("vaora-testkit"))
        .env("VAORA_PKG", pkg)
        .env("VAORA_NPM_TARBALL", npm_pack::tarball(root))
        .env("VAORA_CHROMIUM", chromium)
        .status()
        .context("cannot start node (Node.js 20+ is required)")?;
    if !status.success() {
        bail!("end-to-end tests failed ({status})");
    }
    Ok(())
}
