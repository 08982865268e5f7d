//! `cargo xtask bench-server [--seconds S] [--only sqlite|postgres|reports]`: the release server
//! on a fresh database (SQLite file; a throw-away PostgreSQL), driven over loopback by
//! `vaora-loadgen`: durable check-ins per second at saturation, then p50/p99 latency at fixed
//! offered rates. Server and load generator share the machine's cores. Then the authority's
//! report queries on a national-size database (`bench_reports`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::postgres::TempPostgres;
use crate::{root, tools};

/// Clients kept busy at saturation.
const SATURATION_CONNECTIONS: u32 = 64;
/// Offered rates (check-ins per second) for the latency runs.
const RATES: [u32; 3] = [1_000, 5_000, 10_000];

pub fn bench_server(args: &[String]) -> Result<()> {
    let mut seconds = 10u32;
    let mut only: Option<String> = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .context("--seconds needs a value")?
                    .parse()
                    .context("--seconds")?
            }
            "--only" => only = rest.next().cloned(),
            other => bail!("unknown option {other}"),
        }
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        &root,
        &cargo,
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "vaora-server",
            "-p",
            "vaora-loadgen",
        ],
    )?;
    let bin = crate::build::target_dir(&root).join("release");
    let scratch = std::env::temp_dir().join(format!("vaora-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;

    println!(
        "{:<9} {:<16} {:>10} {:>8} {:>8} {:>8} {:>7}",
        "store", "load", "acked/s", "p50 ms", "p99 ms", "max ms", "failed"
    );
    let wants = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let result = (|| -> Result<()> {
        if wants("sqlite") {
            let db = scratch.join("bench.sqlite");
            let server = Server::start(&bin, &["--db", &db.to_string_lossy()])?;
            drive(&bin, "sqlite", &server, seconds)?;
        }
        if wants("postgres") {
            let postgres = TempPostgres::start()?;
            let key = scratch.join("signing-key");
            let url = postgres.url();
            let server = Server::start(
                &bin,
                &[
                    "--database-url",
                    &url,
                    "--signing-key",
                    &key.to_string_lossy(),
                    "--admin-token",
                    "bench-token",
                ],
            )?;
            drive(&bin, "postgres", &server, seconds)?;
        }
        Ok(())
    })();
    let result = result.and_then(|()| {
        if wants("reports") {
            println!();
            crate::bench_reports::bench_reports(&[])
        } else {
            Ok(())
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn drive(bin: &Path, store: &str, server: &Server, seconds: u32) -> Result<()> {
    let mut loads = vec![(
        format!("saturate ({SATURATION_CONNECTIONS})"),
        vec![
            "--connections".to_owned(),
            SATURATION_CONNECTIONS.to_string(),
        ],
    )];
    for rate in RATES {
        loads.push((
            format!("{rate}/s offered"),
            vec!["--rate".to_owned(), rate.to_string()],
        ));
    }
    for (label, load) in loads {
        let out = Command::new(bin.join("vaora-loadgen"))
            .args([
                "--url",
                &server.base_url,
                "--venue-code",
                &server.venue_code,
            ])
            .args(&load)
            .args(["--seconds", &seconds.to_string()])
            .output()
            .context("cannot run vaora-loadgen")?;
        if !out.status.success() {
            bail!(
                "vaora-loadgen failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report: Value = serde_json::from_slice(&out.stdout).context("loadgen output")?;
        let num = |key: &str| report[key].as_f64().unwrap_or(f64::NAN);
        println!(
            "{store:<9} {label:<16} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>7}",
            num("per_second"),
            num("p50_ms"),
            num("p99_ms"),
            num("max_ms"),
            num("failed")
        );
    }
    Ok(())
}

/// The release server on a database, stopped when dropped.
pub struct Server {
    child: Child,
    pub base_url: String,
    venue_code: String,
}

impl Server {
    /// Starts it with `args` added, a demo venue, no rate limit, on a free port.
    pub fn start(bin: &Path, args: &[&str]) -> Result<Self> {
        let mut child = Command::new(bin.join("vaora-server"))
            // All load comes from one address: the per-client limit would measure itself.
            .args(["--addr", "127.0.0.1:0", "--seed-demo", "--rate-limit", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start vaora-server")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let (mut base_url, mut venue_code) = (None, None);
        for line in lines.by_ref() {
            let line = line?;
            if let Some(poster) = line.trim().strip_prefix("poster:") {
                venue_code = poster.split_once('#').map(|(_, code)| code.to_owned());
            }
            if let Some(url) = line.strip_prefix("listening on ") {
                base_url = Some(url.trim().to_owned());
                break;
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            base_url: base_url.context("the server did not start")?,
            venue_code: venue_code.context("the server printed no demo poster")?,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
