//! What the widget tells its host page: `vaora:*` events on the widget's element, bubbling and
//! composed, each with a typed `detail` (the TypeScript side is `www/widget.d.ts`). The shell
//! sends `vaora:error` and a foreign code's `vaora:scan` itself ([`Shell::fail`],
//! [`Shell::foreign_code_read`]: the first scan has no serde code to spare); the screens in chunks send the
//! rest through [`emit`], their details serialised by serde-wasm-bindgen. No detail carries
//! personal data: ids, the venue, counts, a kiosk's masked text.

use serde::Serialize;

use crate::shell::Shell;
use crate::venue::VenueCheck;

/// `vaora:scan`: a code was read (camera, photo, short code, the `venue` option).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanDetail {
    /// `venue` (genuine), `refused` (a venue code that must not be used), `other` (not a
    /// venue code) or, at a kiosk, `person`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_name: Option<String>,
    /// Why a code was refused (`expired`, `bad_signature`, … or a personal code's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A kiosk's decision: `in`, `out`, `inside` or `refused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<&'static str>,
    /// A kiosk's masked name and ID, as on its screen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

impl ScanDetail {
    /// The detail of a checked venue code.
    pub fn of_venue(check: &VenueCheck) -> ScanDetail {
        match &check.verdict {
            Ok(claims) => ScanDetail {
                kind: "venue",
                venue_id: Some(claims.venue_id),
                venue_name: Some(claims.name.clone()),
                ..ScanDetail::default()
            },
            Err(refusal) => ScanDetail {
                kind: "refused",
                venue_id: refusal.claimed.as_ref().map(|claims| claims.venue_id),
                venue_name: refusal.claimed.as_ref().map(|claims| claims.name.clone()),
                reason: Some(refusal.reason.code().into()),
                ..ScanDetail::default()
            },
        }
    }
}

/// `vaora:checkin`: check-ins recorded on this device (`pending` until the server has them:
/// follow `vaora:pending`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckinDetail {
    /// The check-ins' ids, as the server stores them (one per person checked in).
    pub checkin_ids: Vec<String>,
    pub venue_id: u64,
    pub venue_name: String,
    /// Entered by venue staff (a kiosk scan or a paper declaration).
    pub by_staff: bool,
}

/// `vaora:checkout`: visits ended on this device.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutDetail {
    pub checkin_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<u64>,
    pub by_staff: bool,
}

/// `vaora:pending`: how many requests this device has not delivered yet.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PendingDetail {
    pub count: usize,
}

/// Sends the event `name` (`vaora:…`) with `detail` from `shell`'s root (JSON-compatible: ids
/// as numbers).
pub fn emit(shell: &Shell, name: &str, detail: &impl Serialize) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    if let Ok(detail) = detail.serialize(&serializer) {
        shell.emit(name, &detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::venue::Refusal;
    use vaora_protocol::venue_code::{KeyId, VenueClaims, VenueCodeError};

    fn claims() -> VenueClaims {
        VenueClaims {
            venue_id: 42,
            unit_code: "01".into(),
            name: "Chợ Mỹ Đức".into(),
            key_id: KeyId([0; 4]),
            issued_at: 1_700_000_000,
            valid_days: 0,
        }
    }

    #[test]
    fn a_genuine_venue_is_a_venue_scan_with_its_id_and_name() {
        let check = VenueCheck {
            payload: "V1".into(),
            verdict: Ok(claims()),
        };
        let detail = ScanDetail::of_venue(&check);
        assert_eq!(detail.kind, "venue");
        assert_eq!(detail.venue_id, Some(42));
        assert_eq!(detail.venue_name.as_deref(), Some("Chợ Mỹ Đức"));
        assert_eq!(detail.reason, None);
    }

    #[test]
    fn a_refused_code_says_why_and_what_it_claims() {
        let check = VenueCheck {
            payload: "V1".into(),
            verdict: Err(Refusal {
                reason: VenueCodeError::Expired,
                claimed: Some(claims()),
            }),
        };
        let detail = ScanDetail::of_venue(&check);
        assert_eq!(detail.kind, "refused");
        assert_eq!(
            detail.reason.as_deref(),
            Some(VenueCodeError::Expired.code())
        );
        assert_eq!(detail.venue_id, Some(42));
    }

    #[test]
    fn details_are_camel_case_json_without_absent_fields() {
        let detail = ScanDetail {
            kind: "other",
            ..ScanDetail::default()
        };
        assert_eq!(
            serde_json::to_string(&detail).expect("json"),
            r#"{"kind":"other"}"#
        );
        let checkin = CheckinDetail {
            checkin_ids: vec!["a".into()],
            venue_id: 7,
            venue_name: "X".into(),
            by_staff: false,
        };
        assert_eq!(
            serde_json::to_string(&checkin).expect("json"),
            r#"{"checkinIds":["a"],"venueId":7,"venueName":"X","byStaff":false}"#
        );
    }
}
