//! Venue codes whose signature this server already checked. One venue's code arrives with every
//! check-in there, and an Ed25519 verification costs more than the rest of the request, so the
//! claims of each genuinely signed payload are kept (bounded); the validity window is still
//! checked on every use. Failures are never cached, so forged codes cannot fill the cache.

use std::collections::HashMap;
use std::sync::RwLock;

use vaora_protocol::venue_code::{self, TrustedKey, VenueClaims, VenueCodeError};

/// Distinct payloads kept; past this the cache starts over (a province has ~10^5 venues, and a
/// miss only costs one verification).
const CAPACITY: usize = 65_536;

/// Signature checks, remembered by payload.
pub struct VerifiedCodes {
    trusted: Vec<TrustedKey>,
    claims: RwLock<HashMap<String, VenueClaims>>,
}

impl VerifiedCodes {
    /// Codes signed by one of `trusted` are accepted.
    pub fn new(trusted: Vec<TrustedKey>) -> Self {
        Self {
            trusted,
            claims: RwLock::new(HashMap::new()),
        }
    }

    /// Like [`venue_code::verify`], with the signature check remembered.
    pub fn verify(&self, payload: &str, now_unix: u64) -> Result<VenueClaims, VenueCodeError> {
        let cached = self
            .claims
            .read()
            .ok()
            .and_then(|claims| claims.get(payload).cloned());
        let claims = match cached {
            Some(claims) => claims,
            None => {
                let claims = venue_code::verify_signature(payload, &self.trusted)?;
                if let Ok(mut cache) = self.claims.write() {
                    if cache.len() >= CAPACITY {
                        cache.clear();
                    }
                    cache.insert(payload.to_owned(), claims.clone());
                }
                claims
            }
        };
        venue_code::check_validity(&claims, now_unix)?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use vaora_protocol::venue_code::VenueSigner;

    use super::*;

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
        let codes = VerifiedCodes::new(vec![signer.trusted_key()]);
        let payload = signer.sign(&claims(&signer, 1_000_000)).expect("sign");
        assert_eq!(codes.verify(&payload, 1_000_100).map(|c| c.venue_id), Ok(7));
        assert_eq!(codes.verify(&payload, 1_000_200).map(|c| c.venue_id), Ok(7));
        assert_eq!(
            codes.verify(&payload, 1_000_000 + 2 * 86_400),
            Err(VenueCodeError::Expired)
        );
    }

    #[test]
    fn forged_codes_are_refused_every_time_and_not_remembered() {
        let signer = VenueSigner::generate();
        let stranger = VenueSigner::generate();
        let codes = VerifiedCodes::new(vec![signer.trusted_key()]);
        let forged = stranger.sign(&claims(&stranger, 1_000_000)).expect("sign");
        for _ in 0..2 {
            assert_eq!(
                codes.verify(&forged, 1_000_100),
                Err(VenueCodeError::UnknownKey)
            );
        }
        assert!(codes.claims.read().expect("lock").is_empty());
    }
}
