//! What the kiosk's queued requests say about who is inside.

use uuid::Uuid;
use vaora_outbox::{Entry, Kind, State};
use vaora_protocol::person_key::PersonKey;
use vaora_protocol::personal_code::parse_personal;
use vaora_protocol::staff::{StaffCheckInRequest, StaffCheckOutRequest, StaffEntry};

/// The id of this kiosk's entry request for the person with any of `keys`, queued since
/// `since` and not refused, when no exit of theirs was queued after it: they are inside as far
/// as this kiosk knows.
pub fn let_in(queued: &[Entry], since: i64, keys: &[String]) -> Option<Uuid> {
    let mut inside = None;
    for entry in queued.iter().filter(|e| e.queued_at >= since) {
        if matches!(entry.state, State::Rejected { .. }) {
            continue;
        }
        let about = match entry.kind {
            Kind::StaffCheckIn | Kind::StaffCheckOut { .. } => keys_of(entry),
            Kind::CheckIn | Kind::CheckOut { .. } => continue,
        };
        if !about.iter().any(|key| keys.contains(key)) {
            continue;
        }
        inside = match entry.kind {
            Kind::StaffCheckIn => Some(entry.id),
            _ => None,
        };
    }
    inside
}

/// The person keys a queued staff request is about (none for a body that is not one).
fn keys_of(entry: &Entry) -> Vec<String> {
    let code = match entry.kind {
        Kind::StaffCheckIn => match serde_json::from_str::<StaffCheckInRequest>(&entry.body) {
            Ok(request) => match request.entry {
                StaffEntry::Scanned { code } => code,
                StaffEntry::Paper { declaration } => {
                    return PersonKey::of_answers(&declaration.answers)
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                }
            },
            Err(_) => return Vec::new(),
        },
        Kind::StaffCheckOut { .. } => {
            match serde_json::from_str::<StaffCheckOutRequest>(&entry.body) {
                Ok(request) => request.code,
                Err(_) => return Vec::new(),
            }
        }
        Kind::CheckIn | Kind::CheckOut { .. } => return Vec::new(),
    };
    parse_personal(&code)
        .map(|scanned| scanned.keys().iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

/// How many people are inside now: the server's count when last asked (`server`), corrected
/// by the staff requests it has not had yet (entries still to send add one, exits take one).
pub fn inside_now(server: u64, queued: &[Entry]) -> u64 {
    queued
        .iter()
        .filter(|entry| entry.state.unanswered())
        .fold(server, |count, entry| match entry.kind {
            Kind::StaffCheckIn => count + 1,
            Kind::StaffCheckOut { .. } => count.saturating_sub(1),
            Kind::CheckIn | Kind::CheckOut { .. } => count,
        })
}
