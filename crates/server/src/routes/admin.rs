//! Authorised reads of stored check-ins (personal data) with the admin bearer token.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use vaora_protocol::api::error_code;

use crate::app::AppState;
use crate::error::ApiFailure;
use crate::store::CheckInRow;

pub(crate) fn authorise(state: &AppState, headers: &HeaderMap) -> Result<(), ApiFailure> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match presented {
        Some(token) if constant_time_eq(token.as_bytes(), state.admin_token.as_bytes()) => Ok(()),
        _ => Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            error_code::UNAUTHORIZED,
            "a valid bearer token is required",
        )),
    }
}

/// Compares secrets without an early exit that would leak their common prefix length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One check-in with its declaration.
pub async fn checkin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CheckInRow>, ApiFailure> {
    authorise(&state, &headers)?;
    let not_found = || {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no check-in has this id",
        )
    };
    let id = uuid::Uuid::parse_str(&id).map_err(|_| not_found())?;
    state
        .store
        .checkin_by_id(id)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}
