//! Check-outs with and without the time the visitor left, the receipt's default stay, and unit
//! answers checked against the loaded unit list, through the API on a real SQLite file.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use uuid::Uuid;
use vaora_protocol::api::VenueKind;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{now_ms, router, AppState};
use vaora_server::seed;
use vaora_server::store::{NewCheckIn, Store, VenueRow};

const ADMIN: &str = "checkout-test-token";
const HOUR_MS: i64 = 3_600_000;

struct Harness {
    app: Router,
    store: Store,
    venue: VenueRow,
    _dir: tempfile::TempDir,
}

async fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let signer = VenueSigner::generate();
    let venue = seed::ensure_demo_venue(&store, &signer)
        .await
        .expect("demo venue");
    let state = AppState::new(store.clone(), signer, ADMIN, "http://vaora.test");
    Harness {
        app: router(state, None),
        store,
        venue,
        _dir: dir,
    }
}

impl Harness {
    /// A check-in stored as received `ago_ms` before now.
    async fn checked_in(&self, ago_ms: i64) -> (Uuid, i64) {
        let id = Uuid::new_v4();
        let received_at = now_ms() - ago_ms;
        let declaration: Declaration =
            serde_json::from_value(common::declaration("Nguyễn Thị Ánh", "0912345678"))
                .expect("declaration");
        self.store
            .insert_checkin(NewCheckIn {
                id,
                venue: self.venue.clone(),
                declaration,
                client_time: None,
                received_at,
            })
            .await
            .expect("stored");
        (id, received_at)
    }

    /// Posts `body` (with `content_type`, if any) to the check-out of `id`.
    async fn check_out(
        &self,
        id: Uuid,
        content_type: Option<&str>,
        body: &str,
    ) -> (StatusCode, Value) {
        let mut request = Request::post(format!("/v1/checkins/{id}/checkout"));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let request = request.body(Body::from(body.to_owned())).expect("request");
        common::send(&self.app, request).await
    }
}

const JSON: Option<&str> = Some("application/json");

#[tokio::test]
async fn a_late_check_out_is_recorded_when_the_visitor_left() {
    let h = harness().await;
    let (id, entered) = h.checked_in(3 * HOUR_MS).await;
    let left = entered + HOUR_MS;
    let (status, receipt) = h
        .check_out(id, JSON, &json!({ "left_at": left }).to_string())
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(
        receipt,
        json!({ "id": id, "checked_in_at": entered, "checked_out_at": left })
    );
    // The first check-out stands, whatever a retry says.
    let (status, again) = h.check_out(id, None, "").await;
    assert_eq!((status, again), (StatusCode::OK, receipt));
    let row = h.store.checkin_by_id(id).await.expect("read").expect("row");
    assert_eq!(row.checked_out_at, Some(left));
}

#[tokio::test]
async fn left_at_is_clamped_between_the_check_in_and_now() {
    let h = harness().await;
    let (early, entered) = h.checked_in(HOUR_MS).await;
    let (_, receipt) = h
        .check_out(
            early,
            JSON,
            &json!({ "left_at": entered - HOUR_MS }).to_string(),
        )
        .await;
    assert_eq!(
        receipt["checked_out_at"], entered,
        "never before the check-in"
    );

    let (late, _) = h.checked_in(HOUR_MS).await;
    let before = now_ms();
    let (_, receipt) = h
        .check_out(
            late,
            JSON,
            &json!({ "left_at": before + 24 * HOUR_MS }).to_string(),
        )
        .await;
    let left = receipt["checked_out_at"].as_i64().expect("a time");
    assert!(
        (before..=now_ms()).contains(&left),
        "a device clock ahead is clamped to the server's now: {left}"
    );
}

#[tokio::test]
async fn any_empty_body_means_now_and_a_beacon_may_send_text() {
    let h = harness().await;
    for (content_type, body) in [(None, ""), (JSON, ""), (JSON, "{}"), (JSON, " {} \n")] {
        let (id, _) = h.checked_in(HOUR_MS).await;
        let before = now_ms();
        let (status, receipt) = h.check_out(id, content_type, body).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{content_type:?} {body:?}: {receipt}"
        );
        let left = receipt["checked_out_at"].as_i64().expect("a time");
        assert!((before..=now_ms()).contains(&left), "{body:?}: {left}");
    }
    // navigator.sendBeacon sends a string as text/plain.
    let (id, entered) = h.checked_in(2 * HOUR_MS).await;
    let body = json!({ "left_at": entered + 1_000 }).to_string();
    let (status, receipt) = h
        .check_out(id, Some("text/plain;charset=UTF-8"), &body)
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["checked_out_at"], entered + 1_000);
}

#[tokio::test]
async fn a_malformed_check_out_body_is_400_and_records_nothing() {
    let h = harness().await;
    let (id, _) = h.checked_in(HOUR_MS).await;
    for body in ["{not json", r#"{"left_at":"soon"}"#, r#"{"left":1}"#] {
        let (status, error) = h.check_out(id, JSON, body).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_json")),
            "{body}: {error}"
        );
    }
    let row = h.store.checkin_by_id(id).await.expect("read").expect("row");
    assert_eq!(row.checked_out_at, None);
    let (status, error) = h.check_out(Uuid::new_v4(), JSON, "{}").await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

/// A check-in body at `venue_code` whose declaration lives in `residence_unit`.
fn checkin_body(id: Uuid, venue_code: &str, residence_unit: &str) -> Value {
    let mut declaration = common::declaration("Nguyễn Thị Ánh", "0912 345 678");
    declaration["answers"]["residence_unit"] = json!(residence_unit);
    json!({ "id": id, "venue_code": venue_code, "declaration": declaration })
}

fn post_checkin(body: &Value) -> Request<Body> {
    Request::post("/v1/checkins")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn checkin(venue_code: &str, residence_unit: &str) -> Request<Body> {
    post_checkin(&checkin_body(Uuid::new_v4(), venue_code, residence_unit))
}

#[tokio::test]
async fn receipts_say_how_long_a_visit_to_the_venue_usually_lasts() {
    let h = harness().await;
    assert_eq!(h.venue.kind, VenueKind::Market);
    let body = checkin_body(Uuid::new_v4(), &h.venue.venue_code, "01");
    let (status, created) = common::send(&h.app, post_checkin(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["default_stay_minutes"], 60);
    let (_, replayed) = common::send(&h.app, post_checkin(&body)).await;
    assert_eq!(replayed, created, "the replay carries it too");
}

const UNITS: &str = "code,name,type,parent
01,Thành phố Hà Nội,thành phố trung ương,
00070,Phường Hoàn Kiếm,phường,01
";

#[tokio::test]
async fn a_unit_answer_must_name_a_unit_once_a_list_is_loaded() {
    let h = harness().await;
    let code = h.venue.venue_code.clone();
    // No list: any well-formed code is accepted.
    let (status, answer) = common::send(&h.app, checkin(&code, "99999")).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    let import = Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(UNITS))
        .expect("request");
    let (status, imported) = common::send(&h.app, import).await;
    assert_eq!(status, StatusCode::OK, "{imported}");

    let (status, refused) = common::send(&h.app, checkin(&code, "99999")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["code"], "validation_failed");
    assert_eq!(
        refused["fields"],
        json!([{ "question": "residence_unit", "problem": "unknown_choice" }])
    );
    for listed in ["00070", " 01 "] {
        let (status, answer) = common::send(&h.app, checkin(&code, listed)).await;
        assert_eq!(status, StatusCode::CREATED, "{listed:?}: {answer}");
    }
    assert_eq!(h.store.checkin_count().await.expect("count"), 3);
}

#[tokio::test]
async fn a_list_already_in_the_store_is_used_from_the_first_check_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    store
        .replace_units(vaora_server::units::parse_csv(UNITS).expect("units"))
        .await
        .expect("loaded");
    let signer = VenueSigner::generate();
    let venue = seed::ensure_demo_venue(&store, &signer)
        .await
        .expect("demo venue");
    let app = router(
        AppState::new(store, signer, ADMIN, "http://vaora.test"),
        None,
    );
    let (status, refused) = common::send(&app, checkin(&venue.venue_code, "99999")).await;
    assert_eq!(
        (status, refused["fields"][0]["problem"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unknown_choice")),
        "{refused}"
    );
}
