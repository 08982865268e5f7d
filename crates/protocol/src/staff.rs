//! JSON bodies of the venue-staff API (`/v1/staff/…`, an optional part of the protocol: a
//! backend without staff features answers 404): kiosk and paper check-ins, exits, closing the
//! day, the venue's live numbers, and invitations for more staff.
//!
//! Every call but accepting an invitation carries a venue-staff token (`Authorization: Bearer`),
//! and acts on that token's venue.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{CheckInReceipt, VenueKind};
use crate::declaration::Declaration;
use crate::short_code::ShortCode;

/// POST /v1/staff/checkins body. Idempotent by `id` like a visitor's check-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffCheckInRequest {
    /// Client-chosen id (UUID v4); replaying the same id returns the same receipt.
    pub id: Uuid,
    /// Who is checking in, and how staff learnt it.
    pub entry: StaffEntry,
    /// unix ms on the kiosk, informational
    #[serde(default)]
    pub client_time: Option<i64>,
}

/// How staff entered a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum StaffEntry {
    /// A personal QR scanned at the kiosk: national v1.1, the chip ID card's QR or a Vaora code.
    Scanned {
        /// The code's text exactly as decoded.
        code: String,
    },
    /// A paper declaration typed in by staff for someone without a smartphone.
    Paper {
        /// The declaration, checked like a visitor's own.
        declaration: Declaration,
    },
}

/// Who entered a check-in, when staff did (absent: the visitor on their own device).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EnteredBy {
    /// Staff scanned the person's personal QR.
    Kiosk,
    /// Staff typed in a paper declaration.
    Paper,
}

impl EnteredBy {
    /// The name on the wire and in the store (`kiosk`, `paper`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Paper => "paper",
        }
    }

    /// The value named `name`, if any.
    pub fn from_name(name: &str) -> Option<EnteredBy> {
        [Self::Kiosk, Self::Paper]
            .into_iter()
            .find(|by| by.as_str() == name)
    }
}

/// A person as a kiosk may show them: never the full name or ID number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MaskedPerson {
    /// Capitals without diacritics, every word but the last cut to its initial: `N. V. AN`
    /// (empty if the declaration has no name).
    pub name: String,
    /// The ID number with its first six characters hidden: `••••••012345`, if there is one.
    pub id_number: Option<String>,
}

/// Answer to POST /v1/staff/checkins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffCheckInReceipt {
    /// The stored check-in; when the person was already inside, their open check-in (its id is
    /// then not the request's).
    pub receipt: CheckInReceipt,
    /// Who it is, masked.
    pub person: MaskedPerson,
    /// How this entry came in (a kiosk scan or a paper declaration).
    pub entered_by: EnteredBy,
    /// People inside the venue now (open check-ins of the last 24 hours).
    pub inside: u64,
    /// The person already had an open check-in here: nothing new was stored.
    pub already_inside: bool,
}

/// POST /v1/staff/checkouts body: a person leaving, by their personal QR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffCheckOutRequest {
    /// Client-chosen id (UUID v4); replaying it answers the first receipt.
    pub id: Uuid,
    /// The personal code's text exactly as decoded.
    pub code: String,
    /// When the person left, unix ms on the kiosk, clamped between the check-in and the
    /// server's clock; absent: the server's now.
    #[serde(default)]
    pub left_at: Option<i64>,
}

/// Answer to POST /v1/staff/checkouts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffCheckOutReceipt {
    /// The check-in that was closed.
    pub checkin_id: Uuid,
    /// unix ms
    pub checked_in_at: i64,
    /// unix ms
    pub checked_out_at: i64,
    /// People inside the venue now.
    pub inside: u64,
}

/// Answer of GET /v1/staff/venue: the staff token's venue and its live numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffVenue {
    pub venue_id: u64,
    pub name: String,
    pub short_code: ShortCode,
    pub unit_code: String,
    pub kind: VenueKind,
    /// Street address (may be empty).
    pub address: String,
    /// People inside now (open check-ins of the last 24 hours).
    pub inside: u64,
    /// Check-ins since midnight, Vietnam time.
    pub checkins_today: u64,
}

/// POST /v1/staff/close-day body (optional: an empty body means "now").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CloseDay {
    /// When the venue closed, unix ms; each check-out is clamped between its check-in and the
    /// server's clock. Absent: the server's now.
    #[serde(default)]
    pub left_at: Option<i64>,
}

/// Answer to POST /v1/staff/close-day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClosedDay {
    /// How many open check-ins were checked out.
    pub checked_out: u64,
    /// People inside now (0).
    pub inside: u64,
}

/// POST /v1/staff/invitations body: invite one more member of staff to a venue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffInvitationRequest {
    /// The invitee's phone number or e-mail address (normalised like a venue's contact).
    pub contact: String,
    /// Who they are (shown in token lists and the audit log), 2–80 characters; default
    /// "staff".
    #[serde(default)]
    pub label: Option<String>,
    /// The venue, for an administrator or officer; a staff token invites to its own venue and
    /// must leave it out or name that venue.
    #[serde(default)]
    pub venue_id: Option<u64>,
}

/// Answer to POST /v1/staff/invitations. The reference server sends nothing: the inviter passes
/// the link on (message, e-mail, printed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffInvitation {
    /// The one-time code, shown this once (the backend keeps only its hash).
    pub code: String,
    /// `<origin>/staff#invite=<code>`: the link to send (the code in the fragment, so it never
    /// reaches a server log).
    pub url: String,
    pub venue_id: u64,
    /// unix ms; 72 hours after issue.
    pub expires_at: i64,
}

/// How long an invitation can be accepted, in milliseconds (72 hours).
pub const INVITATION_LIFETIME_MS: i64 = 72 * 3_600_000;

/// POST /v1/staff/invitations/accept body (no token needed); answered with an `IssuedToken` for
/// the venue, once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationAcceptance {
    /// The code from the invitation link.
    pub code: String,
}

#[cfg(test)]
mod tests;
