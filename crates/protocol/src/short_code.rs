//! The short code printed under a poster's QR, for typing in by hand when
//! the camera is unavailable.
//!
//! Eight Crockford base32 characters (no I, L, O, U, so nothing is easily
//! misread), shown as `XXXX-XXXX`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Crockford base32: digits and letters minus I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 8 characters × 5 bits = the 40 random bits a code is made from.
const LEN: usize = 8;

/// A venue's short code in canonical form (8 uppercase chars, no dash).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortCode(String);

impl ShortCode {
    /// Normalizes what a person typed and checks it.
    ///
    /// Surrounding and inner whitespace and dashes are dropped, letters are
    /// uppercased, and the look-alikes O→0 and I/L→1 are mapped as Crockford
    /// prescribes, so common typing mistakes still find the venue.
    pub fn parse(input: &str) -> Result<ShortCode, ShortCodeError> {
        let mut code = String::with_capacity(LEN);
        for c in input.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(ShortCodeError::InvalidCharacter);
            }
            code.push(c);
        }
        match code.len() {
            0 => Err(ShortCodeError::Empty),
            LEN => Ok(ShortCode(code)),
            _ => Err(ShortCodeError::WrongLength),
        }
    }

    /// Builds a code from 40 random bits (the server supplies the randomness).
    pub fn from_random(bytes: [u8; 5]) -> ShortCode {
        let mut bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let mut code = [0u8; LEN];
        for slot in code.iter_mut().rev() {
            // Masked to 5 bits, so the index is always in range.
            *slot = ALPHABET[(bits & 0x1f) as usize];
            bits >>= 5;
        }
        ShortCode(code.iter().map(|&b| char::from(b)).collect())
    }

    /// The canonical form, as stored and used in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The human form, `ABCD-EFGH`, as printed on posters.
    pub fn display(&self) -> String {
        let (head, tail) = self.0.split_at(LEN / 2);
        format!("{head}-{tail}")
    }
}

impl From<ShortCode> for String {
    fn from(code: ShortCode) -> String {
        code.0
    }
}

impl TryFrom<String> for ShortCode {
    type Error = ShortCodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        ShortCode::parse(&s)
    }
}

/// Why typed text is not a short code; the UI shows a hint for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortCodeError {
    /// Nothing was typed.
    Empty,
    /// Not exactly 8 characters after dropping dashes and spaces.
    WrongLength,
    /// A character outside the Crockford alphabet (e.g. U or punctuation).
    InvalidCharacter,
}

impl ShortCodeError {
    /// Stable machine-readable code, for API bodies and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::WrongLength => "wrong_length",
            Self::InvalidCharacter => "invalid_character",
        }
    }
}

impl fmt::Display for ShortCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "short code is empty",
            Self::WrongLength => "short code must have 8 characters",
            Self::InvalidCharacter => "short code contains an invalid character",
        })
    }
}

impl std::error::Error for ShortCodeError {}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ShortCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ShortCode".into()
    }

    /// Canonical form, as servers answer it; requests may carry what a person typed.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9A-HJKMNP-TV-Z]{8}$",
            "description": "8 characters of Crockford base32, upper case, no dash."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_and_display_forms() {
        let code = ShortCode::parse("ABCD-EFGH").expect("valid");
        assert_eq!(code.as_str(), "ABCDEFGH");
        assert_eq!(code.display(), "ABCD-EFGH");
        assert_eq!(ShortCode::parse("ABCDEFGH"), Ok(code));
    }

    #[test]
    fn normalizes_typing() {
        let expected = ShortCode::parse("0123-4567").expect("valid");
        for typed in [
            " o123-4567 ",
            "oL23 4567",
            "O I 2 3 - 4 5 6 7",
            "0123\t4567",
        ] {
            assert_eq!(ShortCode::parse(typed).as_ref(), Ok(&expected), "{typed:?}");
        }
        assert_eq!(
            ShortCode::parse("abcd-efgh").map(|c| c.display()),
            Ok("ABCD-EFGH".into())
        );
    }

    #[test]
    fn empty() {
        for typed in ["", "   ", "-", " - - "] {
            assert_eq!(
                ShortCode::parse(typed),
                Err(ShortCodeError::Empty),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn wrong_length() {
        for typed in ["ABC", "ABCD-EFG", "ABCD-EFGHJ"] {
            assert_eq!(
                ShortCode::parse(typed),
                Err(ShortCodeError::WrongLength),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn invalid_character() {
        for typed in [
            "ABCD-EFGU",
            "ABCD_EFGH",
            "ABCD-EFG!",
            "ABCD-ĐFGH",
            "ABCD.EFGH",
        ] {
            assert_eq!(
                ShortCode::parse(typed),
                Err(ShortCodeError::InvalidCharacter),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn from_random_uses_all_40_bits() {
        assert_eq!(ShortCode::from_random([0; 5]).as_str(), "00000000");
        assert_eq!(ShortCode::from_random([0xff; 5]).as_str(), "ZZZZZZZZ");
        assert_eq!(ShortCode::from_random([0, 0, 0, 0, 1]).as_str(), "00000001");
        assert_eq!(
            ShortCode::from_random([0x80, 0, 0, 0, 0]).as_str(),
            "G0000000"
        );
        let code = ShortCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a]);
        assert_eq!(ShortCode::parse(code.as_str()), Ok(code));
    }

    #[test]
    fn serde_uses_canonical_string() {
        let code = ShortCode::parse("abcd-efgh").expect("valid");
        assert_eq!(
            serde_json::to_string(&code).ok().as_deref(),
            Some("\"ABCDEFGH\"")
        );
        let back: ShortCode = serde_json::from_str("\"ABCD-EFGH\"").expect("lenient input");
        assert_eq!(back, code);
        assert!(serde_json::from_str::<ShortCode>("\"ABC\"").is_err());
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(ShortCodeError::Empty.code(), "empty");
        assert_eq!(ShortCodeError::WrongLength.code(), "wrong_length");
        assert_eq!(ShortCodeError::InvalidCharacter.code(), "invalid_character");
    }
}
