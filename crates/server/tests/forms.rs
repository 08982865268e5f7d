//! The declaration form as data, through the HTTP API on a real SQLite store: the reference
//! form is served until an administrator publishes a new version, which must pass the
//! protocol's checks and go up; every published version stays readable at its own URL.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use vaora_protocol::form::{DeclarationForm, Question, QuestionKind, Text};
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};

const ADMIN: &str = "forms-test-token";

async fn start(dir: &tempfile::TempDir) -> Router {
    let store = common::sqlite(dir).await;
    router(
        AppState::new(store, VenueSigner::generate(), ADMIN, "http://vaora.test"),
        None,
    )
}

fn form(value: &Value) -> DeclarationForm {
    serde_json::from_value(value.clone()).expect("a declaration form")
}

/// The reference form with a yes/no question added, as version `version`.
fn with_vaccination(reference: &DeclarationForm, version: u32) -> DeclarationForm {
    let mut next = reference.clone();
    next.version = version;
    next.questions.insert(
        3,
        Question {
            id: "vaccinated".into(),
            kind: QuestionKind::YesNo,
            label: Text::vi_en("Anh/chị đã tiêm vắc-xin chưa?", "Have you been vaccinated?"),
            help: None,
            required: true,
            show_if: None,
        },
    );
    next
}

async fn publish(app: &Router, token: Option<&str>, form: &DeclarationForm) -> (StatusCode, Value) {
    let body = serde_json::to_value(form).expect("json");
    common::call(app, "PUT", "/v1/admin/declaration-form", token, Some(body)).await
}

#[tokio::test]
async fn the_reference_form_is_served_until_a_new_version_is_published() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(&dir).await;

    let (status, current) = common::call(&app, "GET", "/v1/declaration-form", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let reference = form(&current);
    assert_eq!(reference.version, 1);
    assert_eq!(reference.check(), Ok(()));
    let (status, first) = common::call(&app, "GET", "/v1/declaration-form/1", None, None).await;
    assert_eq!((status, form(&first)), (StatusCode::OK, reference.clone()));

    // Only an administrator publishes, and only upwards.
    let v2 = with_vaccination(&reference, 2);
    assert_eq!(publish(&app, None, &v2).await.0, StatusCode::UNAUTHORIZED);
    let (status, published) = publish(&app, Some(ADMIN), &v2).await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    let (status, again) = publish(&app, Some(ADMIN), &v2).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("form_version_conflict"))
    );
    let v1 = with_vaccination(&reference, 1);
    assert_eq!(
        publish(&app, Some(ADMIN), &v1).await.0,
        StatusCode::CONFLICT
    );

    let (_, current) = common::call(&app, "GET", "/v1/declaration-form", None, None).await;
    assert_eq!(form(&current), v2);
    // A returning visitor who answered version 1 is asked only the new question.
    let new: Vec<String> = v2
        .new_since(&reference)
        .iter()
        .map(|q| q.id.clone())
        .collect();
    assert_eq!(new, ["vaccinated"]);
    // Both versions stay readable, for check-ins that answered either.
    let (_, first) = common::call(&app, "GET", "/v1/declaration-form/1", None, None).await;
    assert_eq!(form(&first), reference);
    let (_, second) = common::call(&app, "GET", "/v1/declaration-form/2", None, None).await;
    assert_eq!(form(&second), v2);
    let (status, missing) = common::call(&app, "GET", "/v1/declaration-form/7", None, None).await;
    assert_eq!(
        (status, missing["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("form_not_found"))
    );
}

#[tokio::test]
async fn a_form_that_breaks_the_protocol_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(&dir).await;
    let (_, current) = common::call(&app, "GET", "/v1/declaration-form", None, None).await;
    let mut no_phone = with_vaccination(&form(&current), 2);
    no_phone.questions.retain(|q| q.id != "phone");
    let (status, refused) = publish(&app, Some(ADMIN), &no_phone).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("form_invalid"))
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("phone")),
        "{refused}"
    );
    let (status, refused) = common::call(
        &app,
        "PUT",
        "/v1/admin/declaration-form",
        Some(ADMIN),
        Some(serde_json::json!({ "version": 2, "questions": [{ "id": "x" }] })),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_json"))
    );
}

#[tokio::test]
async fn the_form_is_revalidated_by_its_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = start(&dir).await;
    let get = |path: &str, tag: Option<&str>| {
        let mut request = Request::builder().uri(path);
        if let Some(tag) = tag {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        request.body(Body::empty()).expect("request")
    };
    let response = tower::ServiceExt::oneshot(app.clone(), get("/v1/declaration-form", None))
        .await
        .expect("answer");
    assert_eq!(response.headers()[header::ETAG], "\"1\"");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    let response =
        tower::ServiceExt::oneshot(app.clone(), get("/v1/declaration-form", Some("\"1\"")))
            .await
            .expect("answer");
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    let response = tower::ServiceExt::oneshot(app.clone(), get("/v1/declaration-form/1", None))
        .await
        .expect("answer");
    assert!(response.headers()[header::CACHE_CONTROL]
        .to_str()
        .is_ok_and(|cache| cache.contains("immutable")));
}
