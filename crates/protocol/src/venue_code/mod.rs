//! Signed venue code v1: what a venue poster's QR carries.
//!
//! The QR holds `https://<host>/c#<PAYLOAD>`. The payload sits in the URL
//! fragment so it never reaches a server log, and is uppercase unpadded base32
//! so QR encoders can use the compact alphanumeric mode. The binary is:
//!
//! ```text
//! byte   version = 1
//! varint venue_id
//! varint len, unit_code (ASCII alphanumeric, 1..=16 bytes)
//! varint len, name      (UTF-8, 1..=120 bytes)
//! 4      key id
//! varint issued_at (unix seconds)
//! varint valid_days (0 = no expiry)
//! 64     Ed25519 signature over b"vaora-venue-v1\0" || all preceding bytes
//! ```
//!
//! Varints are minimal unsigned LEB128. Decoding is strict so each set of
//! claims has exactly one valid encoding.

mod claims;
mod error;
mod key;
#[cfg(any(feature = "sign", test))]
mod signer;
mod text;
mod varint;
mod wire;

#[cfg(test)]
mod tests;

use ed25519_dalek::{Signature, VerifyingKey};

pub use claims::{VenueClaims, NAME_MAX_BYTES};
pub use error::VenueCodeError;
pub use key::{KeyId, TrustedKey};
#[cfg(any(feature = "sign", test))]
pub use signer::VenueSigner;
pub use text::{payload_from_text, poster_url};

/// Format version written by this crate and the only one it reads.
pub const VENUE_CODE_VERSION: u8 = 1;
/// Longest payload text considered; anything longer is refused before decoding.
pub const MAX_PAYLOAD_CHARS: usize = 512;
/// How far in the future `issued_at` may be, absorbing wrong phone clocks.
pub const CLOCK_SKEW_SECS: u64 = 600;

/// Parses and fully verifies a payload: [`verify_signature`], then [`check_validity`].
///
/// Checks, in order: structure, that a trusted key has the code's key id
/// (`UnknownKey`), the signature (`BadSignature`), then the validity window
/// against `now_unix` seconds (`NotYetValid`, `Expired`).
pub fn verify(
    payload: &str,
    trusted: &[TrustedKey],
    now_unix: u64,
) -> Result<VenueClaims, VenueCodeError> {
    let claims = verify_signature(payload, trusted)?;
    check_validity(&claims, now_unix)?;
    Ok(claims)
}

/// Parses a payload and checks its signature by a trusted key, not its validity window. Its
/// result may be cached by payload (a server sees the same venue's code many times); the
/// window must still be checked on every use with [`check_validity`].
pub fn verify_signature(
    payload: &str,
    trusted: &[TrustedKey],
) -> Result<VenueClaims, VenueCodeError> {
    let decoded = wire::decode(payload)?;
    let claims = decoded.claims;

    let mut candidates = trusted
        .iter()
        .filter(|key| key.key_id == claims.key_id)
        .peekable();
    if candidates.peek().is_none() {
        return Err(VenueCodeError::UnknownKey);
    }
    let signature = Signature::from_bytes(&decoded.signature);
    // Key ids are short and could collide, so try every key with this id. An
    // unusable configured key simply fails to verify anything.
    let signed = candidates.any(|key| {
        key.public_key_bytes()
            .ok()
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
            // Strict: rejects malleable signatures and weak keys.
            .is_some_and(|vk| {
                vk.verify_strict(&decoded.signed_message, &signature)
                    .is_ok()
            })
    });
    if !signed {
        return Err(VenueCodeError::BadSignature);
    }
    Ok(claims)
}

/// Whether signed claims are valid at `now_unix` seconds (`NotYetValid`, `Expired`).
pub fn check_validity(claims: &VenueClaims, now_unix: u64) -> Result<(), VenueCodeError> {
    if claims.issued_at > now_unix.saturating_add(CLOCK_SKEW_SECS) {
        return Err(VenueCodeError::NotYetValid);
    }
    if claims.expires_at().is_some_and(|end| now_unix > end) {
        return Err(VenueCodeError::Expired);
    }
    Ok(())
}

/// Parses structure only, without checking the signature.
///
/// Used to show what a rejected (possibly forged) code claims; never trust
/// the result for anything else.
pub fn parse_unverified(payload: &str) -> Result<VenueClaims, VenueCodeError> {
    wire::decode(payload).map(|decoded| decoded.claims)
}
