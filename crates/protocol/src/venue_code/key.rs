//! Identifiers and public halves of the keys that sign venue codes.

use std::fmt;
use std::str::FromStr;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::VenueCodeError;

/// Short key fingerprint carried in every code so verifiers can pick the key
/// without trying them all (and so keys can be rotated).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    /// Derives the id of a public key: the first 4 bytes of its SHA-256.
    pub fn of(public_key: &[u8; 32]) -> KeyId {
        let digest = Sha256::digest(public_key);
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base16ct::lower::encode_string(&self.0))
    }
}

impl FromStr for KeyId {
    type Err = VenueCodeError;

    /// Parses 8 hex characters (either case, since ids get copied around by hand).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut id = [0u8; 4];
        if s.len() != 2 * id.len() {
            return Err(VenueCodeError::Malformed);
        }
        base16ct::mixed::decode(s, &mut id).map_err(|_| VenueCodeError::Malformed)?;
        Ok(KeyId(id))
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> String {
        id.to_string()
    }
}

impl TryFrom<String> for KeyId {
    type Error = VenueCodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A public key the widget accepts venue codes from, as shipped in its config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrustedKey {
    /// Id of the key, matched against the id inside each code.
    #[serde(rename = "kid")]
    pub key_id: KeyId,
    /// Ed25519 public key, 32 bytes as base64url without padding.
    pub public_key: String,
}

impl TrustedKey {
    /// Builds the config entry for a public key, deriving its id.
    pub fn new(public_key: &[u8; 32]) -> Self {
        TrustedKey {
            key_id: KeyId::of(public_key),
            public_key: Base64UrlUnpadded::encode_string(public_key),
        }
    }

    /// Decodes the public key; `Malformed` unless it is exactly 32 bytes.
    pub fn public_key_bytes(&self) -> Result<[u8; 32], VenueCodeError> {
        let decoded = Base64UrlUnpadded::decode_vec(&self.public_key)
            .map_err(|_| VenueCodeError::Malformed)?;
        decoded.try_into().map_err(|_| VenueCodeError::Malformed)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for KeyId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KeyId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-fA-F]{8}$",
            "description": "First 4 bytes of the SHA-256 of the Ed25519 public key, as hex."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_text_forms() {
        let id = KeyId([0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(id.to_string(), "deadbeef");
        assert_eq!("DEADbeef".parse::<KeyId>(), Ok(id));
        assert_eq!(
            serde_json::to_string(&id).ok().as_deref(),
            Some("\"deadbeef\"")
        );
        for bad in ["", "deadbee", "deadbeef0", "deadbeeg", "dead-eef"] {
            assert_eq!(
                bad.parse::<KeyId>(),
                Err(VenueCodeError::Malformed),
                "{bad}"
            );
        }
        assert!(serde_json::from_str::<KeyId>("\"xyz\"").is_err());
    }

    #[test]
    fn key_id_is_sha256_prefix() {
        // SHA-256 of 32 zero bytes starts with 66687aad.
        assert_eq!(KeyId::of(&[0; 32]).to_string(), "66687aad");
    }

    #[test]
    fn trusted_key_round_trips() {
        let pk = [7u8; 32];
        let key = TrustedKey::new(&pk);
        assert_eq!(key.public_key_bytes(), Ok(pk));
        let json = serde_json::to_value(&key).expect("serializes");
        assert_eq!(json["kid"], key.key_id.to_string());
        let back: TrustedKey = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, key);
    }

    #[test]
    fn trusted_key_rejects_bad_public_key() {
        let mut key = TrustedKey::new(&[7; 32]);
        key.public_key = "AAAA".into();
        assert_eq!(key.public_key_bytes(), Err(VenueCodeError::Malformed));
        key.public_key = "!!".into();
        assert_eq!(key.public_key_bytes(), Err(VenueCodeError::Malformed));
    }
}
