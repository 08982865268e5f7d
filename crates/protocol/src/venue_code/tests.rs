//! End-to-end tests of signing, parsing and verifying venue codes.

use data_encoding::BASE32_NOPAD;

use super::*;

const NOW: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

fn signer() -> VenueSigner {
    VenueSigner::from_seed(&[1; 32])
}

fn other_signer() -> VenueSigner {
    VenueSigner::from_seed(&[2; 32])
}

fn claims() -> VenueClaims {
    VenueClaims {
        venue_id: 4242,
        unit_code: "26734".into(),
        name: "Quán Phở Hà Nội".into(),
        key_id: KeyId([0; 4]),
        issued_at: NOW - DAY,
        valid_days: 30,
    }
}

fn signed(claims: &VenueClaims) -> String {
    signer().sign(claims).expect("claims are in range")
}

fn binary(payload: &str) -> Vec<u8> {
    BASE32_NOPAD
        .decode(payload.as_bytes())
        .expect("valid base32")
}

fn text(binary: &[u8]) -> String {
    BASE32_NOPAD.encode(binary)
}

fn trusted() -> Vec<TrustedKey> {
    vec![signer().trusted_key()]
}

/// Re-signs a hand-built body with the test key, to test structure checks
/// that a signature would otherwise mask.
fn sign_raw(body: &[u8]) -> String {
    use ed25519_dalek::{Signer, SigningKey};
    let key = SigningKey::from_bytes(&[1; 32]);
    let mut out = body.to_vec();
    out.extend_from_slice(&key.sign(&wire::signed_message(body)).to_bytes());
    text(&out)
}

#[test]
fn round_trip() {
    let payload = signed(&claims());
    let expected = VenueClaims {
        key_id: signer().key_id(),
        ..claims()
    };
    assert_eq!(parse_unverified(&payload), Ok(expected.clone()));
    assert_eq!(verify(&payload, &trusted(), NOW), Ok(expected));
}

#[test]
fn payload_is_qr_alphanumeric_and_fits_limit() {
    let long = VenueClaims {
        venue_id: u64::MAX,
        unit_code: "X".repeat(16),
        name: "Ơ".repeat(60),
        issued_at: u64::MAX,
        valid_days: u32::MAX,
        ..claims()
    };
    let payload = signed(&long);
    assert!(payload.len() <= MAX_PAYLOAD_CHARS, "{}", payload.len());
    assert!(payload
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
}

#[test]
fn poster_url_round_trips_through_text() {
    let payload = signed(&claims());
    let url = poster_url("http://127.0.0.1:8080/", &payload);
    let found = payload_from_text(&url).expect("poster URL is recognised");
    assert!(verify(found, &trusted(), NOW).is_ok());
}

#[test]
fn vietnamese_name_round_trips() {
    let c = VenueClaims {
        name: "Trường THCS Đặng Thai Mai — Nhà ăn".into(),
        ..claims()
    };
    let verified = verify(&signed(&c), &trusted(), NOW).expect("valid");
    assert_eq!(verified.name, c.name);
}

#[test]
fn lowercase_payload_accepted() {
    let payload = signed(&claims()).to_lowercase();
    assert!(verify(&payload, &trusted(), NOW).is_ok());
    let url = format!("https://vaora.example/c#{payload}");
    let found = payload_from_text(&url).expect("recognised");
    assert!(verify(found, &trusted(), NOW).is_ok());
}

#[test]
fn tampered_name_is_bad_signature() {
    let payload = signed(&claims());
    let mut bytes = binary(&payload);
    let name_pos = bytes
        .windows(4)
        .position(|w| w == b"Qu\xc3\xa1")
        .expect("name is in the binary");
    bytes[name_pos] ^= 0x02; // 'Q' -> 'S': still valid UTF-8
    let tampered = text(&bytes);
    assert_eq!(
        parse_unverified(&tampered).map(|c| c.name.starts_with('S')),
        Ok(true)
    );
    assert_eq!(
        verify(&tampered, &trusted(), NOW),
        Err(VenueCodeError::BadSignature)
    );
}

#[test]
fn unknown_key() {
    let payload = signed(&claims());
    let only_other = vec![other_signer().trusted_key()];
    assert_eq!(
        verify(&payload, &only_other, NOW),
        Err(VenueCodeError::UnknownKey)
    );
    assert_eq!(verify(&payload, &[], NOW), Err(VenueCodeError::UnknownKey));
}

#[test]
fn matching_kid_with_wrong_public_key_is_bad_signature() {
    let payload = signed(&claims());
    let impostor = TrustedKey {
        key_id: signer().key_id(),
        ..other_signer().trusted_key()
    };
    assert_eq!(
        verify(&payload, std::slice::from_ref(&impostor), NOW),
        Err(VenueCodeError::BadSignature)
    );
    // The genuine key alongside the impostor still verifies.
    let both = vec![impostor, signer().trusted_key()];
    assert!(verify(&payload, &both, NOW).is_ok());
    // A configured key that is not even decodable cannot verify anything.
    let garbage = TrustedKey {
        key_id: signer().key_id(),
        public_key: "not base64!".into(),
    };
    assert_eq!(
        verify(&payload, &[garbage], NOW),
        Err(VenueCodeError::BadSignature)
    );
}

#[test]
fn signer_overwrites_key_id() {
    let mut c = claims();
    c.key_id = other_signer().key_id();
    let parsed = parse_unverified(&signed(&c)).expect("valid");
    assert_eq!(parsed.key_id, signer().key_id());
}

#[test]
fn signer_rejects_out_of_range_fields() {
    let bad = [
        VenueClaims {
            unit_code: String::new(),
            ..claims()
        },
        VenueClaims {
            unit_code: "X".repeat(17),
            ..claims()
        },
        VenueClaims {
            unit_code: "26-734".into(),
            ..claims()
        },
        VenueClaims {
            name: String::new(),
            ..claims()
        },
        VenueClaims {
            name: "x".repeat(121),
            ..claims()
        },
        VenueClaims {
            name: "a\nb".into(),
            ..claims()
        },
    ];
    for c in bad {
        assert_eq!(signer().sign(&c), Err(VenueCodeError::Malformed), "{c:?}");
    }
}

#[test]
fn seed_restores_the_same_key() {
    let s = signer();
    let restored = VenueSigner::from_seed(&s.seed());
    assert_eq!(restored.trusted_key(), s.trusted_key());
    assert_eq!(s.trusted_key().key_id, s.key_id());
    assert!(!format!("{s:?}").contains(&format!("{:?}", s.seed())));
}

#[test]
fn truncated_never_panics() {
    let payload = signed(&claims());
    for cut in 0..payload.len() {
        let result = verify(&payload[..cut], &trusted(), NOW);
        assert!(
            matches!(
                result,
                Err(VenueCodeError::Truncated | VenueCodeError::Malformed)
            ),
            "cut at {cut}: {result:?}"
        );
    }
    let bytes = binary(&payload);
    for cut in 0..bytes.len() {
        let result = parse_unverified(&text(&bytes[..cut]));
        assert_eq!(result, Err(VenueCodeError::Truncated), "cut at byte {cut}");
    }
}

#[test]
fn oversized_is_refused_before_decoding() {
    let junk = "!".repeat(MAX_PAYLOAD_CHARS + 1);
    assert_eq!(
        verify(&junk, &trusted(), NOW),
        Err(VenueCodeError::Oversized)
    );
    assert_eq!(parse_unverified(&junk), Err(VenueCodeError::Oversized));
}

#[test]
fn not_a_vaora_code() {
    for text in [
        "",
        "hello",
        "https://example.com/",
        "https://zalo.me/g/abcdef",
        "012345678901|NGUYEN VAN A|1990-01-01|0||",
        "https://vaora.example/c#",
    ] {
        assert_eq!(
            payload_from_text(text),
            Err(VenueCodeError::NotVaoraCode),
            "{text:?}"
        );
    }
}

#[test]
fn invalid_base32_is_malformed() {
    let payload = signed(&claims());
    let broken = format!("{}1{}", &payload[..10], &payload[11..]);
    assert_eq!(
        verify(&broken, &trusted(), NOW),
        Err(VenueCodeError::Malformed)
    );
}

#[test]
fn unsupported_version() {
    let mut bytes = binary(&signed(&claims()));
    bytes[0] = 2;
    assert_eq!(
        parse_unverified(&text(&bytes)),
        Err(VenueCodeError::UnsupportedVersion(2))
    );
}

#[test]
fn validity_window() {
    let c = claims();
    let payload = signed(&c);
    let end = c.issued_at + 30 * DAY;
    assert_eq!(c.expires_at(), Some(end));
    assert!(verify(&payload, &trusted(), end).is_ok());
    assert_eq!(
        verify(&payload, &trusted(), end + 1),
        Err(VenueCodeError::Expired)
    );
    assert!(verify(&payload, &trusted(), c.issued_at - CLOCK_SKEW_SECS).is_ok());
    assert_eq!(
        verify(&payload, &trusted(), c.issued_at - CLOCK_SKEW_SECS - 1),
        Err(VenueCodeError::NotYetValid)
    );
}

#[test]
fn zero_valid_days_never_expires() {
    let c = VenueClaims {
        valid_days: 0,
        ..claims()
    };
    assert_eq!(c.expires_at(), None);
    assert!(verify(&signed(&c), &trusted(), u64::MAX).is_ok());
}

#[test]
fn non_minimal_varint_is_malformed_even_if_signed() {
    let mut body = wire::encode_body(&claims()).expect("in range");
    // venue_id 4242 = [0x92, 0x21]; pad it to [0x92, 0xa1, 0x00].
    assert_eq!(&body[1..3], &[0x92, 0x21]);
    body.splice(1..3, [0x92, 0xa1, 0x00]);
    assert_eq!(
        verify(&sign_raw(&body), &trusted(), NOW),
        Err(VenueCodeError::Malformed)
    );
}

#[test]
fn trailing_bytes_are_malformed_even_if_signed() {
    let bytes = binary(&signed(&claims()));
    let mut extended = bytes.clone();
    extended.push(0);
    assert_eq!(
        parse_unverified(&text(&extended)),
        Err(VenueCodeError::Malformed)
    );
    // Extra bytes inside the signed part are caught by the structure too.
    let mut body = wire::encode_body(&claims()).expect("in range");
    body.push(0);
    assert_eq!(
        verify(&sign_raw(&body), &trusted(), NOW),
        Err(VenueCodeError::Malformed)
    );
}

#[test]
fn invalid_utf8_name_is_malformed() {
    let mut body = wire::encode_body(&claims()).expect("in range");
    let pos = body
        .windows(2)
        .position(|w| w == b"Qu")
        .expect("name is in the body");
    body[pos] = 0xff;
    assert_eq!(
        verify(&sign_raw(&body), &trusted(), NOW),
        Err(VenueCodeError::Malformed)
    );
}

#[test]
fn valid_days_above_u32_is_malformed() {
    let mut body = wire::encode_body(&claims()).expect("in range");
    body.pop(); // valid_days = 30 is a single byte
    varint::write(&mut body, u64::from(u32::MAX) + 1);
    assert_eq!(
        verify(&sign_raw(&body), &trusted(), NOW),
        Err(VenueCodeError::Malformed)
    );
}

#[test]
fn every_single_byte_mutation_is_rejected() {
    let bytes = binary(&signed(&claims()));
    let keys = trusted();
    for pos in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut mutated = bytes.clone();
            mutated[pos] ^= flip;
            let result = verify(&text(&mutated), &keys, NOW);
            assert!(result.is_err(), "byte {pos} ^ {flip:#x} verified");
        }
    }
}

#[test]
fn error_codes_are_stable() {
    let all = [
        (VenueCodeError::NotVaoraCode, "not_vaora_code"),
        (VenueCodeError::UnsupportedVersion(9), "unsupported_version"),
        (VenueCodeError::Truncated, "truncated"),
        (VenueCodeError::Oversized, "oversized"),
        (VenueCodeError::Malformed, "malformed"),
        (VenueCodeError::UnknownKey, "unknown_key"),
        (VenueCodeError::BadSignature, "bad_signature"),
        (VenueCodeError::Expired, "expired"),
        (VenueCodeError::NotYetValid, "not_yet_valid"),
    ];
    for (error, code) in all {
        assert_eq!(error.code(), code);
        assert!(!error.to_string().is_empty());
    }
}
