use serde_json::json;

use super::*;
use crate::form::Answer;

const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

#[test]
fn entries_are_tagged_by_source() {
    let scanned: StaffCheckInRequest = serde_json::from_value(json!({
        "id": ID,
        "entry": { "source": "scanned", "code": "001099012345|NGUYEN VAN AN|1990-01-02|0||" }
    }))
    .expect("valid");
    assert_eq!(
        scanned.entry,
        StaffEntry::Scanned {
            code: "001099012345|NGUYEN VAN AN|1990-01-02|0||".into()
        }
    );
    assert_eq!(scanned.client_time, None);

    let paper = json!({
        "id": ID,
        "entry": {
            "source": "paper",
            "declaration": { "form_version": 1, "answers": { "full_name": "Trần Thị B" } }
        },
        "client_time": 5
    });
    let request: StaffCheckInRequest = serde_json::from_value(paper.clone()).expect("valid");
    let StaffEntry::Paper { declaration } = &request.entry else {
        panic!("paper entry read as {:?}", request.entry);
    };
    assert_eq!(
        declaration.answers.get("full_name"),
        Some(&Answer::Text("Trần Thị B".into()))
    );
    assert_eq!(serde_json::to_value(&request).ok(), Some(paper));

    for bad in [
        json!({ "id": ID, "entry": { "source": "typed", "code": "x" } }),
        json!({ "id": ID, "entry": { "code": "x" } }),
        json!({ "id": ID, "entry": { "source": "scanned", "code": "x", "extra": 1 } }),
        json!({ "id": ID, "entry": { "source": "scanned", "code": "x" }, "venue_id": 3 }),
    ] {
        assert!(
            serde_json::from_value::<StaffCheckInRequest>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn entered_by_has_wire_names() {
    for by in [EnteredBy::Kiosk, EnteredBy::Paper] {
        assert_eq!(serde_json::to_value(by).ok(), Some(json!(by.as_str())));
        assert_eq!(EnteredBy::from_name(by.as_str()), Some(by));
    }
    assert_eq!(EnteredBy::from_name("visitor"), None);
}

#[test]
fn optional_bodies_default_to_now() {
    let close: CloseDay = serde_json::from_value(json!({})).expect("valid");
    assert_eq!(close, CloseDay { left_at: None });
    let out: StaffCheckOutRequest =
        serde_json::from_value(json!({ "id": ID, "code": "c" })).expect("valid");
    assert_eq!(out.left_at, None);
    let invite: StaffInvitationRequest =
        serde_json::from_value(json!({ "contact": "0912345678" })).expect("valid");
    assert_eq!((invite.label, invite.venue_id), (None, None));
    assert!(serde_json::from_value::<InvitationAcceptance>(json!({})).is_err());
}
