//! Tracing a case over HTTP on a generated dataset with known co-presences, on SQLite and (when
//! `VAORA_TEST_DATABASE_URL` is set) PostgreSQL: the answer matches contacts computed here,
//! independently, from the generated stays; the boundaries hold; the query and every check-in
//! handed out are audited; citizens see the case reference and never the reader; roles, the case
//! reference and the rate limit are enforced; the CSV calling list is safe for spreadsheets.

mod common;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;
use vaora_protocol::api::VenueKind;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};
use vaora_server::store::postgres::ScratchDatabase;
use vaora_server::store::{NewCheckIn, Store, VenueRow};

const ADMIN: &str = "case-trace-admin";
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// 2026-11-01 00:00 UTC.
const T0: i64 = 1_793_491_200_000;
const CASE_PHONE: &str = "0901000001";
const AFTER_MINUTES: i64 = 30;

/// One generated stay: who, where, when, and whether they checked out.
#[derive(Clone, Debug)]
struct Stay {
    id: Uuid,
    name: String,
    phone: Option<String>,
    id_number: Option<String>,
    venue: usize,
    start: i64,
    out: Option<i64>,
}

/// The generated dataset: venues by kind, and every stay.
struct Dataset {
    kinds: Vec<VenueKind>,
    stays: Vec<Stay>,
}

/// A deterministic pseudo-random sequence (a 64-bit LCG), so the dataset is the same every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn generate() -> Dataset {
    // 0: market (60 min), 1: restaurant (90), 2: shop (30), 3: market elsewhere.
    let kinds = vec![
        VenueKind::Market,
        VenueKind::Restaurant,
        VenueKind::Shop,
        VenueKind::Market,
    ];
    let mut stays = Vec::new();
    let mut n = 0u128;
    let mut add = |name: &str, phone: Option<&str>, venue, start, out| {
        n += 1;
        stays.push(Stay {
            id: Uuid::from_u128(n),
            name: name.into(),
            phone: phone.map(str::to_owned),
            id_number: None,
            venue,
            start,
            out,
        });
    };
    let case = Some(CASE_PHONE);
    // The case: a closed visit at the market, an open one at the restaurant ended by checking in
    // at the shop, and two visits at the market in a row (a rescan), the second left open.
    add("Ca bệnh", case, 0, T0 + HOUR, Some(T0 + 2 * HOUR));
    add("Ca bệnh", case, 1, T0 + DAY, None);
    add(
        "Ca bệnh",
        case,
        2,
        T0 + DAY + 40 * MIN,
        Some(T0 + DAY + 60 * MIN),
    );
    add(
        "Ca bệnh",
        case,
        0,
        T0 + 3 * DAY,
        Some(T0 + 3 * DAY + 30 * MIN),
    );
    add("Ca bệnh", case, 0, T0 + 3 * DAY + 10 * MIN, None);
    // Around the first visit ([1h, 2h), exposed until 2h30).
    add(
        "Rời đúng lúc",
        Some("0902000001"),
        0,
        T0 + 30 * MIN,
        Some(T0 + HOUR),
    );
    add(
        "Trùng nửa giờ",
        Some("0902000002"),
        0,
        T0 + 30 * MIN,
        Some(T0 + 90 * MIN),
    );
    add(
        "=HYPERLINK(\"x\")",
        Some("0902000003"),
        0,
        T0 + 130 * MIN,
        Some(T0 + 3 * HOUR),
    );
    add(
        "Đến khi hết",
        Some("0902000004"),
        0,
        T0 + 150 * MIN,
        Some(T0 + 4 * HOUR),
    );
    add("Đến sau", Some("0902000005"), 0, T0 + 151 * MIN, None);
    add("Không ra", Some("0902000006"), 0, T0 + 110 * MIN, None);
    add("Đi nơi khác", Some("0902000007"), 0, T0 + 80 * MIN, None);
    add(
        "Đi nơi khác",
        Some("0902000007"),
        3,
        T0 + 85 * MIN,
        Some(T0 + 95 * MIN),
    );
    add(
        "Hai lượt",
        Some("0902000008"),
        0,
        T0 + 100 * MIN,
        Some(T0 + 160 * MIN),
    );
    add(
        "Qua đêm",
        Some("0902000009"),
        0,
        T0 + HOUR - 20 * HOUR,
        Some(T0 + 70 * MIN),
    );
    // Around the restaurant visit ([1d, 1d+40m) after the cap, exposed until 1d+70m).
    add("Nhà hàng", Some("0902000010"), 1, T0 + DAY + 50 * MIN, None);
    add(
        "Nhà hàng muộn",
        Some("0902000011"),
        1,
        T0 + DAY + 75 * MIN,
        None,
    );
    // Around the shop visit ([1d+40m, 1d+60m), exposed until 1d+90m).
    add(
        "Hai lượt",
        Some("0902000008"),
        2,
        T0 + DAY + 45 * MIN,
        Some(T0 + DAY + 50 * MIN),
    );
    add(
        "Cửa hàng",
        Some("0902000012"),
        2,
        T0 + DAY + 85 * MIN,
        Some(T0 + DAY + 100 * MIN),
    );
    // Around the rescan: touches the first of the two, overlaps the second.
    add(
        "Sau quét lại",
        Some("0902000013"),
        0,
        T0 + 3 * DAY + 60 * MIN,
        Some(T0 + 3 * DAY + 65 * MIN),
    );
    // Someone elsewhere at the same time, and someone without a phone.
    add(
        "Nơi khác",
        Some("0902000014"),
        3,
        T0 + HOUR,
        Some(T0 + 2 * HOUR),
    );
    add(
        "Không điện thoại",
        None,
        0,
        T0 + 70 * MIN,
        Some(T0 + 75 * MIN),
    );
    // Noise: 300 stays of 60 people over a week, some left open.
    let mut random = Lcg(42);
    for _ in 0..300 {
        let person = random.below(60);
        let venue = random.below(4) as usize;
        let start = T0 - DAY + random.below(7 * 24 * 60) as i64 * MIN;
        let out = (random.below(3) > 0).then(|| start + (1 + random.below(180) as i64) * MIN);
        let phone = format!("0903{person:06}");
        add(&format!("Khách {person}"), Some(&phone), venue, start, out);
    }
    // One person with an ID number only.
    if let Some(stay) = stays.iter_mut().find(|s| s.phone.is_none()) {
        stay.id_number = Some("001099012345".into());
    }
    Dataset { kinds, stays }
}

/// The rule, written again from the protocol's documentation over the generated stays: an
/// open stay lasts the venue's default or until the same phone checks in at another venue.
fn stay_end(data: &Dataset, stay: &Stay) -> i64 {
    let cap = stay.start + DAY;
    if let Some(out) = stay.out {
        return out.min(cap);
    }
    let default = stay.start + i64::from(data.kinds[stay.venue].default_stay_minutes()) * MIN;
    let next = data
        .stays
        .iter()
        .filter(|other| {
            other.phone.is_some()
                && other.phone == stay.phone
                && other.venue != stay.venue
                && other.start > stay.start
        })
        .map(|other| other.start)
        .min();
    next.map_or(default, |next| default.min(next)).min(cap)
}

/// Expected contacts: (contact check-in, case check-in) → overlap in ms.
fn expected_contacts(data: &Dataset, from: i64, to: i64) -> BTreeMap<(Uuid, Uuid), i64> {
    let is_case = |stay: &Stay| stay.phone.as_deref() == Some(CASE_PHONE);
    let mut expected = BTreeMap::new();
    for visit in data
        .stays
        .iter()
        .filter(|s| is_case(s) && s.start >= from && s.start < to)
    {
        let exposure = (visit.start, stay_end(data, visit) + AFTER_MINUTES * MIN);
        for other in data
            .stays
            .iter()
            .filter(|s| !is_case(s) && s.venue == visit.venue)
        {
            let start = other.start.max(exposure.0);
            let end = stay_end(data, other).min(exposure.1);
            if end > start {
                expected.insert((other.id, visit.id), end - start);
            }
        }
    }
    expected
}

async fn load(store: &Store, data: &Dataset) -> Vec<VenueRow> {
    let mut venues = Vec::new();
    for (i, kind) in data.kinds.iter().enumerate() {
        let venue = VenueRow {
            id: store.allocate_venue_id().await.expect("venue id"),
            short_code: ShortCode::from_random([i as u8, 7, 7, 7, 7]),
            name: format!("Địa điểm {i}"),
            unit_code: "01".into(),
            venue_code: format!("CODE-{i}"),
            revoked_at: None,
            kind: *kind,
            address: String::new(),
            contact: String::new(),
        };
        store
            .insert_venue(venue.clone(), T0 - 10 * DAY)
            .await
            .expect("venue");
        venues.push(venue);
    }
    for stay in &data.stays {
        let mut answers = vec![
            ("full_name", Answer::Text(stay.name.clone())),
            ("consent", Answer::Bool(true)),
        ];
        if let Some(phone) = &stay.phone {
            answers.push(("phone", Answer::Text(phone.clone())));
        }
        if let Some(id) = &stay.id_number {
            answers.push(("id_number", Answer::Text(id.clone())));
        }
        let checkin = NewCheckIn {
            id: stay.id,
            venue: venues[stay.venue].clone(),
            declaration: Declaration {
                form_version: 1,
                answers: answers
                    .into_iter()
                    .map(|(id, answer)| (id.to_owned(), answer))
                    .collect(),
            },
            client_time: None,
            received_at: stay.start,
        };
        store.insert_checkin(checkin).await.expect("check-in");
        if let Some(out) = stay.out {
            store.check_out(stay.id, out).await.expect("check-out");
        }
    }
    venues
}

async fn raw(app: &Router, request: Request<Body>) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("answer");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

fn trace_request(token: &str, body: &Value, query: &str) -> Request<Body> {
    Request::post(format!("/v1/trace/cases{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn case_body(reference: &str) -> Value {
    json!({
        "case_reference": reference,
        "identifier": "+84 901 000 001",
        "from": T0 - DAY,
        "to": T0 + 13 * DAY,
        "after_minutes": AFTER_MINUTES,
    })
}

async fn issue(app: &Router, body: Value) -> String {
    let (status, issued) =
        common::call(app, "POST", "/v1/admin/tokens", Some(ADMIN), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["token"].as_str().expect("secret").to_owned()
}

async fn check_store(name: &str, store: Store) {
    let data = generate();
    let venues = load(&store, &data).await;
    let app = router(
        AppState::new(
            store.clone(),
            VenueSigner::generate(),
            ADMIN,
            "http://vaora.test",
        ),
        None,
    );
    let (status, _, bytes) = raw(&app, trace_request(ADMIN, &case_body("BN-12345"), "")).await;
    let trace: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(status, StatusCode::OK, "{name}: {trace}");

    // The case's visits, in order.
    let case_ids: Vec<Uuid> = data
        .stays
        .iter()
        .filter(|s| s.phone.as_deref() == Some(CASE_PHONE))
        .map(|s| s.id)
        .collect();
    let visit_ids: Vec<Uuid> = trace["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| serde_json::from_value(v["record"]["receipt"]["id"].clone()).expect("id"))
        .collect();
    assert_eq!(visit_ids, case_ids, "{name}");
    assert_eq!(
        trace["visits"][1]["stay_until"].as_i64(),
        Some(T0 + DAY + 40 * MIN),
        "{name}: the open visit ends when the case checks in elsewhere"
    );

    // Every contact, with its overlap, exactly as computed from the generated stays.
    let expected = expected_contacts(&data, T0 - DAY, T0 + 13 * DAY);
    let contacts = trace["contacts"].as_array().expect("contacts");
    let got: BTreeMap<(Uuid, Uuid), i64> = contacts
        .iter()
        .map(|c| {
            let id = serde_json::from_value(c["record"]["receipt"]["id"].clone()).expect("id");
            let visit = serde_json::from_value(c["case_checkin_id"].clone()).expect("visit");
            let ms =
                c["overlap_to"].as_i64().expect("to") - c["overlap_from"].as_i64().expect("from");
            assert_eq!(
                c["overlap_minutes"].as_i64(),
                Some((ms + MIN - 1) / MIN),
                "{name}: minutes rounded up"
            );
            ((id, visit), ms)
        })
        .collect();
    assert_eq!(
        got.len(),
        contacts.len(),
        "{name}: one row per contact and visit"
    );
    assert_eq!(got, expected, "{name}");
    assert!(
        contacts.windows(2).all(|pair| {
            let len = |c: &Value| {
                c["overlap_to"].as_i64().unwrap_or(0) - c["overlap_from"].as_i64().unwrap_or(0)
            };
            len(&pair[0]) >= len(&pair[1])
        }),
        "{name}: longest overlap first"
    );
    assert_eq!(trace["truncated"], false);

    // The boundaries, by name.
    let minutes_of = |who: &str| -> Vec<i64> {
        let mut found: Vec<i64> = contacts
            .iter()
            .filter(|c| c["record"]["declaration"]["answers"]["full_name"] == who)
            .map(|c| c["overlap_minutes"].as_i64().unwrap_or(-1))
            .collect();
        found.sort_unstable();
        found
    };
    assert_eq!(
        minutes_of("Rời đúng lúc"),
        Vec::<i64>::new(),
        "{name}: left as the case came"
    );
    assert_eq!(minutes_of("Trùng nửa giờ"), vec![30]);
    assert_eq!(
        minutes_of("=HYPERLINK(\"x\")"),
        vec![20],
        "arrived inside the after-window"
    );
    assert_eq!(
        minutes_of("Đến khi hết"),
        Vec::<i64>::new(),
        "arrived as it closed"
    );
    assert_eq!(
        minutes_of("Đến sau"),
        Vec::<i64>::new(),
        "arrived just after it"
    );
    assert_eq!(
        minutes_of("Không ra"),
        vec![40],
        "open stay: the market's hour"
    );
    assert_eq!(
        minutes_of("Đi nơi khác"),
        vec![5],
        "open stay ended by a check-in elsewhere"
    );
    assert_eq!(minutes_of("Hai lượt"), vec![5, 50], "once per visit");
    assert_eq!(minutes_of("Qua đêm"), vec![10], "entered the day before");
    assert_eq!(
        minutes_of("Nhà hàng"),
        vec![20],
        "the case's capped stay plus 30 minutes"
    );
    assert_eq!(minutes_of("Nhà hàng muộn"), Vec::<i64>::new());
    assert_eq!(minutes_of("Sau quét lại"), vec![5]);
    assert_eq!(minutes_of("Nơi khác"), Vec::<i64>::new());
    assert_eq!(minutes_of("Không điện thoại"), vec![5]);
    assert_eq!(
        minutes_of("Ca bệnh"),
        Vec::<i64>::new(),
        "never the case's own contact"
    );

    // Audited before the answer left: every check-in handed out names the actor and the case.
    let handed_out: Vec<Uuid> = visit_ids
        .iter()
        .copied()
        .chain(got.keys().map(|(id, _)| *id))
        .collect();
    for id in &handed_out {
        let accesses = store.accesses(*id).await.expect("accesses");
        assert_eq!(
            accesses.len(),
            1,
            "{name}: one access per check-in handed out"
        );
        assert_eq!(accesses[0].actor, "admin");
        assert_eq!(accesses[0].case_reference.as_deref(), Some("BN-12345"));
    }
    let untouched = data
        .stays
        .iter()
        .find(|s| !handed_out.contains(&s.id))
        .expect("someone was not traced");
    assert!(store
        .accesses(untouched.id)
        .await
        .expect("accesses")
        .is_empty());
    let (status, log) = common::call(&app, "GET", "/v1/admin/trace/cases", Some(ADMIN), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["queries"][0]["case_reference"], "BN-12345");
    assert_eq!(log["queries"][0]["identifier"], "phone:09******01");
    assert_eq!(log["queries"][0]["contacts"], contacts.len());
    assert!(
        !log.to_string().contains(CASE_PHONE),
        "{name}: the identifier is masked"
    );

    // The citizen, by check-in id alone: when and for which case, never who.
    let contact_id = got.keys().next().expect("a contact").0;
    let (status, reads) = common::call(
        &app,
        "GET",
        &format!("/v1/checkins/{contact_id}/accesses"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reads["reads"][0]["case_reference"], "BN-12345");
    assert!(reads["reads"][0]["at"].as_i64().is_some());
    assert!(
        !reads.to_string().contains("admin"),
        "{name}: no actor: {reads}"
    );
    let (_, none) = common::call(
        &app,
        "GET",
        &format!("/v1/checkins/{}/accesses", untouched.id),
        None,
        None,
    )
    .await;
    assert_eq!(none, json!({ "reads": [] }));

    // The calling list: BOM, header, one row per contact in the same order, formulas defused.
    let (status, headers, csv) = raw(
        &app,
        trace_request(ADMIN, &case_body("BN-12345"), "?format=csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let mut by_accept = trace_request(ADMIN, &case_body("BN-12345"), "");
    by_accept
        .headers_mut()
        .insert(header::ACCEPT, header::HeaderValue::from_static("text/csv"));
    let (_, _, same) = raw(&app, by_accept).await;
    assert_eq!(same, csv, "{name}: Accept: text/csv asks for the same list");
    let text = String::from_utf8(csv[3..].to_vec()).expect("utf-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "Stt",
            "Họ tên",
            "Điện thoại",
            "Địa điểm",
            "Vào",
            "Ra",
            "Trùng (phút)",
            "Lượt của ca bệnh"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), contacts.len());
    for (row, contact) in rows.iter().zip(contacts) {
        assert_eq!(row[6], contact["overlap_minutes"].to_string());
    }
    assert!(
        rows.iter().any(|row| &row[1] == "'=HYPERLINK(\"x\")"),
        "{name}: formula neutralised"
    );
    let first_visit = venues[0].name.clone();
    assert!(rows.iter().any(|row| row[3] == first_visit));
    // 2026-11-01 01:30 UTC is 08:30 in Hà Nội; the first visit is case visit 1 at 08:00.
    let half_hour = rows
        .iter()
        .find(|row| &row[1] == "Trùng nửa giờ")
        .expect("row");
    assert_eq!(&half_hour[4], "01/11/2026 07:30");
    assert_eq!(&half_hour[5], "01/11/2026 08:30");
    assert_eq!(&half_hour[7], "1 (01/11/2026 08:00)");
}

#[tokio::test]
async fn a_case_trace_finds_exactly_the_co_present_on_every_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    check_store("sqlite", common::sqlite(&dir).await).await;
    if let Ok(url) = std::env::var("VAORA_TEST_DATABASE_URL") {
        if !url.is_empty() {
            let database = ScratchDatabase::create(&url, "vaora_case_trace")
                .await
                .expect("scratch database");
            let store = vaora_server::store::open(&database.url)
                .await
                .expect("open");
            check_store("postgres", store.clone()).await;
            drop(store);
            database.drop_now().await;
        }
    }
}

#[tokio::test]
async fn case_traces_need_a_case_a_tracer_and_patience() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let data = generate();
    let venues = load(&store, &data).await;
    let app = router(
        AppState::new(store, VenueSigner::generate(), ADMIN, "http://vaora.test"),
        None,
    );
    let units = "code,name,type,parent\n01,Hà Nội,thành phố,\n";
    let import = Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::from(units))
        .expect("request");
    assert_eq!(raw(&app, import).await.0, StatusCode::OK);
    let tracer = issue(&app, json!({ "role": "tracer", "label": "CDC" })).await;
    let officer = issue(
        &app,
        json!({ "role": "officer", "label": "Phường", "unit_code": "01" }),
    )
    .await;
    let staff = issue(
        &app,
        json!({ "role": "venue_staff", "label": "Cửa", "venue_id": venues[0].id }),
    )
    .await;

    let status_of = |token: String, body: Value| {
        let app = app.clone();
        async move {
            let (status, _, bytes) = raw(&app, trace_request(&token, &body, "")).await;
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        }
    };
    let (status, _) = status_of(String::new(), case_body("BN-1")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for token in [&officer, &staff] {
        let (status, error) = status_of(token.clone(), case_body("BN-1")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{error}");
    }
    let mut no_reference = case_body("");
    let (status, error) = status_of(tracer.clone(), no_reference.clone()).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("validation_failed"))
    );
    no_reference
        .as_object_mut()
        .expect("object")
        .remove("case_reference");
    let (status, error) = status_of(tracer.clone(), no_reference).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("case_reference"));
    let mut bad = case_body("BN-1");
    bad["identifier"] = json!("nobody@example.com");
    let (status, error) = status_of(tracer.clone(), bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("phone number"));
    let mut long = case_body("BN-1");
    long["to"] = json!(T0 + 40 * DAY);
    assert_eq!(
        status_of(tracer.clone(), long).await.0,
        StatusCode::BAD_REQUEST
    );
    let mut late = case_body("BN-1");
    late["after_minutes"] = json!(1441);
    assert_eq!(
        status_of(tracer.clone(), late).await.0,
        StatusCode::BAD_REQUEST
    );

    // Thirty queries an hour per token; the next is refused with when to retry.
    for n in 0..30 {
        let (status, answer) = status_of(tracer.clone(), case_body(&format!("BN-{n}"))).await;
        assert_eq!(status, StatusCode::OK, "query {n}: {answer}");
    }
    let (status, headers, bytes) = raw(&app, trace_request(&tracer, &case_body("BN-31"), "")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let error: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(error["code"], "rate_limited");
    let retry: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=3600).contains(&retry));
    // The administrator's own allowance is separate.
    assert_eq!(
        status_of(ADMIN.into(), case_body("BN-A")).await.0,
        StatusCode::OK
    );
    let (_, log) = common::call(&app, "GET", "/v1/admin/trace/cases", Some(ADMIN), None).await;
    assert_eq!(
        log["queries"].as_array().map(Vec::len),
        Some(31),
        "refused queries are not run"
    );
    assert!(log["queries"][1]["actor"]
        .as_str()
        .unwrap_or("")
        .contains("CDC"));
    let (status, _) = common::call(&app, "GET", "/v1/admin/trace/cases", Some(&tracer), None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only administrators read the query log"
    );
}
