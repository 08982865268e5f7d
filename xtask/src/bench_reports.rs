//! `cargo xtask bench-reports [--runs N] [--fresh] [--also PATH]`: the authority's daily report
//! on a national-size SQLite database — 200,000 venues over 63 provinces, 693 districts and
//! 10,395 wards, 1,000,000 check-ins over 14 days by 300,000 people — filled through the
//! `Storage` API by `vaora-bench-data` (kept in the target dir and reused; `--fresh` makes a new
//! one). The release server is started on it and each query is timed over HTTP: the dashboard
//! of a ward, of its district, and the zero-scan list of its province, against the 200 ms
//! target; then the 14-day case trace of the generated people with visits
//! (`bench_trace::bench_case_trace`). `--also PATH` times one more GET the same way (`{person}`
//! in it becomes each of those people in turn); [`time_query`] does it from code.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::bench_server::Server;
use crate::{build, root, tools};

/// The target for each query.
const TARGET_MS: f64 = 200.0;
const ADMIN_TOKEN: &str = "bench-reports-token";

pub fn bench_reports(args: &[String]) -> Result<()> {
    let mut runs = 25usize;
    let mut fresh = false;
    let mut also: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--runs" => runs = rest.next().context("--runs needs a value")?.parse()?,
            "--fresh" => fresh = true,
            "--also" => also.push(rest.next().context("--also needs a path")?.clone()),
            other => bail!("unknown option {other}"),
        }
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    tools::run(
        &root,
        &cargo,
        &["build", "--release", "--quiet", "-p", "vaora-server"],
    )?;
    let bin = build::target_dir(&root).join("release");
    let dir = build::target_dir(&root).join("bench-reports");
    let db = dir.join("reports.sqlite");
    let summary_path = dir.join("reports.json");
    if fresh || !summary_path.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        generate(&bin, &db, &summary_path)?;
    }
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(&summary_path)?)?;
    let field = |key: &str| {
        summary[key]
            .as_str()
            .map(str::to_owned)
            .context("reports.json")
    };
    let (day, ward, district, province) = (
        field("day")?,
        field("ward")?,
        field("district")?,
        field("province")?,
    );
    let people: Vec<String> = summary["people"]
        .as_array()
        .map(|people| {
            people
                .iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();

    let server = Server::start(
        &bin,
        &["--db", &db.to_string_lossy(), "--admin-token", ADMIN_TOKEN],
    )?;
    println!(
        "database: {} check-ins, day {day}; {runs} runs per query after 2 warm-ups",
        summary["checkins"]
    );
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>8}",
        "query", "median ms", "p90 ms", "max ms", "≤ 200 ms"
    );
    let mut queries = vec![
        (
            format!("dashboard of ward {ward}"),
            format!("/v1/reports/units?unit={ward}&day={day}"),
        ),
        (
            format!("dashboard of district {district}"),
            format!("/v1/reports/units?unit={district}&day={day}"),
        ),
        (
            format!("zero-scan list of province {province}"),
            format!("/v1/reports/zero-scan?unit={province}&day={day}"),
        ),
        (
            format!("dashboard of province {province}"),
            format!("/v1/reports/units?unit={province}&day={day}"),
        ),
        (
            format!("zero-scan PDF of province {province}"),
            format!("/v1/reports/zero-scan?unit={province}&day={day}&format=pdf"),
        ),
    ];
    for path in &also {
        queries.push((path.clone(), path.clone()));
    }
    for (label, path) in queries {
        let timing = time_query(&server.base_url, ADMIN_TOKEN, &path, &people, runs)?;
        println!(
            "{label:<44} {:>9.1} {:>9.1} {:>9.1} {:>8}",
            timing.median_ms,
            timing.p90_ms,
            timing.max_ms,
            if timing.median_ms <= TARGET_MS {
                "yes"
            } else {
                "NO"
            }
        );
    }
    // The 14-day case trace of the same people on the same database (its own module: a POST,
    // within the server's 30 traces per token per hour).
    let generated_at = summary["generated_at"]
        .as_i64()
        .context("reports.json: generated_at (make it again with --fresh)")?;
    crate::bench_trace::bench_case_trace(&server.base_url, ADMIN_TOKEN, &people, generated_at)?;
    println!("people with visits: {}", people.join(" "));
    Ok(())
}

/// Fills a new database with `vaora-bench-data`, keeping its summary.
fn generate(bin: &Path, db: &Path, summary: &Path) -> Result<()> {
    eprintln!("xtask: generating the reports database (a few minutes)");
    let out = Command::new(bin.join("vaora-bench-data"))
        .args(["--db", &db.to_string_lossy()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot run vaora-bench-data")?;
    if !out.status.success() {
        bail!("vaora-bench-data failed");
    }
    std::fs::write(summary, &out.stdout)?;
    Ok(())
}

/// Latencies of one query over HTTP.
pub struct Timing {
    pub median_ms: f64,
    pub p90_ms: f64,
    pub max_ms: f64,
}

/// Times `GET path` on the server at `base_url` (`http://127.0.0.1:PORT`) with the bearer
/// `token`: 2 warm-ups, then `runs` requests, each on a new connection, the whole answer read.
/// `{person}` in `path` becomes each of `people` in turn. Fails unless every answer is 200.
pub fn time_query(
    base_url: &str,
    token: &str,
    path: &str,
    people: &[String],
    runs: usize,
) -> Result<Timing> {
    let address = base_url
        .strip_prefix("http://")
        .context("an http:// base URL")?
        .trim_end_matches('/');
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs + 2 {
        let person = people
            .get(run % people.len().max(1))
            .map_or("", String::as_str);
        let path = path.replace("{person}", person);
        let started = Instant::now();
        let status = get(address, token, &path)?;
        let elapsed = started.elapsed();
        if status != 200 {
            bail!("GET {path}: status {status}");
        }
        if run >= 2 {
            times.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    Ok(Timing {
        median_ms: at(0.5),
        p90_ms: at(0.9),
        max_ms: at(1.0),
    })
}

/// One HTTP/1.1 GET, read to the end; its status.
fn get(address: &str, token: &str, path: &str) -> Result<u16> {
    let mut stream = TcpStream::connect(address).with_context(|| format!("connect {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let head = String::from_utf8_lossy(&answer[..answer.len().min(32)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .with_context(|| format!("not an HTTP answer: {head:?}"))
}
