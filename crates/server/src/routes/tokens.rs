//! Issuing and revoking the tokens of officers, tracers, venue staff and further administrators
//! (administrators only). A secret is shown once, when issued; the store keeps its hash.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use vaora_protocol::api::{error_code, IssuedToken, Role, TokenList, TokenRequest};

use crate::app::{now_ms, AppState};
use crate::auth::{self, principal};
use crate::error::{ApiFailure, ApiJson};
use crate::store::NewToken;
use crate::units;

const LABEL_MAX_CHARS: usize = 80;

fn invalid(why: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why)
}

/// `POST /v1/admin/tokens`.
pub async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    let label = request
        .label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let chars = label.chars().count();
    if !(2..=LABEL_MAX_CHARS).contains(&chars) || label.chars().any(char::is_control) {
        return Err(invalid("label must have 2 to 80 characters"));
    }
    match (request.role, &request.unit_code, request.venue_id) {
        (Role::Officer, Some(unit), None) => {
            let known = units::is_unit_code(unit)
                && (state.store.unit_count().await? == 0
                    || state.store.unit(unit.clone()).await?.is_some());
            if !known {
                return Err(ApiFailure::new(
                    StatusCode::BAD_REQUEST,
                    error_code::UNIT_NOT_FOUND,
                    "unit_code names no administrative unit",
                ));
            }
        }
        (Role::VenueStaff, None, Some(venue)) => {
            if state.store.venue_by_id(venue).await?.is_none() {
                return Err(invalid("venue_id names no venue"));
            }
        }
        (Role::Admin | Role::Tracer, None, None) => {}
        _ => {
            return Err(invalid(
                "officers need unit_code, venue staff need venue_id, other roles neither",
            ))
        }
    }
    let secret = auth::new_secret()?;
    let info = state
        .store
        .insert_token(
            auth::hash(&secret),
            NewToken {
                role: request.role,
                label,
                unit_code: request.unit_code,
                venue_id: request.venue_id,
                created_at: now_ms(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            token: secret,
            info,
        }),
    ))
}

/// `GET /v1/admin/tokens`: every token, without secrets.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<TokenList>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    Ok(Json(TokenList {
        tokens: state.store.tokens().await?,
    }))
}

/// `POST /v1/admin/tokens/{id}/revoke`: the token stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<TokenList>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    let not_found = || {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no such token",
        )
    };
    let id: u64 = id.parse().map_err(|_| not_found())?;
    if !state.store.revoke_token(id, now_ms()).await? {
        return Err(not_found());
    }
    Ok(Json(TokenList {
        tokens: state.store.tokens().await?,
    }))
}
