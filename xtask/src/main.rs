//! `cargo xtask <command>`: the project's build, run and test entry points.
//!
//! - `build [--release]`  wasm → `pkg/` (UI split into lazy chunks, wasm-bindgen, static shell;
//!   release: wasm-opt, minified JS, sizes, the npm package `target/npm/vaora-<version>.tgz`)
//! - `serve [--dev] [-- <server options>]`  build, then run the reference server with SQLite
//! - `test`  fmt, clippy, native tests, conformance, browser end-to-end tests
//! - `units`  the official list of administrative units as CSV (for `vaora-server --units`)
//! - `conformance <base-url>`  the check-in protocol's conformance suite against any backend
//! - `bench-size`  opt-level variants: wasm sizes and decoder speed (BENCHMARKS.md)
//! - `bench-decode`  corpus decode rate: Vaora vs rqrr vs zxing-cpp
//! - `bench-browser`  per-frame decode time in Chromium: Vaora vs zxing-wasm
//! - `bench-first-decode`  time to first decode through the fake camera, per degradation
//! - `bench-first-scan`  app link → camera live → first venue on a throttled 3G-like network
//! - `bench-server`  check-ins per second and latency of the reference server, SQLite and
//!   PostgreSQL, then `bench-reports`
//! - `bench-reports`  the authority's daily report queries on a national-size SQLite database

mod bench_browser;
mod bench_decode;
mod bench_first_decode;
mod bench_first_scan;
mod bench_reports;
mod bench_server;
mod bench_size;
mod bench_trace;
mod build;
mod conformance;
mod glue;
mod icons;
mod npm_pack;
mod offline;
mod postgres;
mod precompress;
mod run;
mod sizes;
mod test;
mod tools;
mod units;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build::build(profile_from(&args[1..], build::Profile::Dev)).map(|_| ()),
        Some("serve") => run::serve(&args[1..]),
        Some("test") => test::test_all(),
        Some("conformance") => conformance::conformance(&args[1..]),
        Some("units") => units::official_csv(&root()).map(|csv| println!("{}", csv.display())),
        Some("bench-size") => bench_size::bench_size(),
        Some("bench-server") => bench_server::bench_server(&args[1..]),
        Some("bench-reports") => bench_reports::bench_reports(&args[1..]),
        Some("bench-decode") => bench_decode::bench_decode(&args[1..]),
        Some("bench-browser") => bench_browser::bench_browser(&args[1..]),
        Some("bench-first-decode") => bench_first_decode::bench_first_decode(&args[1..]),
        Some("bench-first-scan") => bench_first_scan::bench_first_scan(&args[1..]),
        Some("bench-trace") => bench_trace::bench_trace_cli(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>
  build [--release]              build the widget into pkg/ (release: wasm-opt, minified JS,
                                 sizes, npm pack into the target dir's npm/)
  serve [--dev] [-- OPTIONS]     build and run the reference server (SQLite), print the URLs;
                                 OPTIONS go to vaora-server (see `-- --help`)
  test                           every check: fmt, clippy, native tests (SQLite and a
                                 throw-away PostgreSQL), conformance, browser e2e tests
  units                          fetch the official 2025 list of administrative units (34
                                 provinces, 3,321 communes) as CSV; prints its path
  conformance <BASE-URL> [--admin-token T]
                                 the protocol v1 conformance suite against any backend
                                 (token also from VAORA_ADMIN_TOKEN)
  bench-server [--seconds S] [--only sqlite|postgres|reports]
                                 reference server under load over loopback: durable
                                 check-ins/s at saturation, p50/p99 at fixed offered rates;
                                 then bench-reports
  bench-reports [--runs N] [--fresh] [--also PATH]
                                 report queries (ward and district dashboards, province
                                 zero-scan list) on 200,000 venues and 1,000,000 check-ins in
                                 SQLite (generated once, kept in the target dir): median ms;
                                 --also times PATH too ({person}: people with visits)
  bench-size                     release-profile variants: wasm sizes and decode time per frame
  bench-decode [DIR] [--list]    corpus decode rate and ms/image: Vaora vs rqrr vs zxing-cpp
  bench-browser [--timed N] [--warmup N]
                                 ms per camera frame in headless Chromium, 640x480 and
                                 1280x720, with and without a code: Vaora vs zxing-wasm
  bench-first-decode [--size WxH] [--runs N] [--seconds S] [--timeout-ms MS] [--only CLIPS]
                                 time from camera live to the venue screen through the fake
                                 camera, per degraded clip (CLIPS: comma-separated, each none
                                 or degradations joined by +: perspective, motion-blur,
                                 defocus, noise, low-light, glare, far, inverted)
  bench-first-scan [--runs N] [--no-service-worker]
                                 the app link on a throttled network (1.6 Mbps down, 750
                                 kbps up, 150 ms RTT, no cache, fresh profile): ms to camera
                                 live and to the first venue, KB on the wire to camera live
  bench-trace <BASE-URL> <ADMIN-TOKEN> <END-MS> <ID>...
                                 a running server's 14-day case trace (ending END-MS, unix
                                 ms) of each ID in turn: median of 24 runs vs 200 ms";

fn profile_from(args: &[String], default: build::Profile) -> build::Profile {
    if args.iter().any(|a| a == "--release") {
        build::Profile::Release
    } else if args.iter().any(|a| a == "--dev") {
        build::Profile::Dev
    } else {
        default
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
