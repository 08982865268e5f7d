//! A venue kiosk's decisions, apart from the browser: which reads to act on (a code held in
//! front of the camera is read on every frame), what an entry or exit scan asks the server for,
//! who this kiosk let in while their entry is still queued (an exit waits for it, and a second
//! entry scan is refused on the spot, offline too), and how many people are inside while
//! requests are still on their way.
//!
//! The kiosk's requests live in the device's outbox (`vaora-outbox`), so this crate reads
//! what it needs from the queued entries rather than keeping a second record.

mod debounce;
mod queued;

use uuid::Uuid;
use vaora_outbox::Entry;
use vaora_protocol::personal_code::{parse_personal, PersonalCodeError};
use vaora_protocol::staff::{MaskedPerson, StaffCheckInRequest, StaffCheckOutRequest, StaffEntry};

pub use debounce::Debounce;
pub use queued::{inside_now, let_in};

/// Whether the kiosk lets people in or out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    Entry,
    Exit,
}

/// What a kiosk does with a scanned text.
#[derive(Clone, Debug, PartialEq)]
pub enum Scan {
    /// Not a personal code this kiosk reads: the reason, for the red screen.
    Invalid(PersonalCodeError),
    /// Let in: queue this request.
    Entry {
        person: MaskedPerson,
        request: StaffCheckInRequest,
    },
    /// This kiosk let the person in already and has not seen them leave: nothing is queued.
    AlreadyInside { person: MaskedPerson },
    /// Let out: queue this request, after this kiosk's queued entry of the person if any.
    Exit {
        person: MaskedPerson,
        request: StaffCheckOutRequest,
        after: Option<Uuid>,
    },
}

/// Decides what scanning `text` at `now` does, given the kiosk's queued requests (`queued`,
/// oldest first) since the day was last closed (`since`, unix ms). `id` becomes the request's
/// id: a fresh UUID v4 per scan.
pub fn decide(
    direction: Direction,
    text: &str,
    id: Uuid,
    now: i64,
    queued: &[Entry],
    since: i64,
) -> Scan {
    let scanned = match parse_personal(text) {
        Ok(scanned) => scanned,
        Err(err) => return Scan::Invalid(err),
    };
    let person = scanned.masked();
    let keys: Vec<String> = scanned.keys().iter().map(ToString::to_string).collect();
    let inside = let_in(queued, since, &keys);
    match direction {
        Direction::Entry if inside.is_some() => Scan::AlreadyInside { person },
        Direction::Entry => Scan::Entry {
            person,
            request: StaffCheckInRequest {
                id,
                entry: StaffEntry::Scanned {
                    code: text.to_owned(),
                },
                client_time: Some(now),
            },
        },
        Direction::Exit => Scan::Exit {
            person,
            request: StaffCheckOutRequest {
                id,
                code: text.to_owned(),
                left_at: Some(now),
            },
            after: inside,
        },
    }
}

#[cfg(test)]
mod tests;
