//! Key rotation, revocation and the programme switch, through the HTTP API on a real SQLite
//! store: a server restarted with a new key keeps accepting the old key's codes until that key
//! is revoked; a withdrawn venue and a switched-off programme refuse check-ins with their own
//! error codes.

mod common;

use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{now_ms, router, AppState};
use vaora_server::store::Store;

const ADMIN: &str = "trust-test-token";

/// A server process on `store` signing with `signer`, started as `main` starts it.
async fn start(store: &Store, signer: &VenueSigner) -> Router {
    let state = AppState::new(
        store.clone(),
        VenueSigner::from_seed(&signer.seed()),
        ADMIN,
        "http://vaora.test",
    );
    state
        .trust
        .activate(&state.store, signer.trusted_key(), now_ms())
        .await
        .expect("activate the key");
    router(state, None)
}

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Value>,
    admin: bool,
) -> (StatusCode, Value) {
    common::call(app, method, path, admin.then_some(ADMIN), body).await
}

async fn register(app: &Router, name: &str) -> Value {
    let (status, venue) = call(
        app,
        "POST",
        "/v1/venues",
        Some(json!({ "name": name, "unit_code": "00004" })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{venue}");
    venue
}

async fn check_in(app: &Router, venue_code: &Value) -> (StatusCode, Value) {
    let body = json!({
        "id": uuid::Uuid::new_v4(),
        "venue_code": venue_code,
        "declaration": common::declaration("Nguyễn Thị Ánh", "0912345678")
    });
    call(app, "POST", "/v1/checkins", Some(body), false).await
}

#[tokio::test]
async fn a_rotated_key_keeps_its_codes_working_until_it_is_revoked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let (old_key, new_key) = (VenueSigner::generate(), VenueSigner::generate());

    let before = start(&store, &old_key).await;
    let old_venue = register(&before, "Chợ Mỹ Đức").await;
    // Restarted with a new key: new codes come from it, old posters still work.
    let app = start(&store, &new_key).await;
    let new_venue = register(&app, "Trạm y tế xã").await;
    assert_eq!(
        check_in(&app, &old_venue["venue_code"]).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        check_in(&app, &new_venue["venue_code"]).await.0,
        StatusCode::CREATED
    );

    let (status, keys) = call(&app, "GET", "/v1/keys", None, false).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<(String, String)> = keys["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| {
            (
                k["kid"].as_str().unwrap_or_default().to_owned(),
                k["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(old_key.key_id().to_string(), "retired".into())),
        "{keys}"
    );
    assert!(
        statuses.contains(&(new_key.key_id().to_string(), "active".into())),
        "{keys}"
    );
    let (_, config) = call(&app, "GET", "/config.json", None, false).await;
    assert_eq!(
        config["trustedKeys"].as_array().map(Vec::len),
        Some(2),
        "both keys are trusted"
    );

    // Revoking needs the administrator; then the old key's codes are refused, by name.
    let revoke = format!("/v1/admin/keys/{}/revoke", old_key.key_id());
    assert_eq!(
        call(&app, "POST", &revoke, None, false).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, keys) = call(&app, "POST", &revoke, None, true).await;
    assert_eq!(status, StatusCode::OK, "{keys}");
    let (status, refused) = check_in(&app, &old_venue["venue_code"]).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("key_revoked"))
    );
    assert_eq!(
        check_in(&app, &new_venue["venue_code"]).await.0,
        StatusCode::CREATED
    );
    let (_, config) = call(&app, "GET", "/config.json", None, false).await;
    assert_eq!(
        config["trustedKeys"].as_array().map(Vec::len),
        Some(1),
        "the revoked key is no longer trusted"
    );

    // Another process on the same store learns of it on its next refresh.
    let other = AppState::new(
        store.clone(),
        VenueSigner::from_seed(&new_key.seed()),
        ADMIN,
        "http://vaora.test",
    );
    other.trust.refresh(&other.store).await.expect("refresh");
    let other = router(other, None);
    assert_eq!(
        check_in(&other, &old_venue["venue_code"]).await.1["code"],
        "key_revoked"
    );

    // A server can never be started again with the revoked key.
    let state = AppState::new(
        store.clone(),
        VenueSigner::from_seed(&old_key.seed()),
        ADMIN,
        "http://vaora.test",
    );
    assert!(state
        .trust
        .activate(&state.store, old_key.trusted_key(), now_ms())
        .await
        .is_err());
}

#[tokio::test]
async fn a_withdrawn_venue_and_a_switched_off_programme_refuse_check_ins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = start(&store, &VenueSigner::generate()).await;
    let market = register(&app, "Chợ Mỹ Đức").await;
    let school = register(&app, "Trường tiểu học").await;

    let revoke = format!("/v1/admin/venues/{}/revoke", market["venue_id"]);
    assert_eq!(
        call(&app, "POST", &revoke, None, false).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, revoked) = call(&app, "POST", &revoke, None, true).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].as_i64().is_some_and(|at| at > 0));
    let (status, refused) = check_in(&app, &market["venue_code"]).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::GONE, Some("venue_revoked"))
    );
    let lookup = format!(
        "/v1/venues/{}",
        market["short_code"].as_str().unwrap_or_default()
    );
    assert_eq!(
        call(&app, "GET", &lookup, None, false).await.1["code"],
        "venue_revoked"
    );
    assert_eq!(
        check_in(&app, &school["venue_code"]).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        call(&app, "POST", "/v1/admin/venues/99999/revoke", None, true)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let off = json!({ "state": "switched_off",
                      "message": { "vi": "Chương trình đã kết thúc.", "en": "The programme has ended." } });
    assert_eq!(
        call(&app, "PUT", "/v1/admin/programme", Some(off.clone()), false)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, set) = call(&app, "PUT", "/v1/admin/programme", Some(off), true).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, shown) = call(&app, "GET", "/v1/programme", None, false).await;
    assert_eq!(shown["state"], "switched_off");
    assert_eq!(shown["message"]["en"], "The programme has ended.");
    assert!(shown["since"].as_i64().is_some_and(|at| at > 0));
    let (status, refused) = check_in(&app, &school["venue_code"]).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::GONE, Some("programme_switched_off"))
    );

    let (status, _) = call(
        &app,
        "PUT",
        "/v1/admin/programme",
        Some(json!({ "state": "active" })),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        check_in(&app, &school["venue_code"]).await.0,
        StatusCode::CREATED
    );
    assert_eq!(store.checkin_count().await.expect("count"), 2);
}

#[tokio::test]
async fn personal_data_is_read_only_with_a_purpose_and_every_read_is_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = start(&store, &VenueSigner::generate()).await;
    let market = register(&app, "Chợ Mỹ Đức").await;
    let (status, receipt) = check_in(&app, &market["venue_code"]).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = receipt["id"].as_str().unwrap_or_default().to_owned();

    let (status, refused) =
        call(&app, "GET", &format!("/v1/admin/checkins/{id}"), None, true).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("validation_failed"))
    );
    let (_, log) = call(
        &app,
        "GET",
        &format!("/v1/admin/checkins/{id}/accesses"),
        None,
        true,
    )
    .await;
    assert_eq!(log["accesses"], json!([]), "a refused read is not a read");

    let read = format!("/v1/admin/checkins/{id}?purpose=ca%20b%E1%BB%87nh%20BN-1024");
    let (status, record) = call(&app, "GET", &read, None, true).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(
        record["declaration"]["answers"]["full_name"],
        "Nguyễn Thị Ánh"
    );
    let (status, log) = call(
        &app,
        "GET",
        &format!("/v1/admin/checkins/{id}/accesses"),
        None,
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["accesses"][0]["purpose"], "ca bệnh BN-1024");
    assert_eq!(log["accesses"][0]["actor"], "admin");
    assert_eq!(log["accesses"][0]["checkin_id"], id);
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/v1/admin/checkins/{id}/accesses"),
            None,
            false
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_server_purges_by_age_and_shows_its_purges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = start(&store, &VenueSigner::generate()).await;
    let market = register(&app, "Chợ Mỹ Đức").await;
    assert_eq!(
        check_in(&app, &market["venue_code"]).await.0,
        StatusCode::CREATED
    );
    // 21 days later (and a minute), as the hourly purge would see it.
    let later = now_ms() + 21 * 86_400_000 + 60_000;
    let record = vaora_server::retention::purge(&store, 21, later)
        .await
        .expect("purge");
    assert_eq!(record.deleted, 1);
    assert_eq!(store.checkin_count().await.expect("count"), 0);
    let (status, log) = call(&app, "GET", "/v1/admin/purges", None, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["retention_days"], 21);
    assert_eq!(log["purges"][0]["deleted"], 1);
    assert_eq!(log["purges"][0]["ran_at"], later);
    assert_eq!(
        call(&app, "GET", "/v1/admin/purges", None, false).await.0,
        StatusCode::UNAUTHORIZED
    );
}
