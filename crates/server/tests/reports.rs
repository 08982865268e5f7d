//! The authority's reports over HTTP, on the generated dataset with known answers
//! (`common/report_dataset.rs`): the dashboard and zero-scan list equal the figures computed from
//! the generated rows; CSV and PDF exports (formula neutralisation, `< 5` for publication, pages);
//! officers only within their unit, tracers and venue staff never; silent venues and their
//! posters.

mod common;

#[path = "common/report_dataset.rs"]
mod report_dataset;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;
use vaora_protocol::api::VenueKind;
use vaora_protocol::reports::{SilentVenues, UnitDashboard, ZeroScanList};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{now_ms, router, AppState};
use vaora_server::exports::ROWS_PER_PAGE;
use vaora_server::store::{NewCheckIn, Store, VenueRow};

const ADMIN: &str = "reports-test-admin";
const DAY_MS: i64 = 86_400_000;

fn app(store: &Store) -> Router {
    router(
        AppState::new(
            store.clone(),
            VenueSigner::generate(),
            ADMIN,
            "http://vaora.test",
        ),
        None,
    )
}

/// `GET path` with `token`: status, content type and body bytes.
async fn get(app: &Router, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, kind, body.to_vec())
}

async fn get_json<T: serde::de::DeserializeOwned>(app: &Router, path: &str, token: &str) -> T {
    let (status, _, body) = get(app, path, token).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).expect("JSON of the documented shape")
}

async fn issue(app: &Router, body: serde_json::Value) -> String {
    let (status, issued) =
        common::call(app, "POST", "/v1/admin/tokens", Some(ADMIN), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["token"].as_str().expect("secret").to_owned()
}

fn pages(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    lopdf::Document::load_mem(pdf)
        .expect("parses")
        .get_pages()
        .len()
}

#[tokio::test]
async fn reports_over_http_match_the_dataset_and_respect_scopes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let mut data = report_dataset::generate();
    // A ward whose name a spreadsheet would run as a formula.
    let formula = "=HYPERLINK(\"http://x\")";
    if let Some(unit) = data
        .units
        .iter_mut()
        .find(|u| u.code == report_dataset::EMPTY_WARD)
    {
        unit.name = formula.into();
    }
    data.load(&store).await;
    let app = app(&store);
    let day = report_dataset::DAY;

    for code in ["01", "001", "002", "00040", "02"] {
        let dashboard: UnitDashboard = get_json(
            &app,
            &format!("/v1/reports/units?unit={code}&day={day}"),
            ADMIN,
        )
        .await;
        assert_eq!(dashboard, data.dashboard(code), "dashboard of {code}");
        let list: ZeroScanList = get_json(
            &app,
            &format!("/v1/reports/zero-scan?unit={code}&day={day}"),
            ADMIN,
        )
        .await;
        assert_eq!(list, data.zero_scan(code), "zero-scan list of {code}");
    }

    // CSV: BOM, the title, the table; the formula neutralised; small counts hidden to publish.
    let expected = data.zero_scan("01");
    let (status, kind, body) = get(
        &app,
        &format!("/v1/reports/zero-scan?unit=01&day={day}&format=csv&publish=true"),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/csv; charset=utf-8");
    let text = String::from_utf8(body).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM first");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], expected.title);
    assert_eq!(lines[1], "Stt,Đơn vị,Số lượng");
    assert_eq!(lines[2], "I,Quận Hoàn Kiếm,< 5");
    assert_eq!(lines[3], "1,Phường Phúc Tân,< 5");
    assert!(
        lines.contains(&"3,\"'=HYPERLINK(\"\"http://x\"\")\",< 5"),
        "{text}"
    );
    assert_eq!(
        lines.last().copied(),
        Some(format!(",Tổng cộng ({} đơn vị),< 5", expected.total_units).as_str())
    );
    assert_eq!(
        lines.len(),
        2 + expected.groups.len() + expected.total_units as usize + 1
    );
    // Not for publication: the counts themselves.
    let (_, _, body) = get(
        &app,
        &format!("/v1/reports/zero-scan?unit=01&day={day}&format=csv"),
        ADMIN,
    )
    .await;
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(text.contains(&format!(
        "1,Phường Phúc Tân,{}\n",
        expected.groups[0].units[0].venues
    )));

    // The dashboard's children as CSV.
    let dashboard = data.dashboard("01");
    let (status, _, body) = get(
        &app,
        &format!("/v1/reports/units.csv?unit=01&day={day}&publish=true"),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + dashboard.children.len() + 1);
    let hoan_kiem = &dashboard.children[1];
    let shown = |n: u64| {
        if n < 5 {
            "< 5".to_owned()
        } else {
            n.to_string()
        }
    };
    assert_eq!(
        lines[3],
        format!(
            "002,Quận Hoàn Kiếm,{},{},{},{},{}",
            shown(hoan_kiem.venues_with_code),
            shown(hoan_kiem.venues_active_day),
            shown(hoan_kiem.venues_active_7_days),
            shown(hoan_kiem.checkins),
            shown(hoan_kiem.visitors)
        )
    );
    assert_eq!(
        lines.last().copied().map(|line| line.split(',').nth(2)),
        Some(Some(shown(dashboard.unit.venues_with_code).as_str()))
    );
    assert!(lines
        .last()
        .is_some_and(|line| line.starts_with("01,Tổng cộng")));

    // PDF: the table's rows over A4 pages.
    let (status, kind, body) = get(
        &app,
        &format!("/v1/reports/zero-scan?unit=01&day={day}&format=pdf"),
        ADMIN,
    )
    .await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let rows = expected.groups.len() + expected.total_units as usize + 1;
    assert_eq!(pages(&body), rows.div_ceil(ROWS_PER_PAGE));

    // Scopes: an officer of a district sees it and below, nothing above or beside it.
    let officer = issue(
        &app,
        json!({ "role": "officer", "label": "Hoàn Kiếm", "unit_code": "002" }),
    )
    .await;
    let mine: UnitDashboard = get_json(
        &app,
        &format!("/v1/reports/units?unit=002&day={day}"),
        &officer,
    )
    .await;
    assert_eq!(mine, data.dashboard("002"));
    let ward: ZeroScanList = get_json(
        &app,
        &format!("/v1/reports/zero-scan?unit=00040&day={day}"),
        &officer,
    )
    .await;
    assert_eq!(ward, data.zero_scan("00040"));
    let tracer = issue(&app, json!({ "role": "tracer", "label": "CDC" })).await;
    let venue_id = data.venues[0].id;
    let staff = issue(
        &app,
        json!({ "role": "venue_staff", "label": "Cửa hàng", "venue_id": venue_id }),
    )
    .await;
    for (token, path) in [
        (&officer, "/v1/reports/units?unit=01"),
        (&officer, "/v1/reports/units?unit=001"),
        (&officer, "/v1/reports/zero-scan?unit=02&format=csv"),
        (&officer, "/v1/reports/units.csv?unit=00001"),
        (&officer, "/v1/reports/silent-venues?unit=01"),
        (&officer, "/v1/reports/silent-venues.pdf?unit=001"),
        (&tracer, "/v1/reports/units?unit=002"),
        (&tracer, "/v1/reports/zero-scan?unit=01"),
        (&staff, "/v1/reports/units?unit=00001"),
        (&staff, "/v1/reports/silent-venues?unit=00001"),
    ] {
        let (status, _, body) = get(&app, path, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let error: serde_json::Value = serde_json::from_slice(&body).expect("error JSON");
        assert_eq!(error["code"], "forbidden");
    }
    let (status, _, _) = get(&app, "/v1/reports/units?unit=01", "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Bad input: a clear error in the protocol's shape.
    for (path, status, code) in [
        (
            "/v1/reports/units?unit=01&day=2021-02-29",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/units?unit=01&day=14/08/2021",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/units",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/units?unit=x;1",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/zero-scan?unit=01&format=xlsx",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/zero-scan?unit=01&publish=true",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/zero-scan?unit=01&publish=yes",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/silent-venues?unit=01&days=0",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/silent-venues?unit=01&days=61",
            StatusCode::BAD_REQUEST,
            "validation_failed",
        ),
        (
            "/v1/reports/units?unit=99999",
            StatusCode::NOT_FOUND,
            "unit_not_found",
        ),
    ] {
        let (got, _, body) = get(&app, path, ADMIN).await;
        assert_eq!(got, status, "{path}");
        let error: serde_json::Value = serde_json::from_slice(&body).expect("error JSON");
        assert_eq!(error["code"], code, "{path}");
    }
}

#[tokio::test]
async fn silent_venues_are_listed_oldest_first_and_their_posters_print_in_one_pdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let mut data = report_dataset::generate();
    data.venues.clear();
    data.checkins.clear();
    data.load(&store).await;
    let app = app(&store);
    let now = now_ms();
    // (name, ward, registered days ago, withdrawn, check-in days ago)
    let plan = [
        ("Chợ A", "00001", 10, false, None),
        ("Quán B", "00001", 10, false, Some(3)),
        ("Tiệm C", "00004", 2, false, None),
        ("Nhà D", "00004", 20, true, None),
        ("Bến E", "00006", 30, false, Some(9)),
        ("Sân F", "00688", 30, false, None),
    ];
    let mut ids = Vec::new();
    for (index, (name, ward, registered, withdrawn, checkin)) in plan.iter().enumerate() {
        let venue = VenueRow {
            id: store.allocate_venue_id().await.expect("id"),
            short_code: ShortCode::from_random([index as u8, 9, 9, 9, 9]),
            name: (*name).into(),
            unit_code: (*ward).into(),
            venue_code: format!("CODE-{name}"),
            revoked_at: None,
            kind: VenueKind::Market,
            address: format!("{index} Hàng Bạc"),
            contact: "0912000111".into(),
        };
        store
            .insert_venue(venue.clone(), now - registered * DAY_MS)
            .await
            .expect("venue");
        if *withdrawn {
            store
                .revoke_venue(venue.id, now - DAY_MS)
                .await
                .expect("revoke");
        }
        if let Some(days) = checkin {
            let declaration = serde_json::from_value(
                json!({ "form_version": 1, "answers": { "full_name": "An" } }),
            )
            .expect("declaration");
            store
                .insert_checkin(NewCheckIn {
                    id: uuid::Uuid::new_v4(),
                    venue: venue.clone(),
                    declaration,
                    client_time: None,
                    received_at: now - days * DAY_MS,
                })
                .await
                .expect("check-in");
        }
        ids.push(venue.id);
    }
    let silent: SilentVenues = get_json(&app, "/v1/reports/silent-venues?unit=01", ADMIN).await;
    assert_eq!(silent.days, 7);
    let found: Vec<(&str, Option<bool>)> = silent
        .venues
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.last_checkin_at.map(|at| at < now - 8 * DAY_MS),
            )
        })
        .collect();
    assert_eq!(found, [("Bến E", Some(true)), ("Chợ A", None)]);
    let first = &silent.venues[0];
    assert_eq!(first.contact, "0912000111");
    assert_eq!(first.address, "4 Hàng Bạc");
    assert!(first.poster_url.starts_with("http://vaora.test/"));
    assert_eq!(
        first.poster_pdf,
        format!("/v1/venues/{}/poster.pdf", first.short_code.as_str())
    );
    // A longer period: only what was registered before it and quiet all along.
    let silent: SilentVenues =
        get_json(&app, "/v1/reports/silent-venues?unit=01&days=15", ADMIN).await;
    assert!(silent.venues.is_empty(), "{silent:?}");
    let silent: SilentVenues =
        get_json(&app, "/v1/reports/silent-venues?unit=001&days=1", ADMIN).await;
    let names: Vec<&str> = silent.venues.iter().map(|v| v.name.as_str()).collect();
    // Registered together, by id.
    assert_eq!(names, ["Bến E", "Chợ A", "Quán B", "Tiệm C"]);

    // The one-click reprint: every silent venue's poster, one page each.
    let officer = issue(
        &app,
        json!({ "role": "officer", "label": "Ba Đình", "unit_code": "001" }),
    )
    .await;
    let (status, kind, body) = get(&app, "/v1/reports/silent-venues.pdf?unit=001", &officer).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert_eq!(pages(&body), 2);
    let (status, _, _) = get(&app, "/v1/reports/silent-venues.pdf?unit=00004", &officer).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing to print");
    let (status, _, _) = get(&app, "/v1/reports/silent-venues.pdf?unit=02", &officer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
