//! `vaora-conformance <base-url> [--admin-token TOKEN] [--cors-origin ORIGIN]`: runs the protocol's conformance suite
//! against a backend and exits non-zero unless every check passes. The token may also come from
//! `VAORA_ADMIN_TOKEN`.

use std::process::ExitCode;

use vaora_conformance::{all_passed, run, Target};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut base_url = None;
    let mut token = std::env::var("VAORA_ADMIN_TOKEN").ok();
    let mut cors_origin = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--admin-token" => token = rest.next().cloned(),
            "--cors-origin" => cors_origin = rest.next().cloned(),
            url if base_url.is_none() && !url.starts_with('-') => base_url = Some(url.to_owned()),
            other => {
                eprintln!("vaora-conformance: unexpected argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(base_url), Some(token)) = (base_url, token) else {
        eprintln!(
            "usage: vaora-conformance <base-url> --admin-token TOKEN (or VAORA_ADMIN_TOKEN) \
             [--cors-origin ORIGIN-ALLOWED-TO-EMBED]"
        );
        return ExitCode::from(2);
    };
    let mut target = Target::new(&base_url, &token);
    if let Some(origin) = cors_origin {
        target = target.with_cors_origin(&origin);
    }
    println!("Vaora protocol v1 conformance: {}", target.base_url());
    let outcomes = run(&target).await;
    for outcome in &outcomes {
        if let Some(why) = outcome.skipped {
            println!("  skip  {} ({why})", outcome.name);
            continue;
        }
        match &outcome.result {
            Ok(()) => println!("  ok    {} ({} ms)", outcome.name, outcome.millis),
            Err(why) => println!("  FAIL  {}: {why}", outcome.name),
        }
    }
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    if all_passed(&outcomes) {
        println!(
            "compatible: {} of {} checks passed",
            outcomes.len(),
            outcomes.len()
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "NOT compatible: {failed} of {} checks failed",
            outcomes.len()
        );
        ExitCode::FAILURE
    }
}
