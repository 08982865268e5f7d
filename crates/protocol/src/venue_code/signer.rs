//! Issuing venue codes (server side).

use ed25519_dalek::{Signer, SigningKey};

use super::wire::{encode_body, signed_message, to_text};
use super::{KeyId, TrustedKey, VenueClaims, VenueCodeError};

/// A venue-code signing key; the server keeps it, the widget never sees it.
pub struct VenueSigner {
    key: SigningKey,
}

impl VenueSigner {
    /// Creates a fresh key from OS randomness; panics only if the OS has none.
    #[cfg(feature = "sign")]
    pub fn generate() -> Self {
        VenueSigner {
            key: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// Restores a key from its 32-byte seed (as stored by the server).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        VenueSigner {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// The secret seed, for persisting the key.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The public entry clients need to verify this signer's codes.
    pub fn trusted_key(&self) -> TrustedKey {
        TrustedKey::new(self.key.verifying_key().as_bytes())
    }

    /// Id embedded in every code this signer issues.
    pub fn key_id(&self) -> KeyId {
        KeyId::of(self.key.verifying_key().as_bytes())
    }

    /// Signs claims and returns the payload text.
    ///
    /// `claims.key_id` is replaced with this signer's id so a code always names
    /// the key that can verify it. `Malformed` if a field is out of range.
    pub fn sign(&self, claims: &VenueClaims) -> Result<String, VenueCodeError> {
        let claims = VenueClaims {
            key_id: self.key_id(),
            ..claims.clone()
        };
        let mut binary = encode_body(&claims)?;
        let signature = self.key.sign(&signed_message(&binary));
        binary.extend_from_slice(&signature.to_bytes());
        Ok(to_text(&binary))
    }
}

impl std::fmt::Debug for VenueSigner {
    /// Shows only the key id: the seed must never end up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VenueSigner")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}
