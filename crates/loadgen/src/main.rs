//! `vaora-loadgen --url URL --venue-code CODE (--connections N | --rate R) [--seconds S]
//! [--max-requests N]`: prints one JSON line with what the server acknowledged.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use vaora_loadgen::{run, Config, Load};

#[tokio::main]
async fn main() -> Result<()> {
    let config = parse(std::env::args().skip(1).collect())?;
    let report = run(config).await?;
    println!("{}", report.to_json());
    Ok(())
}

fn parse(args: Vec<String>) -> Result<Config> {
    let mut base_url = None;
    let mut venue_code = None;
    let mut load = None;
    let mut seconds = 10.0;
    let mut max_requests = u64::MAX;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => base_url = Some(value),
            "--venue-code" => venue_code = Some(value),
            "--connections" => {
                load = Some(Load::Saturate {
                    connections: value.parse().context("--connections")?,
                })
            }
            "--rate" => {
                load = Some(Load::Rate {
                    per_second: value.parse().context("--rate")?,
                    max_in_flight: 4096,
                })
            }
            "--seconds" => seconds = value.parse().context("--seconds")?,
            "--max-requests" => max_requests = value.parse().context("--max-requests")?,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(Config {
        base_url: base_url.context("--url is required")?,
        venue_code: venue_code.context("--venue-code is required")?,
        load: load.context("--connections N or --rate R is required")?,
        duration: Duration::from_secs_f64(seconds),
        max_requests,
    })
}
