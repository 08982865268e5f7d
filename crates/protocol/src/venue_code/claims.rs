//! What a venue code asserts, and the field limits both encoder and decoder enforce.

use serde::{Deserialize, Serialize};

use super::{KeyId, VenueCodeError};

/// Unit codes are short administrative ids (ward/commune codes).
pub(crate) const UNIT_CODE_MAX_BYTES: usize = 16;
/// Venue names must fit a poster and keep the QR scannable.
pub const NAME_MAX_BYTES: usize = 120;
const SECONDS_PER_DAY: u64 = 86_400;

/// The facts a signed venue code vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueClaims {
    /// Server-side id of the venue.
    pub venue_id: u64,
    /// Administrative unit the venue belongs to (ASCII letters/digits).
    pub unit_code: String,
    /// Human-readable venue name shown to the person checking in.
    pub name: String,
    /// Id of the key that signed the code.
    pub key_id: KeyId,
    /// When the code was issued, unix seconds.
    pub issued_at: u64,
    /// How many days the code is valid; 0 means it never expires.
    pub valid_days: u32,
}

impl VenueClaims {
    /// End of validity in unix seconds, or `None` for codes that never expire.
    pub fn expires_at(&self) -> Option<u64> {
        (self.valid_days != 0).then(|| {
            self.issued_at
                .saturating_add(u64::from(self.valid_days) * SECONDS_PER_DAY)
        })
    }
}

/// Checks the unit code rule shared by encoding and decoding.
pub(crate) fn check_unit_code(unit_code: &str) -> Result<(), VenueCodeError> {
    let ok = (1..=UNIT_CODE_MAX_BYTES).contains(&unit_code.len())
        && unit_code.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(()).ok_or(VenueCodeError::Malformed)
}

/// Checks the name rule shared by encoding and decoding.
///
/// Control characters are refused because the name is rendered verbatim to the
/// person checking in; a forged code should not be able to garble the page.
pub(crate) fn check_name(name: &str) -> Result<(), VenueCodeError> {
    let ok = (1..=NAME_MAX_BYTES).contains(&name.len()) && !name.chars().any(char::is_control);
    ok.then_some(()).ok_or(VenueCodeError::Malformed)
}
