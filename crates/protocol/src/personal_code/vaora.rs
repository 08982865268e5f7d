//! Vaora's own personal code: `VAORA:P1:` and the visitor's whole declaration as JSON in
//! base64url without padding, so a kiosk scan of it is a full check-in, health answers included.

use base64ct::{Base64UrlUnpadded, Encoding};

use super::PersonalCodeError;
use crate::declaration::Declaration;

/// What every Vaora personal code starts with: the scheme and its version.
pub const VAORA_PREFIX: &str = "VAORA:P1:";

/// The text of a Vaora personal code carrying `declaration` (the widget's My QR).
pub fn vaora_personal_code(declaration: &Declaration) -> String {
    // A declaration is plain data (strings, numbers, maps): serialising it cannot fail, and
    // an empty object would only be refused by the kiosk, never misread.
    let json = serde_json::to_vec(declaration).unwrap_or_default();
    format!("{VAORA_PREFIX}{}", Base64UrlUnpadded::encode_string(&json))
}

/// Reads a Vaora personal code's declaration; `None` when the text is not one at all.
pub(super) fn parse_vaora(text: &str) -> Option<Result<Declaration, PersonalCodeError>> {
    let encoded = text.trim().strip_prefix(VAORA_PREFIX)?;
    Some(
        Base64UrlUnpadded::decode_vec(encoded)
            .map_err(|_| PersonalCodeError::Encoding)
            .and_then(|json| {
                serde_json::from_slice(&json).map_err(|_| PersonalCodeError::Declaration)
            }),
    )
}
