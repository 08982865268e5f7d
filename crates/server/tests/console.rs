//! The authority's console over HTTP against the real router and SQLite: signing in and out
//! (cookie flags, cross-site refusal), role and scope through the API's own checks, the
//! dashboard's figures equal to the JSON API's, the trend chart, the zero-scan page with a ward
//! without venues, the downloads under the cookie, tracing with its audit, and English.

mod common;

#[path = "common/report_dataset.rs"]
mod report_dataset;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;
use uuid::Uuid;
use vaora_protocol::api::VenueKind;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;
use vaora_protocol::reports::UnitDashboard;
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};
use vaora_server::store::{NewCheckIn, Store, VenueRow};

const ADMIN: &str = "console-test-admin";
const HOST: &str = "vaora.test";

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

struct Answered {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answered {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// `method path` from the console's own origin, with the session cookie if any and a form body.
async fn send(
    app: &Router,
    method: &str,
    path: &str,
    session: Option<&str>,
    form: Option<&str>,
) -> Answered {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST);
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("vaora_console={session}"));
    }
    let request = match form {
        Some(form) => request
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned())),
        None => request.body(Body::empty()),
    }
    .expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    Answered {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn issue(app: &Router, body: serde_json::Value) -> String {
    let (status, issued) =
        common::call(app, "POST", "/v1/admin/tokens", Some(ADMIN), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["token"].as_str().expect("secret").to_owned()
}

fn form_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The values of the page's figures (`<dd>`), in order.
fn figures(page: &str) -> Vec<u64> {
    page.split("<dd>")
        .skip(1)
        .map(|rest| {
            rest.split("</dd>")
                .next()
                .unwrap_or_default()
                .parse()
                .expect("a number")
        })
        .collect()
}

#[tokio::test]
async fn officers_sign_in_see_their_unit_and_its_figures_and_sign_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let mut data = report_dataset::generate();
    data.load(&store).await;
    let app = app(&store);
    let day = report_dataset::DAY;

    // Signing in: the form, a wrong token refused, a right one sets the session cookie.
    let form = send(&app, "GET", "/console", None, None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"<label for="token">"#));
    assert_eq!(form.header(header::CACHE_CONTROL), "no-store");
    let wrong = send(&app, "POST", "/console/sign-in", None, Some("token=nope")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("role=\"alert\""));
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());

    let district = issue(
        &app,
        json!({ "role": "officer", "label": "Hoàn Kiếm", "unit_code": "002" }),
    )
    .await;
    let signed = send(
        &app,
        "POST",
        "/console/sign-in",
        None,
        Some(&format!("token={district}")),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let cookie = signed.header(header::SET_COOKIE);
    assert!(
        cookie.starts_with(&format!("vaora_console={district};")),
        "{cookie}"
    );
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    // Plain HTTP on loopback: no `Secure`, or the browser would drop it.
    let local = Request::post("/console/sign-in")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={district}")))
        .expect("request");
    let local = app.clone().oneshot(local).await.expect("answer");
    let local_cookie = local.headers()[header::SET_COOKIE].to_str().expect("text");
    assert!(!local_cookie.contains("Secure"), "{local_cookie}");
    // A form posted from another site is refused.
    let cross = Request::post("/console/sign-in")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={district}")))
        .expect("request");
    let cross = app.clone().oneshot(cross).await.expect("answer");
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cross.headers().get(header::SET_COOKIE).is_none());

    // Home is the officer's unit; without a session every page sends to sign-in.
    let home = send(&app, "GET", "/console/home", Some(&district), None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.header(header::LOCATION), "/console/units/002");
    let anonymous = send(&app, "GET", "/console/units/002", None, None).await;
    assert_eq!(anonymous.header(header::LOCATION), "/console");

    // The district's dashboard: the JSON API's figures, its wards linked, a bar and a point a day.
    let path = format!("/console/units/002?day={day}");
    let page = send(&app, "GET", &path, Some(&district), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    let (year, rest) = day.split_once('-').expect("YYYY-MM-DD");
    let (month, date) = rest.split_once('-').expect("MM-DD");
    assert!(
        page.body
            .contains(&format!(" — {date}/{month}/{year}</h1>")),
        "the day as people write it in the heading"
    );
    let (_, api) = common::call(
        &app,
        "GET",
        &format!("/v1/reports/units?unit=002&day={day}"),
        Some(&district),
        None,
    )
    .await;
    let api: UnitDashboard = serde_json::from_value(api).expect("dashboard");
    assert_eq!(
        api,
        data.dashboard("002"),
        "the API agrees with the dataset"
    );
    let unit = &api.unit;
    assert_eq!(
        figures(&page.body),
        [
            unit.venues_with_code,
            unit.venues_active_day,
            unit.venues_active_7_days,
            unit.checkins,
            unit.visitors
        ]
    );
    assert!(!api.children.is_empty());
    for child in &api.children {
        let row = format!(
            r#"<a href="/console/units/{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            child.unit_code,
            child.name,
            child.venues_with_code,
            child.venues_active_day,
            child.venues_active_7_days,
            child.checkins,
            child.visitors
        );
        assert!(page.body.contains(&row), "{row}");
    }
    assert!(page.body.contains("<svg class=\"chart\""));
    assert!(page.body.contains("<title id=\"trend-title\">"));
    assert_eq!(api.trend.len(), 14);
    for trend in &api.trend {
        let bar = format!(r#"<rect class="bar" data-day="{}""#, trend.day);
        let point = format!(r#"<circle class="point" data-day="{}""#, trend.day);
        assert_eq!(page.body.matches(&bar).count(), 1, "{bar}");
        assert_eq!(page.body.matches(&point).count(), 1, "{point}");
        let row = format!(
            r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>"#,
            trend.day, trend.checkins, trend.active_venues
        );
        assert!(page.body.contains(&row), "the data table has {}", trend.day);
    }
    assert_eq!(page.body.matches("<rect class=\"bar\"").count(), 14);

    // Drill down to a ward: its venues, with their check-ins that day.
    let ward = send(
        &app,
        "GET",
        &format!("/console/units/00040?day={day}"),
        Some(&district),
        None,
    )
    .await;
    assert_eq!(ward.status, StatusCode::OK);
    for venue in data.venues.iter().filter(|v| v.unit == "00040") {
        assert!(ward.body.contains(&venue.name), "{} listed", venue.name);
    }

    // Scope: the API's own check, so another district, the city and another province are refused.
    for other in ["001", "01", "00001", "02"] {
        let refused = send(
            &app,
            "GET",
            &format!("/console/units/{other}?day={day}"),
            Some(&district),
            None,
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{other}");
        assert!(!refused.body.contains("<dd>"));
    }
    let refused = send(
        &app,
        "GET",
        "/console/export/units.csv?unit=01",
        Some(&district),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // An officer is not a tracer.
    let trace = send(&app, "GET", "/console/trace", Some(&district), None).await;
    assert_eq!(trace.status, StatusCode::FORBIDDEN);

    // Downloads under the cookie are the API's files, byte for byte.
    for (console, api) in [
        (
            format!("/console/export/units.csv?unit=002&day={day}"),
            format!("/v1/reports/units.csv?unit=002&day={day}"),
        ),
        (
            format!("/console/export/zero-scan?unit=002&day={day}&format=csv&publish=true"),
            format!("/v1/reports/zero-scan?unit=002&day={day}&format=csv&publish=true"),
        ),
    ] {
        let file = send(&app, "GET", &console, Some(&district), None).await;
        assert_eq!(file.status, StatusCode::OK, "{console}");
        assert_eq!(file.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
        let direct = Request::get(&api)
            .header(header::AUTHORIZATION, format!("Bearer {district}"))
            .body(Body::empty())
            .expect("request");
        let direct = app.clone().oneshot(direct).await.expect("answer");
        let direct = direct.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(file.body.as_bytes(), &direct[..], "{console}");
    }
    let pdf = send(
        &app,
        "GET",
        &format!("/console/export/zero-scan?unit=002&day={day}&format=pdf"),
        Some(&district),
        None,
    )
    .await;
    assert_eq!(pdf.header(header::CONTENT_TYPE), "application/pdf");

    // Signing out forgets the cookie.
    let out = send(&app, "POST", "/console/sign-out", Some(&district), Some("")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header(header::LOCATION), "/console");
    assert!(out
        .header(header::SET_COOKIE)
        .starts_with("vaora_console=;"));
    assert!(out.header(header::SET_COOKIE).contains("Max-Age=0"));

    // A revoked token's session ends at once.
    let (_, tokens) = common::call(&app, "GET", "/v1/admin/tokens", Some(ADMIN), None).await;
    let id = tokens["tokens"][0]["id"].as_u64().expect("token id");
    let (status, _) = common::call(
        &app,
        "POST",
        &format!("/v1/admin/tokens/{id}/revoke"),
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = send(&app, "GET", "/console/units/002", Some(&district), None).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.header(header::LOCATION), "/console");

    // Venue staff cannot use the console.
    let staff = issue(
        &app,
        json!({ "role": "venue_staff", "label": "Cửa hàng", "venue_id": data.venues[0].id }),
    )
    .await;
    let refused = send(
        &app,
        "POST",
        "/console/sign-in",
        None,
        Some(&format!("token={staff}")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn the_zero_scan_and_silent_pages_and_english() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let mut data = report_dataset::generate();
    data.load(&store).await;
    let app = app(&store);
    let day = report_dataset::DAY;

    // The administrator's home lists the top units.
    let home = send(&app, "GET", "/console/home", Some(ADMIN), None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home
        .body
        .contains(r#"<a href="/console/units/01">Thành phố Hà Nội</a>"#));

    let page = send(
        &app,
        "GET",
        &format!("/console/units/01/zero-scan?day={day}"),
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let list = data.zero_scan("01");
    assert!(page.body.contains(&list.title));
    assert!(page.body.contains(
        r#"<th scope="col">Stt</th><th scope="col">Đơn vị</th><th scope="col">Số lượng</th>"#
    ));
    // Every listed unit with its count, the ward without venues among them, and the total.
    let empty = list
        .groups
        .iter()
        .flat_map(|group| &group.units)
        .find(|unit| unit.unit_code == report_dataset::EMPTY_WARD)
        .expect("the ward without venues is listed");
    assert_eq!(empty.venues, 0);
    for group in &list.groups {
        assert!(page.body.contains(&format!(
            "<th scope=\"rowgroup\">{}</th><td>{}</td>",
            group.parent_name, group.venues
        )));
        for unit in &group.units {
            assert!(
                page.body.contains(&format!(
                    "<th scope=\"row\">{}</th><td>{}</td>",
                    unit.name, unit.venues
                )),
                "{}",
                unit.name
            );
        }
    }
    assert!(page.body.contains(&format!(
        "Tổng cộng ({} đơn vị)</th><td>{}</td>",
        list.total_units, list.total_venues
    )));

    // Silent venues with their posters and the reprint-all link; days checked by the API.
    let silent = send(
        &app,
        "GET",
        "/console/units/01/silent?days=60",
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(silent.status, StatusCode::OK);
    let (_, api) = common::call(
        &app,
        "GET",
        "/v1/reports/silent-venues?unit=01&days=60",
        Some(ADMIN),
        None,
    )
    .await;
    let venues = api["venues"].as_array().expect("venues");
    assert!(!venues.is_empty());
    for venue in venues {
        let poster = venue["poster_pdf"].as_str().expect("poster");
        assert!(silent.body.contains(&format!(r#"<a href="{poster}">"#)));
    }
    assert!(silent
        .body
        .contains("/console/export/silent-venues.pdf?unit=01&amp;days=60"));
    let bad = send(
        &app,
        "GET",
        "/console/units/01/silent?days=0",
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // English on request, remembered in a cookie.
    let english = send(&app, "GET", "/console/units/01?lang=en", Some(ADMIN), None).await;
    assert!(english.body.contains("<html lang=\"en\">"));
    assert!(english.body.contains("Venues with a QR code"));
    assert!(english
        .header(header::SET_COOKIE)
        .starts_with("vaora_console_lang=en;"));
    let vietnamese = send(&app, "GET", "/console/units/01", Some(ADMIN), None).await;
    assert!(vietnamese.body.contains("Địa điểm có mã QR"));
}

/// 2026-11-01 10:00 in Vietnam.
const T0: i64 = 1_793_502_000_000;
const MIN: i64 = 60_000;

async fn stay(
    store: &Store,
    venue: &VenueRow,
    name: &str,
    phone: &str,
    from: i64,
    to: i64,
) -> Uuid {
    let id = Uuid::new_v4();
    let answers = [
        ("full_name", Answer::Text(name.into())),
        ("phone", Answer::Text(phone.into())),
        ("consent", Answer::Bool(true)),
    ];
    store
        .insert_checkin(NewCheckIn {
            id,
            venue: venue.clone(),
            declaration: Declaration {
                form_version: 1,
                answers: answers
                    .into_iter()
                    .map(|(question, answer)| (question.to_owned(), answer))
                    .collect(),
            },
            client_time: None,
            received_at: from,
        })
        .await
        .expect("check-in");
    store.check_out(id, to).await.expect("check-out");
    id
}

#[tokio::test]
async fn tracers_trace_a_case_and_the_reads_are_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let venue = VenueRow {
        id: store.allocate_venue_id().await.expect("venue id"),
        short_code: ShortCode::from_random([1, 2, 3, 4, 5]),
        name: "Chợ Đồng Xuân".into(),
        unit_code: "01".into(),
        venue_code: "CODE-1".into(),
        revoked_at: None,
        kind: VenueKind::Market,
        address: String::new(),
        contact: String::new(),
    };
    store
        .insert_venue(venue.clone(), T0 - 86_400_000)
        .await
        .expect("venue");
    stay(&store, &venue, "Ca Bệnh", "0901000001", T0, T0 + 60 * MIN).await;
    let contact = stay(
        &store,
        &venue,
        "Trần Thị Bình",
        "0902000002",
        T0 + 30 * MIN,
        T0 + 120 * MIN,
    )
    .await;
    let later = stay(
        &store,
        &venue,
        "Lê Văn Muộn",
        "0903000003",
        T0 + 300 * MIN,
        T0 + 360 * MIN,
    )
    .await;
    let app = app(&store);
    let tracer = issue(&app, json!({ "role": "tracer", "label": "CDC" })).await;

    let form = send(&app, "GET", "/console/trace", Some(&tracer), None).await;
    assert_eq!(form.status, StatusCode::OK);
    for field in [
        "case_reference",
        "identifier",
        "from",
        "to",
        "after_minutes",
    ] {
        assert!(
            form.body.contains(&format!(r#"<label for="{field}">"#)),
            "{field}"
        );
    }
    let body = format!(
        "case_reference={}&identifier=0901000001&from=2026-11-01&to=2026-11-01&after_minutes=30",
        form_value("BN-777")
    );
    let traced = send(&app, "POST", "/console/trace", Some(&tracer), Some(&body)).await;
    assert_eq!(traced.status, StatusCode::OK, "{}", traced.body);
    assert_eq!(traced.header(header::CACHE_CONTROL), "no-store");
    assert!(traced.body.contains("Trần Thị Bình"));
    assert!(traced.body.contains("0902000002"));
    assert!(
        traced.body.contains("<td>60</td>"),
        "an hour's overlap (30 + 30 after)"
    );
    assert!(!traced.body.contains("Lê Văn Muộn"));

    // Audited as the API audits: the query with its case, each check-in read with it.
    let queries = store.case_queries(10).await.expect("log");
    assert_eq!(queries.len(), 1);
    assert_eq!(queries[0].case_reference, "BN-777");
    assert_eq!(queries[0].contacts, 1);
    let reads = store.accesses(contact).await.expect("reads");
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].case_reference.as_deref(), Some("BN-777"));
    assert!(store.accesses(later).await.expect("reads").is_empty());
    // The citizen sees it from their device.
    let (_, mine) = common::call(
        &app,
        "GET",
        &format!("/v1/checkins/{contact}/accesses"),
        None,
        None,
    )
    .await;
    assert_eq!(mine["reads"][0]["case_reference"], "BN-777");

    // The calling list: another audited run, the API's CSV.
    let csv = send(
        &app,
        "POST",
        "/console/trace.csv",
        Some(&tracer),
        Some(&body),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert!(csv.body.contains("Trần Thị Bình,0902000002,Chợ Đồng Xuân"));
    assert_eq!(store.case_queries(10).await.expect("log").len(), 2);

    // A case reference is required (the API's check), and a bad date is refused before it.
    let unnamed = send(
        &app,
        "POST",
        "/console/trace",
        Some(&tracer),
        Some(
            "case_reference=&identifier=0901000001&from=2026-11-01&to=2026-11-01&after_minutes=30",
        ),
    )
    .await;
    assert_eq!(unnamed.status, StatusCode::BAD_REQUEST);
    let undated = send(
        &app,
        "POST",
        "/console/trace",
        Some(&tracer),
        Some("case_reference=BN-1&identifier=0901000001&from=yesterday&to=2026-11-01&after_minutes=30"),
    )
    .await;
    assert_eq!(undated.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.case_queries(10).await.expect("log").len(), 2);
}
