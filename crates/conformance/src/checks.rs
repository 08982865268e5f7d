//! The checks, one function each, in the order they run. Each says in its `Err` what the
//! backend did wrong.

use futures_util::future::{join_all, BoxFuture};
use serde_json::{json, Value};
use uuid::Uuid;
use vaora_protocol::api::{
    ClientConfig, KeySet, KeyStatus, ProgrammeState, ProgrammeStatus, RegisteredVenue, Unit,
    UnitList, VenueKind,
};
use vaora_protocol::form::{Answer, DeclarationForm, QuestionKind};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::{self, VenueClaims, VenueSigner};

use crate::client::{Auth, Target};

/// What every check starts from: a venue the suite registered, and the backend's keys.
pub struct Setup {
    target: Target,
    venue: RegisteredVenue,
    config: ClientConfig,
    /// A unit the backend knows (`None` when it has no unit set loaded).
    unit: Option<Unit>,
    /// The declaration form the backend serves now; the suite's check-ins answer it.
    form: DeclarationForm,
}

impl Setup {
    pub async fn new(target: &Target) -> Result<Self, String> {
        let unit = some_unit(target).await?;
        let unit_code = unit.as_ref().map_or(DEFAULT_UNIT, |u| u.code.as_str());
        let name = format!("Conformance {}", &Uuid::new_v4().simple().to_string()[..8]);
        let answer = target
            .post(
                "/v1/venues",
                &json!({
                    "name": name,
                    "unit_code": unit_code,
                    "kind": "market",
                    "address": "Thôn Tế Tiêu",
                    "contact": "0912 345 678"
                }),
                Auth::Admin,
            )
            .await?;
        answer.expect_status(201, "POST /v1/venues (admin)")?;
        let venue: RegisteredVenue = serde_json::from_value(answer.json.clone())
            .map_err(|err| format!("POST /v1/venues: not a RegisteredVenue: {err}"))?;
        let answer = target.get("/config.json", Auth::Anonymous).await?;
        answer.expect_status(200, "GET /config.json")?;
        let config: ClientConfig = serde_json::from_value(answer.json.clone())
            .map_err(|err| format!("GET /config.json: not a ClientConfig: {err}"))?;
        let answer = target.get("/v1/declaration-form", Auth::Anonymous).await?;
        answer.expect_status(200, "GET /v1/declaration-form")?;
        let form: DeclarationForm = serde_json::from_value(answer.json.clone())
            .map_err(|err| format!("GET /v1/declaration-form: not a DeclarationForm: {err}"))?;
        Ok(Self {
            target: target.clone(),
            venue,
            config,
            unit,
            form,
        })
    }

    /// A valid declaration for the served form: Nguyễn Thị Ánh, phone typed with spaces (the
    /// server stores it normalised), made-up answers to the rest.
    fn declaration(&self) -> Value {
        let mut answers = self.form.example_answers(self.unit_code());
        answers.insert("full_name".into(), Answer::Text("Nguyễn Thị Ánh".into()));
        answers.insert("phone".into(), Answer::Text("0912 345 678".into()));
        json!({ "form_version": self.form.version, "answers": answers })
    }

    /// Whether the backend has a unit list loaded (unit answers must then name a unit in it).
    pub fn has_units(&self) -> bool {
        self.unit.is_some()
    }

    /// The unit code the suite's venues are registered in.
    fn unit_code(&self) -> &str {
        self.unit.as_ref().map_or(DEFAULT_UNIT, |u| u.code.as_str())
    }
}

/// A unit code for a backend without a unit set.
const DEFAULT_UNIT: &str = "00004";

/// The first unit of the backend's set, as deep as the first branch goes.
async fn some_unit(target: &Target) -> Result<Option<Unit>, String> {
    let mut found: Option<Unit> = None;
    for _ in 0..8 {
        let path = match &found {
            Some(unit) => format!("/v1/units?parent={}", unit.code),
            None => "/v1/units".to_owned(),
        };
        let answer = target.get(&path, Auth::Anonymous).await?;
        answer.expect_status(200, &format!("GET {path}"))?;
        let list: UnitList = serde_json::from_value(answer.json)
            .map_err(|err| format!("GET {path}: not a UnitList: {err}"))?;
        match list.units.into_iter().next() {
            Some(unit) => found = Some(unit),
            None => break,
        }
    }
    Ok(found)
}

type Check = for<'a> fn(&'a Setup) -> BoxFuture<'a, Result<(), String>>;

/// Every check, named.
pub const ALL: &[(&str, Check)] = &[
    ("health", |s| Box::pin(health(s))),
    ("openapi_document", |s| Box::pin(openapi_document(s))),
    ("unknown_endpoint", |s| Box::pin(unknown_endpoint(s))),
    ("venue_registration", |s| Box::pin(venue_registration(s))),
    ("registration_requires_admin", |s| {
        Box::pin(registration_requires_admin(s))
    }),
    ("registration_validation", |s| {
        Box::pin(registration_validation(s))
    }),
    ("venue_code_verifies_offline", |s| {
        Box::pin(venue_code_verifies_offline(s))
    }),
    ("venue_lookup", |s| Box::pin(venue_lookup(s))),
    ("check_in_and_replay", |s| Box::pin(check_in_and_replay(s))),
    ("id_reused_for_other_content", |s| {
        Box::pin(id_reused_for_other_content(s))
    }),
    ("concurrent_retries_store_once", |s| {
        Box::pin(concurrent_retries_store_once(s))
    }),
    ("invalid_declaration", |s| Box::pin(invalid_declaration(s))),
    ("unit_answer_in_list", |s| Box::pin(unit_answer_in_list(s))),
    ("malformed_bodies", |s| Box::pin(malformed_bodies(s))),
    ("size_limits", |s| Box::pin(size_limits(s))),
    ("forged_venue_codes", |s| Box::pin(forged_venue_codes(s))),
    ("personal_data_requires_admin", |s| {
        Box::pin(personal_data_requires_admin(s))
    }),
    ("personal_data_reads_are_audited", |s| {
        Box::pin(personal_data_reads_are_audited(s))
    }),
    ("retention_is_finite_and_recorded", |s| {
        Box::pin(retention_is_finite_and_recorded(s))
    }),
    ("check_out", |s| Box::pin(check_out(s))),
    ("check_out_when_left", |s| Box::pin(check_out_when_left(s))),
    ("receipt_default_stay", |s| {
        Box::pin(receipt_default_stay(s))
    }),
    ("venue_activity", |s| Box::pin(venue_activity(s))),
    ("units_browsable", |s| Box::pin(units_browsable(s))),
    ("scoped_tokens", |s| Box::pin(scoped_tokens(s))),
    ("contact_trace", |s| Box::pin(contact_trace(s))),
    ("keys_published", |s| Box::pin(keys_published(s))),
    ("declaration_form", |s| Box::pin(declaration_form(s))),
    ("programme_readable", |s| Box::pin(programme_readable(s))),
    ("withdrawn_venue_refused", |s| {
        Box::pin(withdrawn_venue_refused(s))
    }),
    ("cors_for_embedding", |s| Box::pin(cors_for_embedding(s))),
];

fn check_in_body(id: Uuid, venue_code: &str, declaration: Value) -> Value {
    json!({ "id": id, "venue_code": venue_code, "declaration": declaration })
}

/// Checks in at `venue_code` with a fresh id and a valid declaration; `Err` unless stored (201).
/// Returns the id and the receipt.
async fn checked_in(setup: &Setup, venue_code: &str) -> Result<(Uuid, Value), String> {
    let id = Uuid::new_v4();
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, venue_code, setup.declaration()),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_status(201, "POST /v1/checkins")?;
    Ok((id, answer.json))
}

fn ensure(condition: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(why())
    }
}

/// `Err` unless the backend has no check-in `id` (it was refused and nothing was stored).
async fn not_stored(setup: &Setup, id: Uuid, what: &str) -> Result<(), String> {
    let answer = setup
        .target
        .get(
            &format!("/v1/admin/checkins/{id}?purpose=conformance"),
            Auth::Admin,
        )
        .await?;
    answer
        .expect_error(404, "not_found", what)
        .map_err(|err| format!("{err} (a refused check-in must not be stored)"))
}

async fn health(setup: &Setup) -> Result<(), String> {
    let answer = setup.target.get("/v1/health", Auth::Anonymous).await?;
    answer.expect_status(200, "GET /v1/health")?;
    ensure(answer.json["status"] == "ok", || {
        format!(
            "GET /v1/health: expected {{\"status\":\"ok\"}}, got {}",
            answer.json
        )
    })
}

async fn openapi_document(setup: &Setup) -> Result<(), String> {
    let answer = setup
        .target
        .get("/v1/openapi.json", Auth::Anonymous)
        .await?;
    answer.expect_status(200, "GET /v1/openapi.json")?;
    let doc = &answer.json;
    ensure(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        || "GET /v1/openapi.json: not an OpenAPI 3.1 document".into(),
    )?;
    ensure(
        doc["info"]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("1.")),
        || "GET /v1/openapi.json: info.version is not 1.x".into(),
    )?;
    ensure(doc["paths"]["/v1/checkins"]["post"].is_object(), || {
        "GET /v1/openapi.json: no POST /v1/checkins".into()
    })
}

async fn unknown_endpoint(setup: &Setup) -> Result<(), String> {
    let answer = setup
        .target
        .get("/v1/no-such-endpoint-conformance", Auth::Anonymous)
        .await?;
    answer.expect_error(404, "not_found", "GET an unknown /v1 path")
}

async fn venue_registration(setup: &Setup) -> Result<(), String> {
    let venue = &setup.venue;
    ensure(venue.name.starts_with("Conformance "), || {
        format!("registered name changed: {:?}", venue.name)
    })?;
    ensure(venue.unit_code == setup.unit_code(), || {
        format!("registered unit changed: {:?}", venue.unit_code)
    })?;
    ensure(venue.poster_url.contains(&venue.venue_code), || {
        "poster_url does not carry the venue code".into()
    })?;
    ensure(
        venue.kind == VenueKind::Market && venue.address == "Thôn Tế Tiêu",
        || {
            format!(
                "registered kind and address changed: {:?}, {:?}",
                venue.kind, venue.address
            )
        },
    )?;
    // Whitespace is normalised.
    let answer = setup
        .target
        .post(
            "/v1/venues",
            &json!({ "name": "  Chợ   Conformance  ", "unit_code": setup.unit_code() }),
            Auth::Admin,
        )
        .await?;
    answer.expect_status(201, "POST /v1/venues")?;
    ensure(answer.json["name"] == "Chợ Conformance", || {
        format!("name not whitespace-normalised: {}", answer.json["name"])
    })?;
    ensure(answer.json["venue_id"] != json!(venue.venue_id), || {
        "two registrations got the same venue id".into()
    })
}

async fn registration_requires_admin(setup: &Setup) -> Result<(), String> {
    let body = json!({ "name": "Conformance intruder", "unit_code": "01" });
    for auth in [Auth::Anonymous, Auth::Wrong] {
        let answer = setup.target.post("/v1/venues", &body, auth).await?;
        answer.expect_error(401, "unauthorized", &format!("POST /v1/venues ({auth:?})"))?;
    }
    Ok(())
}

async fn registration_validation(setup: &Setup) -> Result<(), String> {
    let cases = [
        (
            json!({ "name": "A", "unit_code": "01" }),
            "validation_failed",
        ),
        (
            json!({ "name": "x".repeat(121), "unit_code": "01" }),
            "validation_failed",
        ),
        (
            json!({ "name": "Chợ", "unit_code": "not digits" }),
            "validation_failed",
        ),
        (
            json!({ "name": "Chợ", "unit_code": "01", "owner": "x" }),
            "invalid_json",
        ),
        (json!({ "name": "Chợ" }), "invalid_json"),
    ];
    for (body, code) in cases {
        let answer = setup.target.post("/v1/venues", &body, Auth::Admin).await?;
        answer.expect_error(400, code, &format!("POST /v1/venues {body}"))?;
    }
    Ok(())
}

async fn venue_code_verifies_offline(setup: &Setup) -> Result<(), String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = venue_code::verify(&setup.venue.venue_code, &setup.config.trusted_keys, now)
        .map_err(|err| {
            format!(
                "the registered venue code does not verify against /config.json's keys: {}",
                err.code()
            )
        })?;
    ensure(
        claims.venue_id == setup.venue.venue_id
            && claims.name == setup.venue.name
            && claims.unit_code == setup.venue.unit_code,
        || format!("the signed claims do not match the registration: {claims:?}"),
    )
}

async fn venue_lookup(setup: &Setup) -> Result<(), String> {
    let venue = &setup.venue;
    let canonical = venue.short_code.as_str();
    let typed = format!("{}-{}", &canonical[..4], &canonical[4..]).to_lowercase();
    for code in [canonical.to_owned(), typed] {
        let answer = setup
            .target
            .get(&format!("/v1/venues/{code}"), Auth::Anonymous)
            .await?;
        answer.expect_status(200, &format!("GET /v1/venues/{code}"))?;
        let found = &answer.json;
        ensure(
            found["venue_id"] == json!(venue.venue_id)
                && found["short_code"] == canonical
                && found["venue_code"] == venue.venue_code.as_str()
                && found["name"] == venue.name.as_str()
                && found["kind"] == "market"
                && found["address"] == "Thôn Tế Tiêu",
            || format!("GET /v1/venues/{code}: wrong venue {found}"),
        )?;
        ensure(found.get("contact").is_none(), || {
            format!("GET /v1/venues/{code}: the venue's contact is public")
        })?;
    }
    // A well-formed code nobody has (40 random bits: a collision is not a concern here).
    let random = Uuid::new_v4().into_bytes();
    let unknown = ShortCode::from_random([random[0], random[1], random[2], random[3], random[4]]);
    let answer = setup
        .target
        .get(&format!("/v1/venues/{}", unknown.as_str()), Auth::Anonymous)
        .await?;
    answer.expect_error(404, "venue_not_found", "GET /v1/venues/<unknown code>")?;
    let answer = setup
        .target
        .get("/v1/venues/%21%21", Auth::Anonymous)
        .await?;
    answer.expect_error(400, "validation_failed", "GET /v1/venues/!!")
}

async fn check_in_and_replay(setup: &Setup) -> Result<(), String> {
    let id = Uuid::new_v4();
    let body = check_in_body(id, &setup.venue.venue_code, setup.declaration());
    let first = setup
        .target
        .post("/v1/checkins", &body, Auth::Anonymous)
        .await?;
    first.expect_status(201, "POST /v1/checkins")?;
    let receipt = &first.json;
    ensure(
        receipt["id"] == id.to_string()
            && receipt["venue_id"] == json!(setup.venue.venue_id)
            && receipt["venue_name"] == setup.venue.name.as_str()
            && receipt["unit_code"] == setup.venue.unit_code.as_str()
            && receipt["checked_in_at"].is_i64(),
        || format!("POST /v1/checkins: receipt does not match the check-in: {receipt}"),
    )?;
    ensure(first.header("idempotent-replayed").is_none(), || {
        "a first check-in is marked Idempotent-Replayed".into()
    })?;
    let again = setup
        .target
        .post("/v1/checkins", &body, Auth::Anonymous)
        .await?;
    again.expect_status(201, "POST /v1/checkins (the same id again)")?;
    ensure(again.header("idempotent-replayed") == Some("true"), || {
        "a replay is not marked Idempotent-Replayed: true (was it stored twice?)".into()
    })?;
    ensure(again.json == first.json, || {
        format!(
            "a replay answered another receipt: {} then {}",
            first.json, again.json
        )
    })?;
    let stored = setup
        .target
        .get(
            &format!("/v1/admin/checkins/{id}?purpose=conformance"),
            Auth::Admin,
        )
        .await?;
    stored.expect_status(200, "GET /v1/admin/checkins/{id}")?;
    ensure(stored.json["receipt"] == first.json, || {
        format!("stored receipt differs: {}", stored.json["receipt"])
    })?;
    ensure(
        stored.json["declaration"]["answers"]["full_name"] == "Nguyễn Thị Ánh"
            && stored.json["declaration"]["answers"]["phone"] == "0912345678",
        || {
            format!(
                "stored declaration is not the normalised one: {}",
                stored.json["declaration"]
            )
        },
    )
}

async fn id_reused_for_other_content(setup: &Setup) -> Result<(), String> {
    let id = Uuid::new_v4();
    let code = &setup.venue.venue_code;
    let first = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, code, setup.declaration()),
            Auth::Anonymous,
        )
        .await?;
    first.expect_status(201, "POST /v1/checkins")?;
    let mut other = setup.declaration();
    other["answers"]["full_name"] = json!("Trần Văn Bình");
    let reused = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, code, other),
            Auth::Anonymous,
        )
        .await?;
    reused.expect_error(
        409,
        "idempotency_conflict",
        "POST /v1/checkins (same id, other declaration)",
    )?;
    let stored = setup
        .target
        .get(
            &format!("/v1/admin/checkins/{id}?purpose=conformance"),
            Auth::Admin,
        )
        .await?;
    stored.expect_status(200, "GET /v1/admin/checkins/{id}")?;
    ensure(
        stored.json["declaration"]["answers"]["full_name"] == "Nguyễn Thị Ánh",
        || "a conflicting reuse overwrote the stored check-in".into(),
    )
}

async fn concurrent_retries_store_once(setup: &Setup) -> Result<(), String> {
    const RETRIES: usize = 16;
    let id = Uuid::new_v4();
    let body = check_in_body(id, &setup.venue.venue_code, setup.declaration());
    let answers =
        join_all((0..RETRIES).map(|_| setup.target.post("/v1/checkins", &body, Auth::Anonymous)))
            .await;
    let mut fresh = 0;
    let mut receipts = Vec::new();
    for answer in answers {
        let answer = answer?;
        answer.expect_status(201, "POST /v1/checkins (concurrent retries)")?;
        if answer.header("idempotent-replayed") != Some("true") {
            fresh += 1;
        }
        receipts.push(answer.json);
    }
    ensure(fresh == 1, || {
        format!("{RETRIES} concurrent retries of one check-in: {fresh} answered as new, expected exactly 1")
    })?;
    ensure(receipts.windows(2).all(|w| w[0] == w[1]), || {
        "concurrent retries got different receipts".into()
    })
}

async fn invalid_declaration(setup: &Setup) -> Result<(), String> {
    let id = Uuid::new_v4();
    let mut bad = setup.declaration();
    bad["answers"]["full_name"] = json!("");
    bad["answers"]["phone"] = json!("12345");
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, &setup.venue.venue_code, bad),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_error(
        400,
        "validation_failed",
        "POST /v1/checkins (invalid declaration)",
    )?;
    let fields: Vec<&str> = answer.json["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["question"].as_str())
                .collect()
        })
        .unwrap_or_default();
    ensure(fields == ["full_name", "phone"], || {
        format!(
            "validation_failed should list full_name and phone, got {}",
            answer.json["fields"]
        )
    })?;
    not_stored(setup, id, "the invalid check-in").await
}

/// With a unit list loaded, an answer to a unit question must name a unit in it.
async fn unit_answer_in_list(setup: &Setup) -> Result<(), String> {
    let mut declaration = setup.declaration();
    let unit_questions: Vec<&str> = setup
        .form
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Unit)
        .map(|q| q.id.as_str())
        .filter(|id| declaration["answers"].get(id).is_some())
        .collect();
    if !setup.has_units() || unit_questions.is_empty() {
        return Ok(());
    }
    for question in &unit_questions {
        declaration["answers"][question] = json!("9999999999");
    }
    let id = Uuid::new_v4();
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, &setup.venue.venue_code, declaration),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_error(
        400,
        "validation_failed",
        "POST /v1/checkins (a unit answer naming no unit)",
    )?;
    let expected: Vec<Value> = unit_questions
        .iter()
        .map(|question| json!({ "question": question, "problem": "unknown_choice" }))
        .collect();
    ensure(answer.json["fields"] == json!(expected), || {
        format!(
            "validation_failed should list {expected:?} as unknown_choice, got {}",
            answer.json["fields"]
        )
    })?;
    not_stored(setup, id, "the check-in naming no unit").await
}

async fn malformed_bodies(setup: &Setup) -> Result<(), String> {
    let code = &setup.venue.venue_code;
    let id = Uuid::new_v4();
    let mut wrong_type = check_in_body(id, code, setup.declaration());
    wrong_type["declaration"]["answers"] = json!("nineteen ninety");
    let mut unknown_field = check_in_body(id, code, setup.declaration());
    unknown_field["declaration"]["blood_type"] = json!("O");
    let mut missing = check_in_body(id, code, setup.declaration());
    missing["declaration"]
        .as_object_mut()
        .map(|d| d.remove("answers"));
    let mut not_uuid = check_in_body(id, code, setup.declaration());
    not_uuid["id"] = json!("12345");
    let cases = [
        ("not JSON", "{\"id\": ".to_owned(), "application/json", 400),
        ("a JSON array", "[]".to_owned(), "application/json", 400),
        (
            "answers that are not a map",
            wrong_type.to_string(),
            "application/json",
            400,
        ),
        (
            "an unknown field",
            unknown_field.to_string(),
            "application/json",
            400,
        ),
        (
            "a missing field",
            missing.to_string(),
            "application/json",
            400,
        ),
        (
            "an id that is no UUID",
            not_uuid.to_string(),
            "application/json",
            400,
        ),
        (
            "a JSON body sent as text/plain",
            check_in_body(id, code, setup.declaration()).to_string(),
            "text/plain",
            415,
        ),
    ];
    for (what, body, content_type, status) in cases {
        let answer = setup
            .target
            .post_raw("/v1/checkins", body, content_type, Auth::Anonymous)
            .await?;
        answer.expect_error(
            status,
            "invalid_json",
            &format!("POST /v1/checkins with {what}"),
        )?;
    }
    not_stored(setup, id, "the malformed check-ins").await
}

async fn size_limits(setup: &Setup) -> Result<(), String> {
    let id = Uuid::new_v4();
    let mut huge = setup.declaration();
    huge["answers"]["full_name"] = json!("A".repeat(64 * 1024));
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, &setup.venue.venue_code, huge),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_error(413, "body_too_large", "POST /v1/checkins of 64 KiB")?;
    // Within the body limit but far over the field's.
    let mut long = setup.declaration();
    long["answers"]["full_name"] = json!("Nguyễn ".repeat(500));
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, &setup.venue.venue_code, long),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_error(
        400,
        "validation_failed",
        "POST /v1/checkins with a 3,500-character name",
    )?;
    ensure(answer.json["fields"][0]["problem"] == "too_long", || {
        format!("expected full_name too_long, got {}", answer.json["fields"])
    })?;
    not_stored(setup, id, "the oversized check-ins").await
}

async fn forged_venue_codes(setup: &Setup) -> Result<(), String> {
    let genuine = &setup.venue.venue_code;
    // The same claims signed by a key the backend never trusted.
    let stranger = VenueSigner::generate();
    let claims = VenueClaims {
        venue_id: setup.venue.venue_id,
        unit_code: setup.venue.unit_code.clone(),
        name: setup.venue.name.clone(),
        key_id: stranger.key_id(),
        issued_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        valid_days: 30,
    };
    let forged = stranger
        .sign(&claims)
        .map_err(|err| format!("signing a forged code: {err}"))?;
    // One character of the genuine code changed (the signature no longer matches).
    let mut tampered: Vec<char> = genuine.chars().collect();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let id = Uuid::new_v4();
    for (what, code) in [
        ("signed by an unknown key", forged.as_str()),
        ("tampered with", tampered.as_str()),
        ("that is no venue code", "https://example.com/menu"),
    ] {
        let answer = setup
            .target
            .post(
                "/v1/checkins",
                &check_in_body(id, code, setup.declaration()),
                Auth::Anonymous,
            )
            .await?;
        answer.expect_error(
            400,
            "venue_code_invalid",
            &format!("POST /v1/checkins with a venue code {what}"),
        )?;
    }
    not_stored(setup, id, "the check-ins with forged codes").await
}

async fn personal_data_requires_admin(setup: &Setup) -> Result<(), String> {
    let (id, _) = checked_in(setup, &setup.venue.venue_code).await?;
    for auth in [Auth::Anonymous, Auth::Wrong] {
        let answer = setup
            .target
            .get(
                &format!("/v1/admin/checkins/{id}?purpose=conformance"),
                auth,
            )
            .await?;
        answer.expect_error(
            401,
            "unauthorized",
            &format!("GET /v1/admin/checkins/{{id}} ({auth:?})"),
        )?;
    }
    Ok(())
}

async fn cors_for_embedding(setup: &Setup) -> Result<(), String> {
    let Some(origin) = setup.target.cors_origin() else {
        return Err("no embedding origin to check with".into());
    };
    let allowed = setup.target.preflight("/v1/checkins", origin).await?;
    ensure((200..300).contains(&allowed.status), || {
        format!("preflight from {origin}: status {}", allowed.status)
    })?;
    ensure(
        allowed.header("access-control-allow-origin") == Some(origin),
        || {
            format!(
                "preflight from {origin}: Access-Control-Allow-Origin is {:?}",
                allowed.header("access-control-allow-origin")
            )
        },
    )?;
    ensure(
        allowed
            .header("access-control-allow-methods")
            .is_some_and(|m| m.contains("POST")),
        || format!("preflight from {origin}: POST not allowed"),
    )?;
    ensure(
        allowed
            .header("access-control-allow-headers")
            .is_some_and(|h| h.to_ascii_lowercase().contains("content-type")),
        || format!("preflight from {origin}: Content-Type not allowed"),
    )?;
    let read = setup.target.get_from("/v1/health", origin).await?;
    ensure(
        read.header("access-control-allow-origin") == Some(origin),
        || format!("GET from {origin}: no Access-Control-Allow-Origin"),
    )?;
    // An origin nobody configured gets no grant.
    let stranger = "https://not-an-embedder.invalid";
    let refused = setup.target.preflight("/v1/checkins", stranger).await?;
    ensure(
        refused.header("access-control-allow-origin").is_none(),
        || format!("an unlisted origin ({stranger}) was allowed"),
    )
}

async fn keys_published(setup: &Setup) -> Result<(), String> {
    let answer = setup.target.get("/v1/keys", Auth::Anonymous).await?;
    answer.expect_status(200, "GET /v1/keys")?;
    let keys: KeySet = serde_json::from_value(answer.json.clone())
        .map_err(|err| format!("GET /v1/keys: not a KeySet: {err}"))?;
    let claims = venue_code::parse_unverified(&setup.venue.venue_code)
        .map_err(|err| format!("the registered venue code does not parse: {}", err.code()))?;
    let signer = keys.keys.iter().find(|k| k.kid == claims.key_id);
    ensure(
        signer.is_some_and(|k| k.status == KeyStatus::Active),
        || {
            format!(
                "GET /v1/keys: the key that signed a new venue ({}) is not listed as active",
                claims.key_id
            )
        },
    )?;
    ensure(
        keys.keys
            .iter()
            .filter(|k| k.status == KeyStatus::Active)
            .count()
            == 1,
        || "GET /v1/keys: not exactly one active key".into(),
    )?;
    // /config.json trusts exactly the keys that are not revoked.
    let mut published: Vec<_> = keys.keys.iter().filter_map(|k| k.trusted()).collect();
    let mut configured = setup.config.trusted_keys.clone();
    published.sort_by_key(|k| k.key_id.to_string());
    configured.sort_by_key(|k| k.key_id.to_string());
    ensure(published == configured, || {
        "/config.json's trustedKeys differ from the active and retired keys of /v1/keys".into()
    })
}

/// The declaration form is served as data: a form that passes the protocol's checks, its
/// version as the entity tag, revalidated with `If-None-Match`, and readable at its versioned
/// URL; an unknown version is `form_not_found`.
async fn declaration_form(setup: &Setup) -> Result<(), String> {
    let path = "/v1/declaration-form";
    let answer = setup.target.get(path, Auth::Anonymous).await?;
    answer.expect_status(200, "GET /v1/declaration-form")?;
    let form: DeclarationForm = serde_json::from_value(answer.json.clone())
        .map_err(|err| format!("GET {path}: not a DeclarationForm: {err}"))?;
    form.check()
        .map_err(|err| format!("GET {path}: the form breaks the protocol: {err}"))?;
    let etag = format!("\"{}\"", form.version);
    ensure(answer.header("etag") == Some(etag.as_str()), || {
        format!(
            "GET {path}: ETag should be {etag}, got {:?}",
            answer.header("etag")
        )
    })?;
    let again = setup.target.get_if_none_match(path, &etag).await?;
    again.expect_status(304, "GET /v1/declaration-form with If-None-Match")?;
    let versioned = format!("{path}/{}", form.version);
    let answer = setup.target.get(&versioned, Auth::Anonymous).await?;
    answer.expect_status(200, &format!("GET {versioned}"))?;
    let same: DeclarationForm = serde_json::from_value(answer.json.clone())
        .map_err(|err| format!("GET {versioned}: not a DeclarationForm: {err}"))?;
    ensure(same == form, || {
        format!("GET {versioned} differs from the current form")
    })?;
    let unknown = format!("{path}/{}", u32::MAX);
    setup
        .target
        .get(&unknown, Auth::Anonymous)
        .await?
        .expect_error(404, "form_not_found", &format!("GET {unknown}"))
}

async fn programme_readable(setup: &Setup) -> Result<(), String> {
    let answer = setup.target.get("/v1/programme", Auth::Anonymous).await?;
    answer.expect_status(200, "GET /v1/programme")?;
    let status: ProgrammeStatus = serde_json::from_value(answer.json.clone())
        .map_err(|err| format!("GET /v1/programme: not a ProgrammeStatus: {err}"))?;
    // The suite checks in throughout, so the programme must be running.
    ensure(status.state == ProgrammeState::Active, || {
        "the programme is switched off: the suite needs a running one".into()
    })
}

async fn withdrawn_venue_refused(setup: &Setup) -> Result<(), String> {
    // A venue of the suite's own, so nothing real is withdrawn.
    let answer = setup
        .target
        .post(
            "/v1/venues",
            &json!({ "name": "Conformance withdrawn", "unit_code": setup.unit_code() }),
            Auth::Admin,
        )
        .await?;
    answer.expect_status(201, "POST /v1/venues")?;
    let venue: RegisteredVenue =
        serde_json::from_value(answer.json).map_err(|err| format!("POST /v1/venues: {err}"))?;
    let revoke = format!("/v1/admin/venues/{}/revoke", venue.venue_id);
    let refused = setup
        .target
        .post(&revoke, &json!({}), Auth::Anonymous)
        .await?;
    refused.expect_error(
        401,
        "unauthorized",
        "POST /v1/admin/venues/{id}/revoke (anonymous)",
    )?;
    let revoked = setup.target.post(&revoke, &json!({}), Auth::Admin).await?;
    revoked.expect_status(200, "POST /v1/admin/venues/{id}/revoke")?;
    ensure(revoked.json["venue_id"] == json!(venue.venue_id), || {
        format!("revocation answered another venue: {}", revoked.json)
    })?;
    let id = Uuid::new_v4();
    let answer = setup
        .target
        .post(
            "/v1/checkins",
            &check_in_body(id, &venue.venue_code, setup.declaration()),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_error(
        410,
        "venue_revoked",
        "POST /v1/checkins at a withdrawn venue",
    )?;
    let lookup = setup
        .target
        .get(
            &format!("/v1/venues/{}", venue.short_code.as_str()),
            Auth::Anonymous,
        )
        .await?;
    lookup.expect_error(
        410,
        "venue_revoked",
        "GET /v1/venues/{short code of a withdrawn venue}",
    )?;
    not_stored(setup, id, "the check-in at a withdrawn venue").await
}

async fn personal_data_reads_are_audited(setup: &Setup) -> Result<(), String> {
    let (id, _) = checked_in(setup, &setup.venue.venue_code).await?;
    let without = setup
        .target
        .get(&format!("/v1/admin/checkins/{id}"), Auth::Admin)
        .await?;
    without.expect_error(
        400,
        "validation_failed",
        "GET /v1/admin/checkins/{id} without a purpose",
    )?;
    let purpose = format!(
        "conformance audit {}",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let read = setup
        .target
        .get(
            &format!(
                "/v1/admin/checkins/{id}?purpose={}",
                purpose.replace(' ', "%20")
            ),
            Auth::Admin,
        )
        .await?;
    read.expect_status(200, "GET /v1/admin/checkins/{id}?purpose=…")?;
    let log = setup
        .target
        .get(&format!("/v1/admin/checkins/{id}/accesses"), Auth::Admin)
        .await?;
    log.expect_status(200, "GET /v1/admin/checkins/{id}/accesses")?;
    let accesses = log.json["accesses"].as_array().cloned().unwrap_or_default();
    ensure(
        accesses.len() == 1
            && accesses[0]["purpose"] == purpose.as_str()
            && accesses[0]["checkin_id"] == id.to_string()
            && accesses[0]["at"].is_i64(),
        || {
            format!(
                "the audit log should hold exactly the one read with its purpose: {}",
                log.json
            )
        },
    )
}

async fn retention_is_finite_and_recorded(setup: &Setup) -> Result<(), String> {
    let answer = setup.target.get("/v1/admin/purges", Auth::Admin).await?;
    answer.expect_status(200, "GET /v1/admin/purges")?;
    let days = answer.json["retention_days"].as_u64().unwrap_or(0);
    ensure((1..=366).contains(&days), || {
        format!(
            "retention must be finite (1 to 366 days), got {}",
            answer.json["retention_days"]
        )
    })?;
    ensure(answer.json["purges"].is_array(), || {
        "GET /v1/admin/purges: no purges list".into()
    })?;
    let anonymous = setup
        .target
        .get("/v1/admin/purges", Auth::Anonymous)
        .await?;
    anonymous.expect_error(401, "unauthorized", "GET /v1/admin/purges (anonymous)")
}

async fn units_browsable(setup: &Setup) -> Result<(), String> {
    let unknown = setup
        .target
        .get("/v1/units/9999999999", Auth::Anonymous)
        .await?;
    unknown.expect_error(404, "unit_not_found", "GET /v1/units/<unknown code>")?;
    let Some(unit) = &setup.unit else {
        // No unit set loaded: the top level is empty and any digits are accepted as a unit.
        let top = setup.target.get("/v1/units", Auth::Anonymous).await?;
        top.expect_status(200, "GET /v1/units")?;
        return ensure(top.json["units"] == json!([]), || {
            format!(
                "GET /v1/units found no unit to descend to, yet lists {}",
                top.json
            )
        });
    };
    let one = setup
        .target
        .get(&format!("/v1/units/{}", unit.code), Auth::Anonymous)
        .await?;
    one.expect_status(200, "GET /v1/units/{code}")?;
    let read: Unit = serde_json::from_value(one.json)
        .map_err(|err| format!("GET /v1/units/{{code}}: not a Unit: {err}"))?;
    ensure(&read == unit, || {
        format!(
            "GET /v1/units/{}: {read:?} differs from its listing",
            unit.code
        )
    })?;
    if let Some(parent) = &unit.parent {
        let siblings = setup
            .target
            .get(&format!("/v1/units?parent={parent}"), Auth::Anonymous)
            .await?;
        siblings.expect_status(200, "GET /v1/units?parent=…")?;
        let list: UnitList = serde_json::from_value(siblings.json)
            .map_err(|err| format!("GET /v1/units?parent=…: {err}"))?;
        ensure(
            list.units.contains(unit)
                && list.units.iter().all(|u| u.parent.as_ref() == Some(parent)),
            || format!("GET /v1/units?parent={parent} does not list exactly its children"),
        )?;
    }
    let outside = setup
        .target
        .post(
            "/v1/venues",
            &json!({ "name": "Conformance nowhere", "unit_code": "9999999999" }),
            Auth::Admin,
        )
        .await?;
    outside.expect_error(400, "unit_not_found", "POST /v1/venues in an unknown unit")
}

async fn check_out(setup: &Setup) -> Result<(), String> {
    let (id, receipt) = checked_in(setup, &setup.venue.venue_code).await?;
    let path = format!("/v1/checkins/{id}/checkout");
    let first = setup
        .target
        .post(&path, &json!({}), Auth::Anonymous)
        .await?;
    first.expect_status(200, "POST /v1/checkins/{id}/checkout")?;
    let (entered, left) = (
        first.json["checked_in_at"].as_i64(),
        first.json["checked_out_at"].as_i64(),
    );
    ensure(
        first.json["id"] == id.to_string()
            && entered == receipt["checked_in_at"].as_i64()
            && left.zip(entered).is_some_and(|(out, inn)| out >= inn),
        || {
            format!(
                "check-out receipt does not match the check-in: {}",
                first.json
            )
        },
    )?;
    let again = setup
        .target
        .post(&path, &json!({}), Auth::Anonymous)
        .await?;
    again.expect_status(200, "POST /v1/checkins/{id}/checkout (again)")?;
    ensure(again.json == first.json, || {
        format!(
            "checking out twice moved the time: {} then {}",
            first.json, again.json
        )
    })?;
    let unknown = setup
        .target
        .post(
            &format!("/v1/checkins/{}/checkout", Uuid::new_v4()),
            &json!({}),
            Auth::Anonymous,
        )
        .await?;
    unknown.expect_error(404, "not_found", "POST /v1/checkins/<unknown id>/checkout")
}

/// Checks out `id` saying the visitor left at `left_at`; the answer's `checked_out_at`.
async fn checked_out_at(setup: &Setup, id: Uuid, left_at: i64) -> Result<i64, String> {
    let answer = setup
        .target
        .post(
            &format!("/v1/checkins/{id}/checkout"),
            &json!({ "left_at": left_at }),
            Auth::Anonymous,
        )
        .await?;
    answer.expect_status(200, "POST /v1/checkins/{id}/checkout with left_at")?;
    answer.json["checked_out_at"]
        .as_i64()
        .ok_or_else(|| format!("check-out receipt without checked_out_at: {}", answer.json))
}

/// The check-in time (server clock) of a receipt.
fn entered_at(receipt: &Value) -> Result<i64, String> {
    receipt["checked_in_at"]
        .as_i64()
        .ok_or_else(|| format!("receipt without checked_in_at: {receipt}"))
}

/// A late check-out (an offline outbox, an automatic one) records when the visitor left, kept
/// between the check-in and the backend's now.
async fn check_out_when_left(setup: &Setup) -> Result<(), String> {
    let code = &setup.venue.venue_code;
    let (id, receipt) = checked_in(setup, code).await?;
    let entered = entered_at(&receipt)?;
    // Let the backend's clock pass entered + 100 ms, so that time lies in its past.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let recorded = checked_out_at(setup, id, entered + 100).await?;
    ensure(recorded == entered + 100, || {
        format!(
            "left_at {} (after the check-in, before now) was recorded as {recorded}",
            entered + 100
        )
    })?;

    let (id, receipt) = checked_in(setup, code).await?;
    let entered = entered_at(&receipt)?;
    let recorded = checked_out_at(setup, id, entered - 3_600_000).await?;
    ensure(recorded == entered, || {
        format!("left_at an hour before the check-in at {entered} was recorded as {recorded}")
    })?;

    let started = std::time::Instant::now();
    let (id, receipt) = checked_in(setup, code).await?;
    let entered = entered_at(&receipt)?;
    let tomorrow = entered + 86_400_000;
    let recorded = checked_out_at(setup, id, tomorrow).await?;
    // The backend's now at the check-out is at most the time this took after the check-in
    // (a second of slack for clock granularity).
    let latest = entered + started.elapsed().as_millis() as i64 + 1_000;
    ensure((entered..=latest).contains(&recorded), || {
        format!(
            "left_at a day ahead ({tomorrow}) was recorded as {recorded}, not clamped to the \
             backend's now (between {entered} and {latest})"
        )
    })
}

/// A receipt may say how long a visit lasts (`default_stay_minutes`): if it does, a positive
/// whole number of minutes.
async fn receipt_default_stay(setup: &Setup) -> Result<(), String> {
    let (_, receipt) = checked_in(setup, &setup.venue.venue_code).await?;
    match &receipt["default_stay_minutes"] {
        Value::Null => Ok(()),
        minutes => ensure(
            minutes
                .as_u64()
                .is_some_and(|m| m > 0 && u32::try_from(m).is_ok()),
            || format!("default_stay_minutes is not a positive number of minutes: {minutes}"),
        ),
    }
}

async fn venue_activity(setup: &Setup) -> Result<(), String> {
    // A fresh venue, checked in at once: the report for its unit must count it.
    let answer = setup
        .target
        .post(
            "/v1/venues",
            &json!({ "name": "Conformance activity", "unit_code": setup.unit_code() }),
            Auth::Admin,
        )
        .await?;
    answer.expect_status(201, "POST /v1/venues")?;
    let quiet: RegisteredVenue =
        serde_json::from_value(answer.json).map_err(|err| format!("POST /v1/venues: {err}"))?;
    let path = format!("/v1/stats/venues?unit={}", setup.unit_code());
    let anonymous = setup.target.get(&path, Auth::Anonymous).await?;
    anonymous.expect_error(401, "unauthorized", "GET /v1/stats/venues (anonymous)")?;
    let before = setup.target.get(&path, Auth::Admin).await?;
    before.expect_status(200, "GET /v1/stats/venues")?;
    let count_of = |report: &Value| {
        report["venues"]
            .as_array()
            .and_then(|venues| {
                venues
                    .iter()
                    .find(|v| v["venue_id"] == json!(quiet.venue_id))
            })
            .and_then(|v| v["checkins"].as_u64())
    };
    ensure(count_of(&before.json) == Some(0), || {
        format!(
            "a venue without check-ins today is not listed with 0: {}",
            before.json
        )
    })?;
    ensure(
        before.json["venues_without_checkins"]
            .as_u64()
            .is_some_and(|n| n >= 1),
        || "venues_without_checkins does not count it".into(),
    )?;
    checked_in(setup, &quiet.venue_code).await?;
    let after = setup.target.get(&path, Auth::Admin).await?;
    after.expect_status(200, "GET /v1/stats/venues")?;
    ensure(count_of(&after.json) == Some(1), || {
        format!("the venue's check-in today is not counted: {}", after.json)
    })
}

async fn scoped_tokens(setup: &Setup) -> Result<(), String> {
    let issue = |body: Value| async move {
        let answer = setup
            .target
            .post("/v1/admin/tokens", &body, Auth::Admin)
            .await?;
        answer.expect_status(201, "POST /v1/admin/tokens")?;
        let token = answer.json["token"].as_str().map(str::to_owned);
        let id = answer.json["info"]["id"].as_u64();
        token
            .zip(id)
            .ok_or_else(|| format!("POST /v1/admin/tokens: no token and id in {}", answer.json))
    };
    let (officer, officer_id) = issue(json!({
        "role": "officer", "label": "Conformance officer", "unit_code": setup.unit_code()
    }))
    .await?;
    let (tracer, tracer_id) =
        issue(json!({ "role": "tracer", "label": "Conformance tracer" })).await?;
    let as_officer = Auth::Token(&officer);
    let stats = format!("/v1/stats/venues?unit={}", setup.unit_code());
    setup
        .target
        .get(&stats, as_officer)
        .await?
        .expect_status(200, "GET /v1/stats/venues as the unit's officer")?;
    setup
        .target
        .get("/v1/admin/tokens", as_officer)
        .await?
        .expect_error(403, "forbidden", "GET /v1/admin/tokens as an officer")?;
    let as_tracer = Auth::Token(&tracer);
    setup.target.get(&stats, as_tracer).await?.expect_error(
        403,
        "forbidden",
        "GET /v1/stats/venues as a tracer",
    )?;
    let listed = setup.target.get("/v1/admin/tokens", Auth::Admin).await?;
    listed.expect_status(200, "GET /v1/admin/tokens")?;
    ensure(!listed.json.to_string().contains(&officer), || {
        "GET /v1/admin/tokens shows a secret".into()
    })?;
    for id in [officer_id, tracer_id] {
        setup
            .target
            .post(
                &format!("/v1/admin/tokens/{id}/revoke"),
                &json!({}),
                Auth::Admin,
            )
            .await?
            .expect_status(200, "POST /v1/admin/tokens/{id}/revoke")?;
    }
    setup.target.get(&stats, as_officer).await?.expect_error(
        401,
        "unauthorized",
        "GET /v1/stats/venues with a revoked token",
    )
}

async fn contact_trace(setup: &Setup) -> Result<(), String> {
    let (id, receipt) = checked_in(setup, &setup.venue.venue_code).await?;
    let at = receipt["checked_in_at"].as_i64().unwrap_or(0);
    let path = |purpose: &str| {
        format!(
            "/v1/trace?venue_id={}&from={}&to={}{purpose}",
            setup.venue.venue_id,
            at - 60_000,
            at + 60_000
        )
    };
    setup
        .target
        .get(&path("&purpose=conformance"), Auth::Anonymous)
        .await?
        .expect_error(401, "unauthorized", "GET /v1/trace (anonymous)")?;
    setup
        .target
        .get(&path(""), Auth::Admin)
        .await?
        .expect_error(400, "validation_failed", "GET /v1/trace without a purpose")?;
    let purpose = format!(
        "conformance trace {}",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let traced = setup
        .target
        .get(
            &path(&format!("&purpose={}", purpose.replace(' ', "%20"))),
            Auth::Admin,
        )
        .await?;
    traced.expect_status(200, "GET /v1/trace")?;
    let found = traced.json["checkins"]
        .as_array()
        .is_some_and(|list| list.iter().any(|c| c["receipt"]["id"] == id.to_string()));
    ensure(found, || {
        format!("the trace does not list the visit: {}", traced.json)
    })?;
    let log = setup
        .target
        .get(&format!("/v1/admin/checkins/{id}/accesses"), Auth::Admin)
        .await?;
    log.expect_status(200, "GET /v1/admin/checkins/{id}/accesses")?;
    ensure(
        log.json["accesses"]
            .as_array()
            .is_some_and(|list| list.iter().any(|a| a["purpose"] == purpose.as_str())),
        || "the trace's read of the check-in is not in its audit log".into(),
    )
}
