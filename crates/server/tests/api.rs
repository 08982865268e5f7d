//! The check-in API against a real SQLite file: idempotency, validation, limits, unknown venue.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use data_encoding::BASE32_NOPAD;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;
use vaora_protocol::venue_code::{VenueClaims, VenueSigner};
use vaora_server::app::{router, AppState, MAX_BODY_BYTES};
use vaora_server::seed;
use vaora_server::store::{self, Store};

struct Harness {
    app: Router,
    store: Store,
    signer: Arc<VenueSigner>,
    venue_code: String,
    short_code: String,
    _dir: tempfile::TempDir,
}

const ADMIN: &str = "test-admin-token";

async fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vaora.sqlite");
    let store = store::open(path.to_str().expect("utf-8 temp path"))
        .await
        .expect("open store");
    let signer = Arc::new(VenueSigner::generate());
    let venue = seed::ensure_demo_venue(&store, &signer)
        .await
        .expect("demo venue");
    let state = AppState::new(
        store.clone(),
        VenueSigner::from_seed(&signer.seed()),
        ADMIN,
        "http://vaora.test",
    );
    Harness {
        app: router(state, None),
        store,
        signer,
        venue_code: venue.venue_code,
        short_code: venue.short_code.as_str().to_owned(),
        _dir: dir,
    }
}

fn declaration() -> Value {
    common::declaration("Nguyễn Thị Ánh", "0912 345 678")
}

fn checkin_body(id: &str, venue_code: &str) -> Value {
    json!({ "id": id, "venue_code": venue_code, "declaration": declaration() })
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value, Option<String>) {
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body, replayed)
}

fn post_json(path: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request")
}

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

#[tokio::test]
async fn a_checkin_is_stored_once_and_replays_answer_the_same() {
    let h = harness().await;
    let body = checkin_body(ID, &h.venue_code).to_string();
    let (status, first, replayed) = send(&h.app, post_json("/v1/checkins", body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(replayed, None);
    assert_eq!(first["id"], ID);
    assert_eq!(first["venue_name"], "Chợ Mỹ Đức");

    let (status, second, replayed) = send(&h.app, post_json("/v1/checkins", body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(first, second, "a replay gets the same answer");
    assert_eq!(h.store.checkin_count().await.expect("count"), 1);

    // The stored declaration is the normalised one, readable with the admin token only.
    let read = |token: &str| {
        Request::get(format!("/v1/admin/checkins/{ID}?purpose=case%2042"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    };
    let (status, row, _) = send(&h.app, read(ADMIN)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(row["declaration"]["answers"]["phone"], "0912345678");
    assert_eq!(row["receipt"], first);
    let (status, err, _) = send(&h.app, read("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["code"], "unauthorized");
}

#[tokio::test]
async fn the_same_id_with_other_content_is_a_conflict() {
    let h = harness().await;
    let body = checkin_body(ID, &h.venue_code);
    let (status, _, _) = send(&h.app, post_json("/v1/checkins", body.to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut other = body;
    other["declaration"]["answers"]["full_name"] = json!("Trần Văn Bình");
    let (status, err, _) = send(&h.app, post_json("/v1/checkins", other.to_string())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "idempotency_conflict");
    assert_eq!(h.store.checkin_count().await.expect("count"), 1);
}

#[tokio::test]
async fn invalid_declarations_are_refused_field_by_field() {
    let h = harness().await;
    let mut body = checkin_body(ID, &h.venue_code);
    body["declaration"]["answers"]["phone"] = json!("12345");
    body["declaration"]["answers"]["consent"] = json!(false);
    body["declaration"]["answers"]["birth_year"] = json!("1990");
    let (status, err, _) = send(&h.app, post_json("/v1/checkins", body.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["status"], 400);
    assert_eq!(err["code"], "validation_failed");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    let fields: Vec<(&str, &str)> = err["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["question"].as_str().unwrap_or_default(),
                f["problem"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("birth_year", "wrong_type"),
            ("phone", "invalid_phone"),
            ("consent", "consent_required")
        ]
    );
    assert_eq!(h.store.checkin_count().await.expect("count"), 0);
}

#[tokio::test]
async fn malformed_json_unknown_fields_and_wrong_types_are_400() {
    let h = harness().await;
    let mut unknown = checkin_body(ID, &h.venue_code);
    unknown["extra"] = json!(1);
    let mut wrong_type = checkin_body(ID, &h.venue_code);
    wrong_type["declaration"]["answers"] = json!("not a map of answers");
    for body in [
        "{not json".to_owned(),
        unknown.to_string(),
        wrong_type.to_string(),
    ] {
        let (status, err, _) = send(&h.app, post_json("/v1/checkins", body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
        assert_eq!(err["code"], "invalid_json");
    }
    assert_eq!(h.store.checkin_count().await.expect("count"), 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let h = harness().await;
    let mut body = checkin_body(ID, &h.venue_code);
    body["declaration"]["answers"]["full_name"] = json!("A".repeat(MAX_BODY_BYTES));
    let (status, err, _) = send(&h.app, post_json("/v1/checkins", body.to_string())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["code"], "body_too_large");
    assert_eq!(h.store.checkin_count().await.expect("count"), 0);
}

#[tokio::test]
async fn a_genuine_code_for_an_unknown_venue_is_404() {
    let h = harness().await;
    let claims = VenueClaims {
        venue_id: 9_999,
        unit_code: "01".into(),
        name: "Nowhere".into(),
        key_id: h.signer.key_id(),
        issued_at: 1_700_000_000,
        valid_days: 0,
    };
    let code = h.signer.sign(&claims).expect("sign");
    let (status, err, _) = send(
        &h.app,
        post_json("/v1/checkins", checkin_body(ID, &code).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "venue_not_found");
}

#[tokio::test]
async fn a_forged_venue_code_cannot_be_checked_in() {
    let h = harness().await;
    let forger = VenueSigner::generate();
    let claims = VenueClaims {
        venue_id: 1,
        unit_code: "01".into(),
        name: "Chợ Mỹ Đức".into(),
        key_id: h.signer.key_id(),
        issued_at: 1_700_000_000,
        valid_days: 0,
    };
    // Same claims under the genuine key id, carrying the forger's signature: valid format,
    // wrong signature.
    let genuine = BASE32_NOPAD
        .decode(h.signer.sign(&claims).expect("sign").as_bytes())
        .expect("base32");
    let forged_sig = BASE32_NOPAD
        .decode(forger.sign(&claims).expect("sign").as_bytes())
        .expect("base32");
    let split = genuine.len() - 64;
    let forged = BASE32_NOPAD.encode(&[&genuine[..split], &forged_sig[split..]].concat());
    let (status, err, _) = send(
        &h.app,
        post_json("/v1/checkins", checkin_body(ID, &forged).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "venue_code_invalid");
    assert!(err["message"]
        .as_str()
        .is_some_and(|m| m.contains("bad_signature")));
    assert_eq!(h.store.checkin_count().await.expect("count"), 0);
}

#[tokio::test]
async fn venues_are_found_by_short_code_in_any_typing() {
    let h = harness().await;
    let typed = format!("{}-{}", &h.short_code[..4], &h.short_code[4..]).to_lowercase();
    let get = |path: String| Request::get(path).body(Body::empty()).expect("request");
    let (status, venue, _) = send(&h.app, get(format!("/v1/venues/{typed}"))).await;
    assert_eq!(status, StatusCode::OK, "{venue}");
    assert_eq!(venue["venue_code"], h.venue_code.as_str());
    let (status, err, _) = send(&h.app, get("/v1/venues/ZZZZZZZZ".into())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "venue_not_found");
    let (status, err, _) = send(&h.app, get("/v1/nothing-here".into())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "not_found");
}

#[tokio::test]
async fn responses_carry_a_strict_content_security_policy() {
    let h = harness().await;
    let response = h
        .app
        .clone()
        .oneshot(
            Request::get("/config.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    let csp = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
    // The offline shell: the service worker and the web app manifest from this origin only.
    assert!(csp.contains("worker-src 'self'") && csp.contains("manifest-src 'self'"));
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let config: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(
        config["trustedKeys"][0]["kid"],
        h.signer.key_id().to_string()
    );
}

/// The harness's app with CORS for one portal and a tight per-client limit, every request seen
/// as coming from one address.
async fn guarded() -> (Router, Harness) {
    use axum::extract::connect_info::MockConnectInfo;
    let h = harness().await;
    let state = AppState::new(
        h.store.clone(),
        VenueSigner::from_seed(&h.signer.seed()),
        ADMIN,
        "http://vaora.test",
    )
    .with_cors_origins(vec![axum::http::HeaderValue::from_static(
        "https://portal.example.vn",
    )])
    .with_rate_limit(vaora_server::limits::RateLimit::new(1, 3, false));
    let client: std::net::SocketAddr = "203.0.113.7:40000".parse().expect("address");
    (router(state, None).layer(MockConnectInfo(client)), h)
}

#[tokio::test]
async fn an_embedding_portal_may_call_the_api_and_other_origins_may_not() {
    let (app, _h) = guarded().await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/v1/checkins")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("request")
    };
    let allowed = app
        .clone()
        .oneshot(preflight("https://portal.example.vn"))
        .await
        .expect("answer");
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://portal.example.vn"
    );
    let methods = allowed.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let other = app
        .oneshot(preflight("https://evil.example"))
        .await
        .expect("answer");
    assert!(
        other
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none(),
        "an unlisted origin gets no CORS grant"
    );
}

#[tokio::test]
async fn one_client_over_its_limit_gets_429_with_retry_after() {
    let (app, _h) = guarded().await;
    let health = || {
        Request::get("/v1/health")
            .header(header::ORIGIN, "https://portal.example.vn")
            .body(Body::empty())
            .expect("request")
    };
    // Burst of 3 allowed, then refused until the average (1/s) lets one more through.
    for n in 0..3 {
        let response = app.clone().oneshot(health()).await.expect("answer");
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
    }
    let refused = app.clone().oneshot(health()).await.expect("answer");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
    assert_eq!(
        refused.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://portal.example.vn",
        "the portal's page can read the refusal"
    );
    let body = refused
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let error: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(error["code"], "rate_limited");
    assert_eq!(error["status"], 429);
}
