//! The 14-day case trace over HTTP against a running server (`POST /v1/trace/cases`): the median
//! of [`RUNS`] timed queries after one warm-up, against the 200 ms target. For `bench-server`'s
//! large dataset, or by hand: `cargo xtask bench-trace <BASE-URL> <ADMIN-TOKEN> <END-MS> <ID>…`.
//!
//! The server allows 30 case traces per token per hour, so one call stays below that (1 + 24);
//! a second call within the hour with the same token is refused (`429`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Timed queries (after one warm-up): at least 20, under the server's 30 per hour.
pub const RUNS: usize = 24;
/// The target for a 14-day trace.
pub const TARGET: Duration = Duration::from_millis(200);
const DAY_MS: i64 = 86_400_000;

/// `cargo xtask bench-trace <BASE-URL> <ADMIN-TOKEN> <END-MS> <ID>…`.
pub fn bench_trace_cli(args: &[String]) -> Result<()> {
    let [base_url, token, end, identifiers @ ..] = args else {
        bail!("usage: bench-trace <BASE-URL> <ADMIN-TOKEN> <END-MS> <ID>…");
    };
    let end: i64 = end.parse().context("END-MS: unix milliseconds")?;
    bench_case_trace(base_url, token, identifiers, end).map(|_| ())
}

/// Times 14-day traces ending at `end_ms` (unix ms) of `identifiers` (phones or ID numbers,
/// taken in turn) at `base_url` (`http://host:port`); prints and returns the median.
pub fn bench_case_trace(
    base_url: &str,
    admin_token: &str,
    identifiers: &[String],
    end_ms: i64,
) -> Result<Duration> {
    if identifiers.is_empty() {
        bail!("bench-trace needs at least one person identifier");
    }
    let address = base_url
        .strip_prefix("http://")
        .context("bench-trace speaks plain http:// only")?
        .trim_end_matches('/');
    let mut times = Vec::with_capacity(RUNS);
    let mut found = (0u64, 0u64);
    for run in 0..=RUNS {
        let identifier = &identifiers[run % identifiers.len()];
        let body = json!({
            "case_reference": format!("BENCH-{run}"),
            "identifier": identifier,
            "from": end_ms - 14 * DAY_MS,
            "to": end_ms,
            "after_minutes": 30,
        });
        let started = Instant::now();
        let trace = post(address, "/v1/trace/cases", admin_token, &body)?;
        let elapsed = started.elapsed();
        if run > 0 {
            times.push(elapsed);
            found.0 += trace["visits"].as_array().map_or(0, Vec::len) as u64;
            found.1 += trace["contacts"].as_array().map_or(0, Vec::len) as u64;
        }
    }
    times.sort_unstable();
    let median = times[times.len() / 2];
    let verdict = if median <= TARGET { "ok" } else { "OVER" };
    println!(
        "case trace (14 days): median {:.1} ms, p90 {:.1} ms, max {:.1} ms over {RUNS} runs \
         ({:.1} visits, {:.1} contacts per trace); target {} ms: {verdict}",
        ms(median),
        ms(times[times.len() * 9 / 10]),
        ms(times[times.len() - 1]),
        found.0 as f64 / RUNS as f64,
        found.1 as f64 / RUNS as f64,
        TARGET.as_millis(),
    );
    Ok(median)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One HTTP/1.1 POST of JSON with a bearer token; the answer's JSON, or an error for any status
/// but 200.
fn post(address: &str, path: &str, token: &str, body: &Value) -> Result<Value> {
    let body = body.to_string();
    let mut stream =
        TcpStream::connect(address).with_context(|| format!("cannot connect to {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let (head, rest) = text.split_once("\r\n\r\n").context("not an HTTP answer")?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if status != "200" {
        bail!("POST {path} answered {status}: {rest}");
    }
    let json = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(rest)?
    } else {
        rest.to_owned()
    };
    serde_json::from_str(&json).context("the trace is not JSON")
}

/// The body of a chunked answer.
fn unchunk(mut rest: &str) -> Result<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").context("chunk size")?;
        let size = usize::from_str_radix(size.trim(), 16).context("chunk size")?;
        if size == 0 {
            return Ok(body);
        }
        body.push_str(after.get(..size).context("short chunk")?);
        rest = after.get(size + 2..).context("chunk end")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            unchunk("4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n").expect("body"),
            "{\"a\":1}"
        );
    }
}
