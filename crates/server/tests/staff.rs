//! The venue-staff API end to end through the router on SQLite: the staff token and link a
//! registration issues, kiosk check-ins from each personal-code format and paper declarations,
//! idempotent replays, "already inside", exits, closing the day, the venue's live numbers,
//! invitations, and every scope rule.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::personal_code::vaora_personal_code;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{now_ms, router, AppState};
use vaora_server::auth;
use vaora_server::store::{NewInvitation, Store};

const ADMIN: &str = "staff-test-admin";
const ORIGIN: &str = "http://vaora.test";

/// A v1.1 code: ID, name, birth date, self-declared, no QID, extras with gender and phone.
const NATIONAL: &str = "001099012345|NGUYEN VAN AN|1999-03-04|0||<NAM<<0912345678";
/// A chip ID card's QR.
const CCCD: &str =
    "079301004567|012345678|Trần Thị Bích|17051990|Nữ|12 Hàng Bạc, Hoàn Kiếm, Hà Nội|01082021";

/// Status, the `Idempotent-Replayed` header, and the body.
async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, bool, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let status = response.status();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|value| value == "true");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        replayed,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

struct World {
    app: Router,
    store: Store,
    _dir: tempfile::TempDir,
    /// Staff token of venue A (unit 10477, under 282, under 01) and its id.
    staff_a: String,
    venue_a: u64,
    /// Staff token of venue B (unit 20000, under 02).
    staff_b: String,
    venue_b: u64,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let app = router(
        AppState::new(store.clone(), VenueSigner::generate(), ADMIN, ORIGIN),
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
    let register = |name: &'static str, unit: &'static str| {
        let app = app.clone();
        async move {
            let (status, _, venue) = call(
                &app,
                "POST",
                "/v1/venues",
                Some(ADMIN),
                Some(json!({ "name": name, "unit_code": unit })),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{venue}");
            let token = venue["staff_token"]
                .as_str()
                .expect("a staff token")
                .to_owned();
            assert_eq!(
                venue["staff_url"],
                format!("{ORIGIN}/staff#token={token}"),
                "the sign-in link carries the token in its fragment"
            );
            (token, venue["venue_id"].as_u64().expect("id"))
        }
    };
    let (staff_a, venue_a) = register("Chợ Đồng Tâm", "10477").await;
    let (staff_b, venue_b) = register("Chợ Xa", "20000").await;
    World {
        app,
        store,
        _dir: dir,
        staff_a,
        venue_a,
        staff_b,
        venue_b,
    }
}

fn scanned(id: Uuid, code: &str) -> Value {
    json!({ "id": id, "entry": { "source": "scanned", "code": code } })
}

fn paper(id: Uuid, declaration: Value) -> Value {
    json!({ "id": id, "entry": { "source": "paper", "declaration": declaration } })
}

fn vaora_code(full_name: &str, phone: &str, id_number: &str) -> String {
    let mut declaration: Declaration =
        serde_json::from_value(common::declaration(full_name, phone)).expect("a declaration");
    declaration.answers.insert(
        "id_number".into(),
        vaora_protocol::form::Answer::Text(id_number.into()),
    );
    vaora_personal_code(&declaration)
}

async fn inside(world: &World, token: &str) -> u64 {
    let (status, _, venue) = call(&world.app, "GET", "/v1/staff/venue", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{venue}");
    venue["inside"].as_u64().expect("inside")
}

#[tokio::test]
async fn a_kiosk_checks_in_every_personal_code_format_once_per_person() {
    let world = world().await;
    let app = &world.app;
    let staff = Some(world.staff_a.as_str());

    let (status, _, venue) = call(app, "GET", "/v1/staff/venue", staff, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (venue["venue_id"].as_u64(), venue["name"].as_str()),
        (Some(world.venue_a), Some("Chợ Đồng Tâm"))
    );
    assert_eq!(
        (venue["inside"].as_u64(), venue["checkins_today"].as_u64()),
        (Some(0), Some(0))
    );

    // National v1.1.
    let first = Uuid::new_v4();
    let (status, replayed, receipt) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(first, NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert!(!replayed);
    assert_eq!(receipt["receipt"]["id"], first.to_string());
    assert_eq!(receipt["receipt"]["venue_id"].as_u64(), Some(world.venue_a));
    assert_eq!(
        receipt["person"],
        json!({ "name": "N. V. AN", "id_number": "••••••012345" })
    );
    assert_eq!(receipt["entered_by"], "kiosk");
    assert_eq!(receipt["inside"], 1);
    assert_eq!(receipt["already_inside"], false);

    // A retry of the same request: the same receipt, marked replayed, still one person inside.
    let (status, replayed, again) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(first, NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(replayed, "the replay is marked");
    assert_eq!(again["receipt"], receipt["receipt"]);
    assert_eq!(again["inside"], 1);
    // The same id for someone else is a conflict.
    let (status, _, conflict) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(first, CCCD)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");
    assert_eq!(conflict["code"], "idempotency_conflict");

    // The same person scanned again (a new request): already inside, nothing new stored.
    let (status, _, repeat) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(Uuid::new_v4(), NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{repeat}");
    assert_eq!(repeat["already_inside"], true);
    assert_eq!(repeat["receipt"]["id"], first.to_string());
    assert_eq!(repeat["inside"], 1);

    // The chip ID card.
    let card = Uuid::new_v4();
    let (status, _, receipt) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(card, CCCD)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["person"]["name"], "T. T. BICH");
    assert_eq!(receipt["inside"], 2);

    // Vaora's own code: a whole declaration.
    let own = Uuid::new_v4();
    let code = vaora_code("Lê Văn Tám", "0987654321", "038088001122");
    let (status, _, receipt) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(own, &code)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["person"]["name"], "L. V. TAM");
    assert_eq!(receipt["inside"], 3);

    // What was stored: identity answers for the identity codes, the whole declaration for a
    // Vaora code, each marked as entered at the kiosk (tracers see it).
    let read = |id: Uuid| {
        let app = app.clone();
        async move {
            let (status, _, record) = call(
                &app,
                "GET",
                &format!("/v1/admin/checkins/{id}?purpose=test"),
                Some(ADMIN),
                None,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{record}");
            record
        }
    };
    let record = read(first).await;
    assert_eq!(record["entered_by"], "kiosk");
    assert_eq!(
        record["declaration"]["answers"],
        json!({
            "full_name": "NGUYEN VAN AN",
            "id_number": "001099012345",
            "birth_year": 1999,
            "gender": "male",
            "phone": "0912345678"
        })
    );
    let record = read(card).await;
    assert_eq!(
        record["declaration"]["answers"]["full_name"],
        "Trần Thị Bích"
    );
    assert_eq!(record["declaration"]["answers"]["gender"], "female");
    let record = read(own).await;
    assert_eq!(record["declaration"]["answers"]["consent"], true);
    assert_eq!(
        record["declaration"]["answers"]["id_number"],
        "038088001122"
    );

    let (_, _, venue) = call(app, "GET", "/v1/staff/venue", staff, None).await;
    assert_eq!(venue["checkins_today"], 3);
}

#[tokio::test]
async fn bad_codes_and_declarations_are_refused_with_their_reason() {
    let world = world().await;
    let app = &world.app;
    let staff = Some(world.staff_a.as_str());
    let refused = |body: Value| {
        let app = app.clone();
        async move {
            let (status, _, error) =
                call(&app, "POST", "/v1/staff/checkins", staff, Some(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
            error
        }
    };
    let error = refused(scanned(Uuid::new_v4(), "https://example.com/not-a-person")).await;
    assert_eq!(error["code"], "personal_code_invalid");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a personal QR code")),
        "{error}"
    );
    let error = refused(scanned(
        Uuid::new_v4(),
        "001099012345|NGUYEN VAN AN|1999-02-30|0||",
    ))
    .await;
    assert_eq!(error["code"], "personal_code_invalid");
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("birth date")));
    let error = refused(scanned(Uuid::new_v4(), "VAORA:P1:!!")).await;
    assert_eq!(error["code"], "personal_code_invalid");

    // A Vaora code is checked like a visitor's declaration: consent is required.
    let mut declaration: Declaration =
        serde_json::from_value(common::declaration("Lê Văn Tám", "0987654321")).expect("valid");
    declaration.answers.remove("consent");
    let error = refused(scanned(Uuid::new_v4(), &vaora_personal_code(&declaration))).await;
    assert_eq!(error["code"], "validation_failed");
    assert_eq!(error["fields"][0]["question"], "consent");

    // So is a paper declaration.
    let mut bad = common::declaration("Lê Văn Tám", "12345");
    bad["answers"]["birth_year"] = json!(1700);
    let error = refused(paper(Uuid::new_v4(), bad)).await;
    assert_eq!(error["code"], "validation_failed");
    let problems: Vec<&str> = error["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|field| field["question"].as_str())
        .collect();
    assert_eq!(problems, ["birth_year", "phone"]);
    // A v1.1 code whose extras hold a bad insurance number loses only that extra.
    let (status, _, ok) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(
            Uuid::new_v4(),
            "001099012345|NGUYEN VAN AN|1999-03-04|0||<NAM<123<0912345678",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ok}");
    assert_eq!(
        inside(&world, &world.staff_a).await,
        1,
        "nothing refused was stored"
    );
}

#[tokio::test]
async fn paper_declarations_are_marked_and_exits_are_idempotent() {
    let world = world().await;
    let app = &world.app;
    let staff = Some(world.staff_a.as_str());

    let mut declaration = common::declaration("Nguyễn Văn An", "0912345678");
    declaration["answers"]["id_number"] = json!("001099012345");
    let entry = Uuid::new_v4();
    let (status, _, receipt) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(paper(entry, declaration)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(receipt["entered_by"], "paper");
    assert_eq!(receipt["person"]["name"], "N. V. AN");
    let checked_in_at = receipt["receipt"]["checked_in_at"].as_i64().expect("time");

    // The paper entry and the person's v1.1 code share the ID number: the kiosk recognises them.
    let (status, _, repeat) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(Uuid::new_v4(), NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(repeat["already_inside"], true);
    assert_eq!(repeat["receipt"]["id"], entry.to_string());

    // Venue B's staff do not see A's visitors.
    let exit = Uuid::new_v4();
    let out = |token: &str, id: Uuid, body_extra: Value| {
        let app = app.clone();
        let token = token.to_owned();
        async move {
            let mut body = json!({ "id": id, "code": NATIONAL });
            if let (Some(body), Some(extra)) = (body.as_object_mut(), body_extra.as_object()) {
                body.extend(extra.clone());
            }
            call(
                &app,
                "POST",
                "/v1/staff/checkouts",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let (status, _, error) = out(&world.staff_b, exit, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{error}");
    assert_eq!(error["code"], "not_inside");

    // A kiosk clock ahead of the server's is clamped to now.
    let before = now_ms();
    let (status, replayed, receipt) = out(
        &world.staff_a,
        exit,
        json!({ "left_at": before + 3_600_000 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert!(!replayed);
    assert_eq!(receipt["checkin_id"], entry.to_string());
    assert_eq!(receipt["checked_in_at"].as_i64(), Some(checked_in_at));
    let left = receipt["checked_out_at"].as_i64().expect("time");
    assert!(
        (before..=now_ms()).contains(&left),
        "clamped to now: {left}"
    );
    assert_eq!(receipt["inside"], 0);

    // The retry answers the first receipt though the person is no longer inside.
    let (status, replayed, again) = out(&world.staff_a, exit, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(replayed);
    assert_eq!(again["checkin_id"], receipt["checkin_id"]);
    assert_eq!(again["checked_out_at"], receipt["checked_out_at"]);
    // At another venue the same request id is a conflict.
    let (status, _, _) = out(&world.staff_b, exit, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A new exit scan finds nobody inside.
    let (status, _, error) = out(&world.staff_a, Uuid::new_v4(), json!({})).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_inside"))
    );

    // After leaving, the person can come in again: a new check-in.
    let (status, _, back) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        staff,
        Some(scanned(Uuid::new_v4(), NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{back}");
    assert_eq!(back["already_inside"], false);

    let (_, _, record) = call(
        app,
        "GET",
        &format!("/v1/admin/checkins/{entry}?purpose=test"),
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(record["entered_by"], "paper");
    assert_eq!(record["checked_out_at"].as_i64(), Some(left));
}

#[tokio::test]
async fn closing_the_day_checks_everyone_out() {
    let world = world().await;
    let app = &world.app;
    let staff = Some(world.staff_a.as_str());
    for code in [
        NATIONAL.to_owned(),
        CCCD.to_owned(),
        vaora_code("Lê Văn Tám", "0987654321", "038088001122"),
    ] {
        let (status, _, _) = call(
            app,
            "POST",
            "/v1/staff/checkins",
            staff,
            Some(scanned(Uuid::new_v4(), &code)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // One visitor at venue B stays inside there.
    let (status, _, _) = call(
        app,
        "POST",
        "/v1/staff/checkins",
        Some(&world.staff_b),
        Some(scanned(Uuid::new_v4(), NATIONAL)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(inside(&world, &world.staff_a).await, 3);

    // An empty body means now.
    let (status, _, closed) = call(app, "POST", "/v1/staff/close-day", staff, None).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed, json!({ "checked_out": 3, "inside": 0 }));
    assert_eq!(inside(&world, &world.staff_a).await, 0);
    assert_eq!(
        inside(&world, &world.staff_b).await,
        1,
        "venue B is untouched"
    );
    let (_, _, venue) = call(app, "GET", "/v1/staff/venue", staff, None).await;
    assert_eq!(venue["checkins_today"], 3, "closing keeps the day's count");

    let (status, _, again) = call(
        app,
        "POST",
        "/v1/staff/close-day",
        staff,
        Some(json!({ "left_at": now_ms() })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, json!({ "checked_out": 0, "inside": 0 }));
    let (status, _, error) = call(
        app,
        "POST",
        "/v1/staff/close-day",
        staff,
        Some(json!({ "left": 1 })),
    )
    .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_json"))
    );
}

#[tokio::test]
async fn only_venue_staff_use_the_kiosk_and_only_for_their_venue() {
    let world = world().await;
    let app = &world.app;
    let officer = {
        let (status, _, issued) = call(
            app,
            "POST",
            "/v1/admin/tokens",
            Some(ADMIN),
            Some(json!({ "role": "officer", "label": "UBND xã", "unit_code": "10477" })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        issued["token"].as_str().expect("token").to_owned()
    };
    for (path, body) in [
        ("/v1/staff/checkins", scanned(Uuid::new_v4(), NATIONAL)),
        (
            "/v1/staff/checkouts",
            json!({ "id": Uuid::new_v4(), "code": NATIONAL }),
        ),
        ("/v1/staff/close-day", json!({})),
    ] {
        let (status, _, _) = call(app, "POST", path, None, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        let (status, _, _) = call(app, "POST", path, Some(&officer), Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{path}: officers do not run kiosks"
        );
        let (status, _, _) = call(app, "POST", path, Some(ADMIN), Some(body)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{path}: nor does the administrator"
        );
    }
    let (status, _, _) = call(app, "GET", "/v1/staff/venue", Some("vaora_wrong"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, _, venue) = call(app, "GET", "/v1/staff/venue", Some(&world.staff_b), None).await;
    assert_eq!(venue["venue_id"].as_u64(), Some(world.venue_b));
    // A venue's staff token stops at its revocation.
    let (status, _, tokens) = call(app, "GET", "/v1/admin/tokens", Some(ADMIN), None).await;
    assert_eq!(status, StatusCode::OK);
    let staff_b_id = tokens["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|token| token["venue_id"].as_u64() == Some(world.venue_b))
        .and_then(|token| token["id"].as_u64())
        .expect("venue B's token is listed");
    let (status, _, _) = call(
        app,
        "POST",
        &format!("/v1/admin/tokens/{staff_b_id}/revoke"),
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(app, "GET", "/v1/staff/venue", Some(&world.staff_b), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn invitations_give_one_token_once_within_their_time() {
    let world = world().await;
    let app = &world.app;
    let invite = |token: &str, body: Value| {
        let app = app.clone();
        let token = token.to_owned();
        async move {
            call(
                &app,
                "POST",
                "/v1/staff/invitations",
                Some(&token),
                Some(body),
            )
            .await
        }
    };

    let before = now_ms();
    let (status, _, invitation) = invite(
        &world.staff_a,
        json!({ "contact": "+84 912 345 678", "label": "Ca chiều" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    let code = invitation["code"].as_str().expect("code").to_owned();
    assert_eq!(invitation["url"], format!("{ORIGIN}/staff#invite={code}"));
    assert_eq!(invitation["venue_id"].as_u64(), Some(world.venue_a));
    let expires = invitation["expires_at"].as_i64().expect("expiry");
    assert!((before + 72 * 3_600_000..=now_ms() + 72 * 3_600_000).contains(&expires));

    let accept = |code: &str| {
        let app = app.clone();
        let body = json!({ "code": code });
        async move {
            call(
                &app,
                "POST",
                "/v1/staff/invitations/accept",
                None,
                Some(body),
            )
            .await
        }
    };
    let (status, _, issued) = accept(&code).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert_eq!(issued["info"]["role"], "venue_staff");
    assert_eq!(issued["info"]["label"], "Ca chiều");
    assert_eq!(issued["info"]["venue_id"].as_u64(), Some(world.venue_a));
    let token = issued["token"].as_str().expect("token").to_owned();
    let (status, _, venue) = call(app, "GET", "/v1/staff/venue", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(venue["venue_id"].as_u64(), Some(world.venue_a));

    // Once only; unknown codes and expired invitations likewise.
    let (status, _, error) = accept(&code).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invitation_invalid"))
    );
    let (status, _, _) = accept("vaora_unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let expired = "vaora_expired-invitation";
    world
        .store
        .insert_invitation(
            auth::hash(expired),
            NewInvitation {
                venue_id: world.venue_a,
                contact: "0912345678".into(),
                label: "venue staff".into(),
                invited_by: "test".into(),
                created_at: now_ms() - 73 * 3_600_000,
                expires_at: now_ms() - 3_600_000,
            },
        )
        .await
        .expect("insert");
    let (status, _, _) = accept(expired).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "expired");

    // The default label; an e-mail contact; bad contacts and labels.
    let (status, _, _) = invite(&world.staff_a, json!({ "contact": "ban.quan.ly@cho.vn" })).await;
    assert_eq!(status, StatusCode::CREATED);
    for bad in [
        json!({ "contact": "" }),
        json!({ "contact": "not a contact" }),
        json!({ "contact": "0912345678", "label": "x" }),
    ] {
        let (status, _, error) = invite(&world.staff_a, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {error}");
    }

    // Staff invite to their own venue only.
    let (status, _, _) = invite(
        &world.staff_a,
        json!({ "contact": "0912345678", "venue_id": world.venue_b }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = invite(
        &world.staff_a,
        json!({ "contact": "0912345678", "venue_id": world.venue_a }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Officers invite within their unit, naming the venue.
    let officer = |unit: &str| {
        let app = app.clone();
        let body = json!({ "role": "officer", "label": "UBND", "unit_code": unit });
        async move {
            let (status, _, issued) =
                call(&app, "POST", "/v1/admin/tokens", Some(ADMIN), Some(body)).await;
            assert_eq!(status, StatusCode::CREATED);
            issued["token"].as_str().expect("token").to_owned()
        }
    };
    let district = officer("282").await;
    let (status, _, invitation) = invite(
        &district,
        json!({ "contact": "0912345678", "venue_id": world.venue_a }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    let (status, _, _) = invite(&district, json!({ "contact": "0912345678" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "venue_id is required");
    let (status, _, _) = invite(
        &district,
        json!({ "contact": "0912345678", "venue_id": world.venue_b }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "venue B is outside the district"
    );
    let (status, _, _) = invite(
        &district,
        json!({ "contact": "0912345678", "venue_id": 999_999 }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = invite(
        ADMIN,
        json!({ "contact": "0912345678", "venue_id": world.venue_b }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the administrator invites anywhere"
    );
    let (status, _, issued) = call(
        app,
        "POST",
        "/v1/admin/tokens",
        Some(ADMIN),
        Some(json!({ "role": "tracer", "label": "CDC" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let tracer = issued["token"].as_str().expect("token");
    let (status, _, _) = invite(
        tracer,
        json!({ "contact": "0912345678", "venue_id": world.venue_a }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bulk_registration_issues_a_staff_token_per_venue() {
    let world = world().await;
    let request = Request::post("/v1/admin/venues/bulk")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::from("name,unit_code\nChợ Một,10477\nChợ Hai,20000\n"))
        .expect("request");
    let (status, body) = common::send(&world.app, request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let venues = body["venues"].as_array().expect("venues");
    assert_eq!(venues.len(), 2);
    for venue in venues {
        let token = venue["staff_token"].as_str().expect("token");
        assert_eq!(venue["staff_url"], format!("{ORIGIN}/staff#token={token}"));
        let (status, _, staff) =
            call(&world.app, "GET", "/v1/staff/venue", Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(staff["venue_id"], venue["venue_id"]);
    }
}
