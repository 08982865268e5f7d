//! Why a venue code was rejected.

use std::fmt;

/// Every way reading a venue code can fail; the UI maps each to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueCodeError {
    /// The text is not a Vaora venue code at all (another QR, a random URL).
    NotVaoraCode,
    /// A Vaora code of a format version this build does not understand.
    UnsupportedVersion(u8),
    /// The code ends before all fields were read (partial scan or typing).
    Truncated,
    /// The payload is longer than any valid code can be.
    Oversized,
    /// A field is out of range or badly encoded.
    Malformed,
    /// The code is signed by a key that is not in the trusted list.
    UnknownKey,
    /// The signature does not match the contents: the code was altered or forged.
    BadSignature,
    /// The code's validity period is over.
    Expired,
    /// The code claims to be issued in the future (beyond clock-skew allowance).
    NotYetValid,
}

impl VenueCodeError {
    /// Stable machine-readable code, for API bodies, logs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotVaoraCode => "not_vaora_code",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::Truncated => "truncated",
            Self::Oversized => "oversized",
            Self::Malformed => "malformed",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
        }
    }
}

impl fmt::Display for VenueCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotVaoraCode => f.write_str("not a Vaora venue code"),
            Self::UnsupportedVersion(v) => write!(f, "unsupported venue code version {v}"),
            Self::Truncated => f.write_str("venue code is truncated"),
            Self::Oversized => f.write_str("venue code is too long"),
            Self::Malformed => f.write_str("venue code is malformed"),
            Self::UnknownKey => f.write_str("venue code is signed by an unknown key"),
            Self::BadSignature => f.write_str("venue code signature is invalid"),
            Self::Expired => f.write_str("venue code has expired"),
            Self::NotYetValid => f.write_str("venue code is not valid yet"),
        }
    }
}

impl std::error::Error for VenueCodeError {}
