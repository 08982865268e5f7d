//! Roles and scopes through the API: the administrator issues tokens; an officer acts within
//! their unit and below it, a tracer reads personal data (audited under the token's name), venue
//! staff see their venue; a revoked token stops working at once.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};

const ADMIN: &str = "roles-test-admin";

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    common::call(
        app,
        method,
        path,
        (!token.is_empty()).then_some(token),
        body,
    )
    .await
}

async fn issue(app: &Router, body: Value) -> String {
    let (status, issued) = call(app, "POST", "/v1/admin/tokens", ADMIN, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["token"].as_str().expect("secret").to_owned()
}

async fn register(app: &Router, token: &str, unit: &str) -> (StatusCode, Value) {
    call(
        app,
        "POST",
        "/v1/venues",
        token,
        Some(json!({ "name": "Chợ phiên", "unit_code": unit })),
    )
    .await
}

#[tokio::test]
async fn every_role_acts_within_its_scope() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = router(
        AppState::new(
            store.clone(),
            VenueSigner::generate(),
            ADMIN,
            "http://vaora.test",
        ),
        None,
    );
    let units = "code,name,type,parent\n01,Hà Nội,thành phố,\n282,Huyện Mỹ Đức,huyện,01\n\
                 10477,Xã Đồng Tâm,xã,282\n02,Hà Giang,tỉnh,\n20000,Xã Xa,xã,02\n";
    let import = Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::from(units))
        .expect("request");
    assert_eq!(
        app.clone().oneshot(import).await.expect("answer").status(),
        StatusCode::OK
    );

    let officer = issue(
        &app,
        json!({ "role": "officer", "label": "UBND huyện Mỹ Đức", "unit_code": "282" }),
    )
    .await;
    let tracer = issue(&app, json!({ "role": "tracer", "label": "CDC Hà Nội" })).await;
    // Scopes must match roles.
    for bad in [
        json!({ "role": "officer", "label": "no unit" }),
        json!({ "role": "tracer", "label": "with unit", "unit_code": "01" }),
        json!({ "role": "venue_staff", "label": "no venue" }),
        json!({ "role": "officer", "label": "unknown unit", "unit_code": "55555" }),
        json!({ "role": "tracer", "label": "x" }),
    ] {
        let (status, _) = call(&app, "POST", "/v1/admin/tokens", ADMIN, Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // The officer registers below their unit, not elsewhere, and nothing of the operator's.
    let (status, own) = register(&app, &officer, "10477").await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    let (status, refused) = register(&app, &officer, "20000").await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (_, elsewhere) = register(&app, ADMIN, "20000").await;
    assert_eq!(
        call(&app, "GET", "/v1/stats/venues?unit=282", &officer, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "GET", "/v1/stats/venues?unit=01", &officer, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", "/v1/admin/tokens", &officer, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", "/v1/admin/purges", &officer, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let revoke_other = format!("/v1/admin/venues/{}/revoke", elsewhere["venue_id"]);
    assert_eq!(
        call(&app, "POST", &revoke_other, &officer, None).await.0,
        StatusCode::FORBIDDEN
    );

    // Venue staff see their venue only.
    let staff = issue(
        &app,
        json!({ "role": "venue_staff", "label": "Quầy chợ", "venue_id": own["venue_id"] }),
    )
    .await;
    let (status, report) = call(&app, "GET", "/v1/stats/venues?unit=01", &staff, None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&Value> = report["venues"]
        .as_array()
        .expect("venues")
        .iter()
        .map(|v| &v["venue_id"])
        .collect();
    assert_eq!(ids, [&own["venue_id"]]);
    assert_eq!(
        register(&app, &staff, "10477").await.0,
        StatusCode::FORBIDDEN
    );

    // A check-in, read by the tracer (audited under the token), not by the officer or staff.
    let checkin = json!({
        "id": uuid::Uuid::new_v4(), "venue_code": own["venue_code"],
        "declaration": common::declaration("Nguyễn Thị Ánh", "0912345678")
    });
    let (status, receipt) = call(&app, "POST", "/v1/checkins", "", Some(checkin)).await;
    assert_eq!(status, StatusCode::CREATED);
    let read = format!(
        "/v1/admin/checkins/{}?purpose=BN-1024",
        receipt["id"].as_str().unwrap_or_default()
    );
    assert_eq!(
        call(&app, "GET", &read, &officer, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", &read, &staff, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", &read, &tracer, None).await.0,
        StatusCode::OK
    );
    let log = format!(
        "/v1/admin/checkins/{}/accesses",
        receipt["id"].as_str().unwrap_or_default()
    );
    let (_, accesses) = call(&app, "GET", &log, ADMIN, None).await;
    let actor = accesses["accesses"][0]["actor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        actor.starts_with("token ") && actor.ends_with("(CDC Hà Nội)"),
        "{actor}"
    );
    assert_eq!(
        call(
            &app,
            "POST",
            "/v1/venues",
            &tracer,
            Some(json!({ "name": "Chợ", "unit_code": "01" }))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );

    // Tokens are listed without secrets; a revoked one stops at once.
    let (_, listed) = call(&app, "GET", "/v1/admin/tokens", ADMIN, None).await;
    assert!(
        !listed.to_string().contains(&officer),
        "no secret is ever listed"
    );
    let officer_id = listed["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["label"] == "UBND huyện Mỹ Đức"))
        .map(|t| t["id"].clone())
        .expect("officer listed");
    let (status, _) = call(
        &app,
        "POST",
        &format!("/v1/admin/tokens/{officer_id}/revoke"),
        ADMIN,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = register(&app, &officer, "10477").await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    assert_eq!(
        register(&app, "vaora_not-a-token", "10477").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn venues_register_in_bulk_from_csv_all_or_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = router(
        AppState::new(
            store.clone(),
            VenueSigner::generate(),
            ADMIN,
            "http://vaora.test",
        ),
        None,
    );
    let units =
        "code,name,type,parent\n01,Hà Nội,thành phố,\n10477,Xã Đồng Tâm,xã,01\n02,Hà Giang,tỉnh,\n";
    let import = Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::from(units))
        .expect("request");
    assert_eq!(
        app.clone().oneshot(import).await.expect("answer").status(),
        StatusCode::OK
    );
    let bulk = |csv: &str, token: &str| {
        Request::post("/v1/admin/venues/bulk")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv.to_owned()))
            .expect("request")
    };
    let send = |request: Request<Body>| {
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.expect("answer");
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        }
    };
    // One bad row (an unknown unit on line 3): nothing is registered.
    let (status, error) = send(bulk(
        "name,unit_code\nChợ Đồng Tâm,10477\nTrạm y tế,55555\n",
        ADMIN,
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("line 3:")),
        "{error}"
    );
    assert_eq!(store.first_venue().await.expect("read"), None);

    let csv = "name,unit_code\nChợ Đồng Tâm,10477\n\"Trường Tiểu học, cơ sở 2\",10477\nBến xe,02\n";
    let (status, registered) = send(bulk(csv, ADMIN)).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let names: Vec<&str> = registered["venues"]
        .as_array()
        .expect("venues")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Chợ Đồng Tâm", "Trường Tiểu học, cơ sở 2", "Bến xe"]
    );
    assert!(registered["venues"][0]["poster_url"]
        .as_str()
        .is_some_and(|url| url.starts_with("http://vaora.test/c#")));

    // The optional columns: kind, address and contact (a phone, stored normalised; never public).
    let csv = "name,unit_code,kind,address,contact\n\
               Chợ Tế Tiêu,10477,market,\"Thôn Tế Tiêu, Đại Nghĩa\",+84 912 345 678\n\
               Nhà văn hoá,10477,,,\n";
    let (status, registered) = send(bulk(csv, ADMIN)).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let market = &registered["venues"][0];
    assert_eq!(
        (&market["kind"], &market["address"]),
        (&json!("market"), &json!("Thôn Tế Tiêu, Đại Nghĩa"))
    );
    assert_eq!(registered["venues"][1]["kind"], "other");
    let short = market["short_code"].as_str().unwrap_or_default();
    let stored = store
        .venue_by_short_code(
            vaora_protocol::short_code::ShortCode::parse(short).expect("short code"),
        )
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.contact, "0912345678");
    let (status, public) = send(
        Request::get(format!("/v1/venues/{short}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["address"], "Thôn Tế Tiêu, Đại Nghĩa");
    assert!(
        public.get("contact").is_none(),
        "the contact is not public: {public}"
    );
    // The same CSV answered with the posters to print: one A4 page per venue, in file order.
    let pdf_request = Request::post("/v1/admin/venues/bulk")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::ACCEPT, "application/pdf")
        .body(Body::from(
            "name,unit_code,kind,address\nChợ Đại Nghĩa,10477,market,Thôn Tế Tiêu\nĐình làng,10477,religious,\n",
        ))
        .expect("request");
    let response = app.clone().oneshot(pdf_request).await.expect("answer");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let document = lopdf::Document::load_mem(&bytes).expect("a PDF");
    assert_eq!(document.get_pages().len(), 2, "a page per registered venue");
    let (status, error) = send(bulk("name,unit_code,kind\nSòng bạc,10477,casino\n", ADMIN)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("casino")),
        "{error}"
    );

    // An officer's file may only hold venues of their unit.
    let officer = issue(
        &app,
        json!({ "role": "officer", "label": "UBND xã Đồng Tâm", "unit_code": "10477" }),
    )
    .await;
    let (status, _) = send(bulk(
        "name,unit_code\nChợ phiên,10477\nBến xe 2,02\n",
        &officer,
    ))
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "line 3 is outside the officer's unit"
    );
    assert_eq!(
        send(bulk("name,unit_code\nChợ phiên,10477\n", &officer))
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(bulk("id,name\n1,x\n", ADMIN)).await.0,
        StatusCode::BAD_REQUEST
    );
}
