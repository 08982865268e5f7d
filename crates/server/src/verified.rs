//! Venue codes whose signature this server already checked. One venue's code arrives with every
//! check-in there, and an Ed25519 verification costs more than the rest of the request, so the
//! claims of each genuinely signed payload are kept (bounded); the signing key's status and the
//! validity window are still checked on every use, so a revocation applies at once. Failures are
//! never cached, so forged codes cannot fill the cache.

use std::collections::HashMap;
use std::sync::RwLock;

use vaora_protocol::api::KeyStatus;
use vaora_protocol::venue_code::{self, VenueClaims, VenueCodeError};

use crate::trust::Snapshot;

/// Distinct payloads kept; past this the cache starts over (a province has ~10^5 venues, and a
/// miss only costs one verification).
const CAPACITY: usize = 65_536;

/// Why a venue code is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a valid code (forged, damaged, expired, unknown key…).
    Invalid(VenueCodeError),
    /// Signed by a key the authority revoked.
    KeyRevoked,
}

/// Signature checks, remembered by payload.
#[derive(Default)]
pub struct VerifiedCodes {
    claims: RwLock<HashMap<String, VenueClaims>>,
}

impl VerifiedCodes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Like [`venue_code::verify`] against the keys `trust` accepts, with the signature check
    /// remembered, and a revoked key named as such.
    pub fn verify(
        &self,
        payload: &str,
        trust: &Snapshot,
        now_unix: u64,
    ) -> Result<VenueClaims, Refusal> {
        let claims = self.signed_claims(payload, trust)?;
        match trust.status_of(claims.key_id) {
            Some(KeyStatus::Revoked) => return Err(Refusal::KeyRevoked),
            None => return Err(Refusal::Invalid(VenueCodeError::UnknownKey)),
            Some(KeyStatus::Active | KeyStatus::Retired) => {}
        }
        venue_code::check_validity(&claims, now_unix).map_err(Refusal::Invalid)?;
        Ok(claims)
    }

    fn signed_claims(&self, payload: &str, trust: &Snapshot) -> Result<VenueClaims, Refusal> {
        let cached = self
            .claims
            .read()
            .ok()
            .and_then(|claims| claims.get(payload).cloned());
        let claims = match cached {
            Some(claims) => claims,
            None => {
                let claims =
                    venue_code::verify_signature(payload, &trust.trusted).map_err(|err| {
                        // A revoked key is no longer "trusted", so its codes look unknown: say why.
                        let revoked = err == VenueCodeError::UnknownKey
                            && venue_code::parse_unverified(payload).is_ok_and(|claims| {
                                trust.status_of(claims.key_id) == Some(KeyStatus::Revoked)
                            });
                        if revoked {
                            Refusal::KeyRevoked
                        } else {
                            Refusal::Invalid(err)
                        }
                    })?;
                if let Ok(mut cache) = self.claims.write() {
                    if cache.len() >= CAPACITY {
                        cache.clear();
                    }
                    cache.insert(payload.to_owned(), claims.clone());
                }
                claims
            }
        };
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use vaora_protocol::venue_code::VenueSigner;

    use super::*;
    use crate::trust::Trust;

    fn claims(signer: &VenueSigner, issued_at: u64) -> VenueClaims {
        VenueClaims {
            venue_id: 7,
            unit_code: "01".into(),
            name: "Chợ".into(),
            key_id: signer.key_id(),
            issued_at,
            valid_days: 1,
        }
    }

    #[test]
    fn a_remembered_code_still_expires() {
        let signer = VenueSigner::generate();
        let trust = Trust::new(signer.trusted_key()).snapshot();
        let codes = VerifiedCodes::new();
        let payload = signer.sign(&claims(&signer, 1_000_000)).expect("sign");
        assert_eq!(
            codes
                .verify(&payload, &trust, 1_000_100)
                .map(|c| c.venue_id),
            Ok(7)
        );
        assert_eq!(
            codes
                .verify(&payload, &trust, 1_000_200)
                .map(|c| c.venue_id),
            Ok(7)
        );
        assert_eq!(
            codes.verify(&payload, &trust, 1_000_000 + 2 * 86_400),
            Err(Refusal::Invalid(VenueCodeError::Expired))
        );
    }

    #[test]
    fn forged_codes_are_refused_every_time_and_not_remembered() {
        let signer = VenueSigner::generate();
        let stranger = VenueSigner::generate();
        let trust = Trust::new(signer.trusted_key()).snapshot();
        let codes = VerifiedCodes::new();
        let forged = stranger.sign(&claims(&stranger, 1_000_000)).expect("sign");
        for _ in 0..2 {
            assert_eq!(
                codes.verify(&forged, &trust, 1_000_100),
                Err(Refusal::Invalid(VenueCodeError::UnknownKey))
            );
        }
        assert!(codes.claims.read().expect("lock").is_empty());
    }
}
