//! What the API integration tests share: sending a request to the router and reading its JSON,
//! and a fresh SQLite store.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use vaora_server::store::{self, Store};

/// Sends `request` and returns the status and the body as JSON (`Null` when it is not JSON).
pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("answer");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `method path`, with a bearer `token` if any and `body` as JSON if any.
pub async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
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
    send(app, request).await
}

/// A store on a new SQLite file in `dir`.
pub async fn sqlite(dir: &tempfile::TempDir) -> Store {
    let path = dir.path().join("vaora.sqlite");
    store::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("open")
}

/// A declaration answering the reference form (version 1) for `full_name` with `phone`.
pub fn declaration(full_name: &str, phone: &str) -> Value {
    json!({
        "form_version": 1,
        "answers": {
            "full_name": full_name,
            "birth_year": 1990,
            "gender": "female",
            "nationality": "Việt Nam",
            "residence_unit": "01",
            "address": "12 Hàng Bạc",
            "phone": phone,
            "symptoms": ["cough"],
            "contact_case": false,
            "contact_affected_country": false,
            "contact_symptomatic": false,
            "consent": true
        }
    })
}
