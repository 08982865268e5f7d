//! HTTP handlers, one module per resource.

pub mod admin;
pub mod cases;
pub mod checkins;
pub mod forms;
pub mod reports;
pub mod staff;
pub mod stats;
pub mod tokens;
pub mod trace;
pub mod trust;
pub mod units;
pub mod venues;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use vaora_protocol::api::{error_code, ClientConfig};

use crate::app::AppState;
use crate::error::ApiFailure;

/// The protocol this server speaks, as OpenAPI 3.1 (the repository's source of truth).
pub const OPENAPI_JSON: &str = include_str!("../../../protocol/openapi.json");

/// `GET /v1/openapi.json`.
pub async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON,
    )
}

/// Liveness probe.
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// What the page needs to verify venue codes offline: this server's public key.
pub async fn client_config(State(state): State<AppState>) -> Json<ClientConfig> {
    Json(ClientConfig {
        endpoint: String::new(),
        trusted_keys: state.trust.snapshot().trusted.clone(),
    })
}

/// Unknown API paths answer in the protocol's error shape, not with the app's HTML.
pub async fn not_found() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        error_code::NOT_FOUND,
        "no such endpoint",
    )
}
