//! Tracing a case: the body and answer of `POST /v1/trace/cases`, the log of those queries, and
//! what a citizen sees of the reads of their own check-ins (`GET /v1/checkins/{id}/accesses`).
//!
//! **The co-presence rule.** A stay starts at its check-in and ends at its check-out; a stay
//! without one lasts the venue's default stay ([`crate::api::VenueKind::default_stay_minutes`]),
//! or until the same person (any shared person key) checks in at another venue, whichever comes
//! first; no stay counts for more than [`STAY_MAX_MINUTES`]. Someone is co-present with one of the
//! case's visits when their stay at that venue overlaps the case's stay extended by
//! `after_minutes` after it: `[case in, case out + after)` and `[in, out)` share a non-empty
//! interval (leaving exactly when the case arrives is no contact). The case's own check-ins (any
//! of their person keys) are never contacts; someone present at two of the case's visits is
//! listed once per visit.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::CheckInRecord;

/// Longest case reference (`BN-12345`, a ticket number), in characters.
pub const CASE_REFERENCE_MAX_CHARS: usize = 100;
/// Longest window one case trace may cover, in days (an exposure window is typically 14).
pub const CASE_WINDOW_MAX_DAYS: i64 = 31;
/// Largest `after_minutes`: a day.
pub const AFTER_MINUTES_MAX: u32 = 1440;
/// `after_minutes` when the body leaves it out.
pub const AFTER_MINUTES_DEFAULT: u32 = 30;
/// Longest a stay can count for, in minutes: a check-out days later is a forgotten one.
pub const STAY_MAX_MINUTES: u32 = 1440;
/// Case queries one token may make per hour.
pub const CASE_QUERIES_PER_HOUR: u32 = 30;

fn default_after_minutes() -> u32 {
    AFTER_MINUTES_DEFAULT
}

/// `POST /v1/trace/cases` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseTraceRequest {
    /// The case this query is for (e.g. `BN-12345`), 1 to 100 characters; kept in the audit log
    /// and shown to the citizens whose records are read.
    pub case_reference: String,
    /// The case's phone number or ID document number, in any usual writing.
    pub identifier: String,
    /// Start of the window, unix ms (inclusive): the case's check-ins from then on.
    pub from: i64,
    /// End of the window, unix ms (exclusive), at most 31 days after `from`.
    pub to: i64,
    /// Minutes after the case left during which arriving still counts as co-present (0 to 1440).
    #[serde(default = "default_after_minutes")]
    #[cfg_attr(feature = "schema", schemars(range(max = 1440)))]
    pub after_minutes: u32,
}

/// One of the case's visits, with how long its stay counts for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseVisit {
    pub record: CheckInRecord,
    /// When the stay ends under the co-presence rule, unix ms.
    pub stay_until: i64,
}

/// Someone co-present with one of the case's visits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseContact {
    /// Their check-in, with the venue and the declaration (name, phone to call).
    pub record: CheckInRecord,
    /// When their stay ends under the co-presence rule, unix ms.
    pub stay_until: i64,
    /// Which of the case's check-ins they were co-present with.
    pub case_checkin_id: Uuid,
    /// Start of the overlap, unix ms.
    pub overlap_from: i64,
    /// End of the overlap, unix ms.
    pub overlap_to: i64,
    /// Length of the overlap in minutes, rounded up.
    pub overlap_minutes: u32,
}

/// Answer of `POST /v1/trace/cases`. Every check-in in it (visits and contacts) has an access
/// record naming the caller and the case reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseTrace {
    pub case_reference: String,
    /// unix ms, inclusive
    pub from: i64,
    /// unix ms, exclusive
    pub to: i64,
    pub after_minutes: u32,
    /// The case's check-ins in the window, oldest first.
    pub visits: Vec<CaseVisit>,
    /// Everyone co-present, longest overlap first.
    pub contacts: Vec<CaseContact>,
    /// More matched than one answer holds (`TRACE_MAX_CHECKINS` visits or contacts): narrow the
    /// window.
    pub truncated: bool,
}

/// One case query as the audit log keeps it (the identifier masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseQueryRecord {
    /// When, unix ms.
    pub at: i64,
    /// Who asked (a role or token name).
    pub actor: String,
    pub case_reference: String,
    /// The person key asked for, masked (`phone:09******78`).
    pub identifier: String,
    pub from: i64,
    pub to: i64,
    pub after_minutes: u32,
    /// How many visits and contacts were handed out.
    pub visits: u32,
    pub contacts: u32,
}

/// Answer of `GET /v1/admin/trace/cases`: the latest case queries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseQueryLog {
    pub queries: Vec<CaseQueryRecord>,
}

/// One read of a citizen's check-in, as the citizen sees it: when, and why — never who.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CheckInRead {
    /// When, unix ms.
    pub at: i64,
    /// The case the read was for, when it came from a case trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_reference: Option<String>,
    /// The purpose the reader stated (for a case trace, `case trace`).
    pub purpose: String,
}

/// Answer of `GET /v1/checkins/{id}/accesses`, oldest first (empty when never read or unknown).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CheckInReads {
    pub reads: Vec<CheckInRead>,
}

/// `phone:0912345678` → `phone:09******78`: enough to tell queries apart in the log, not to
/// identify anyone.
pub fn mask_person_key(key: &str) -> String {
    let (kind, value) = key.split_once(':').unwrap_or(("", key));
    let chars: Vec<char> = value.chars().collect();
    let shown = if chars.len() > 6 { 2 } else { 0 };
    let masked: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < shown || i + shown >= chars.len() {
                *c
            } else {
                '*'
            }
        })
        .collect();
    if kind.is_empty() {
        masked
    } else {
        format!("{kind}:{masked}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_masked_but_their_kind_kept() {
        assert_eq!(mask_person_key("phone:0912345678"), "phone:09******78");
        assert_eq!(mask_person_key("id:001099012345"), "id:00********45");
        assert_eq!(mask_person_key("id:B123"), "id:****");
    }

    #[test]
    fn after_minutes_defaults_to_thirty() {
        let body: CaseTraceRequest = serde_json::from_str(
            r#"{"case_reference":"BN-1","identifier":"0912345678","from":0,"to":1}"#,
        )
        .expect("body");
        assert_eq!(body.after_minutes, AFTER_MINUTES_DEFAULT);
    }
}
