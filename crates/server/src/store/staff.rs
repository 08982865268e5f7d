//! What the venue-staff API keeps (`routes::staff`): who entered a check-in, the exits staff
//! scanned (idempotent by request id), a venue's live numbers, closing the day, and invitations
//! for more staff. One SQL module per store ([`sqlite`], [`postgres`]); the `Storage` methods of
//! both delegate here.

pub(super) mod postgres;
pub(super) mod sqlite;

use uuid::Uuid;
use vaora_protocol::staff::EnteredBy;

use super::StoreError;

/// How staff entered a check-in, stored beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffEntered {
    pub by: EnteredBy,
    /// The staff token that entered it (`None` for the administrator's own token).
    pub token_id: Option<u64>,
}

/// A venue's live numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VenuePresence {
    /// Check-ins since the window's start without a check-out: the people inside.
    pub inside: u64,
    /// Check-ins since the start of today.
    pub checkins_today: u64,
}

/// A staff exit as recorded under its request id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffCheckOutRow {
    pub id: Uuid,
    pub venue_id: u64,
    pub checkin_id: Uuid,
    pub checked_in_at: i64,
    pub checked_out_at: i64,
}

/// An invitation to store (by the hash of its code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub venue_id: u64,
    /// The invitee's phone or e-mail, normalised.
    pub contact: String,
    /// The label the token gets once accepted.
    pub label: String,
    /// Who invited (a token id and label, never a person's data).
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// `entered_by` as stored: `None` (a visitor's own check-in) stays absent.
pub(super) fn entered_by(name: Option<&str>) -> Result<Option<EnteredBy>, StoreError> {
    name.map(|name| {
        EnteredBy::from_name(name)
            .ok_or_else(|| StoreError::Corrupt(format!("entered_by {name:?}")))
    })
    .transpose()
}

/// The people inside a venue and its check-ins today; `?1` venue, `?2` open since, `?3` today.
const PRESENCE_SQL: &str = "SELECT
    (SELECT COUNT(*) FROM checkins
     WHERE venue_id = ?1 AND checked_in_at >= ?2 AND checked_out_at IS NULL),
    (SELECT COUNT(*) FROM checkins WHERE venue_id = ?1 AND checked_in_at >= ?3)";
