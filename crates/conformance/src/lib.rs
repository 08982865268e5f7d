//! The conformance suite of the Vaora check-in protocol v1 (`crates/protocol/openapi.json`): a
//! list of named checks run over HTTP against any backend. A backend that passes every check is
//! "compatible": the widget can post check-ins to it.
//!
//! The suite needs an administrator token, because it registers its own venue (named
//! `Conformance …`) and reads back what it stored. It writes a few check-ins with test data.

mod checks;
mod client;

use std::time::Instant;

pub use client::Target;

/// The result of one check.
#[derive(Debug)]
pub struct Outcome {
    /// What the check verifies, e.g. `check_in_and_replay`.
    pub name: &'static str,
    /// `Err` holds what the server did wrong.
    pub result: Result<(), String>,
    /// Not run, and why (e.g. the CORS check without an origin to try).
    pub skipped: Option<&'static str>,
    pub millis: u128,
}

/// Runs every check against `target`, in order; a failed check does not stop the others.
pub async fn run(target: &Target) -> Vec<Outcome> {
    let setup = checks::Setup::new(target).await;
    let mut outcomes = Vec::new();
    for (name, check) in checks::ALL {
        if *name == "cors_for_embedding" && target.cors_origin().is_none() {
            outcomes.push(Outcome {
                name,
                result: Ok(()),
                skipped: Some("no --cors-origin given"),
                millis: 0,
            });
            continue;
        }
        if *name == "unit_answer_in_list" && setup.as_ref().is_ok_and(|s| !s.has_units()) {
            outcomes.push(Outcome {
                name,
                result: Ok(()),
                skipped: Some("the backend has no unit list loaded"),
                millis: 0,
            });
            continue;
        }
        let started = Instant::now();
        let result = match &setup {
            Ok(setup) => check(setup).await,
            Err(why) if *name == "venue_registration" => Err(why.clone()),
            Err(_) => Err("not run: the suite could not register its venue".into()),
        };
        outcomes.push(Outcome {
            name,
            result,
            skipped: None,
            millis: started.elapsed().as_millis(),
        });
    }
    outcomes
}

/// Whether every check passed.
pub fn all_passed(outcomes: &[Outcome]) -> bool {
    outcomes.iter().all(|o| o.result.is_ok())
}
