//! From scanned or typed text to "which venue, and is it genuine?" — verified offline against
//! the pinned keys.

use vaora_protocol::venue_code::{self, TrustedKey, VenueClaims, VenueCodeError};
use wasm_split_helpers::wasm_split;

use crate::lazy::ChunkUnavailable;

/// The outcome of checking a venue code.
#[derive(Clone, Debug, PartialEq)]
pub struct VenueCheck {
    /// The payload as found (sent to the server on check-in).
    pub payload: String,
    /// Verified claims, or why not, with what the code claims when it is at least well formed.
    pub verdict: Result<VenueClaims, Refusal>,
}

/// A code that must not be used for a check-in.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub reason: VenueCodeError,
    /// What a forged or expired code says about itself, shown so people recognise it.
    pub claimed: Option<VenueClaims>,
}

/// Checks text from the camera, a photo, a typed lookup or the page URL.
/// `Err(NotVaoraCode)` means the text is something else entirely (keep scanning).
pub fn check(
    text: &str,
    trusted: &[TrustedKey],
    now_unix: u64,
) -> Result<VenueCheck, VenueCodeError> {
    let payload = venue_code::payload_from_text(text)?.to_string();
    let verdict = venue_code::verify(&payload, trusted, now_unix).map_err(|reason| Refusal {
        reason,
        claimed: venue_code::parse_unverified(&payload).ok(),
    });
    Ok(VenueCheck { payload, verdict })
}

/// [`check`] from the `venue` chunk (Ed25519, SHA-512 and the code's wire format stay out of
/// the first scan); `preload(venue_chunk)` fetches the chunk without checking anything.
#[wasm_split(venue, fallible, preload(venue_chunk))]
pub fn check_lazily(
    text: String,
    trusted: Vec<TrustedKey>,
    now_unix: u64,
) -> Result<Result<VenueCheck, VenueCodeError>, ChunkUnavailable> {
    Ok(check(&text, &trusted, now_unix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaora_protocol::venue_code::VenueSigner;

    fn claims() -> VenueClaims {
        VenueClaims {
            venue_id: 7,
            unit_code: "01".into(),
            name: "Chợ Mỹ Đức".into(),
            key_id: VenueSigner::from_seed(&[1; 32]).key_id(),
            issued_at: 1_700_000_000,
            valid_days: 0,
        }
    }

    #[test]
    fn a_genuine_poster_url_is_verified() {
        let signer = VenueSigner::from_seed(&[1; 32]);
        let payload = signer.sign(&claims()).expect("sign");
        let url = venue_code::poster_url("https://vaora.example", &payload);
        let check = check(&url, &[signer.trusted_key()], 1_700_000_100).expect("a venue code");
        assert_eq!(check.payload, payload);
        assert_eq!(check.verdict.expect("genuine").name, "Chợ Mỹ Đức");
    }

    #[test]
    fn a_code_from_an_untrusted_key_is_refused_but_shows_its_claims() {
        let forger = VenueSigner::from_seed(&[2; 32]);
        let trusted = VenueSigner::from_seed(&[1; 32]).trusted_key();
        let payload = forger.sign(&claims()).expect("sign");
        let refusal = check(&payload, &[trusted], 1_700_000_100)
            .expect("well formed")
            .verdict
            .expect_err("not genuine");
        assert_eq!(refusal.reason, VenueCodeError::UnknownKey);
        assert_eq!(refusal.claimed.expect("claims").venue_id, 7);
    }

    #[test]
    fn the_split_check_gives_the_same_verdict_as_the_direct_one() {
        // Natively a split function is a plain call: its future is ready at once.
        let signer = VenueSigner::from_seed(&[1; 32]);
        let payload = signer.sign(&claims()).expect("sign");
        let trusted = vec![signer.trusted_key()];
        let split = crate::lazy::loaded(check_lazily(
            payload.clone(),
            trusted.clone(),
            1_700_000_100,
        ))
        .expect("no chunk to load natively");
        assert_eq!(split, check(&payload, &trusted, 1_700_000_100));
        assert!(split.expect("a venue code").verdict.is_ok());
    }

    #[test]
    fn other_qr_codes_are_not_venue_codes() {
        let err = check("https://example.com/menu", &[], 0).expect_err("not ours");
        assert_eq!(err, VenueCodeError::NotVaoraCode);
    }
}
