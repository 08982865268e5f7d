//! Keys, revocation and the programme's state: public reads (`GET /v1/keys`, `GET
//! /v1/programme`) and the administrator's changes, which apply on this process at once and on
//! the others within [`crate::trust::REFRESH_EVERY`].

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use vaora_protocol::api::{error_code, KeySet, ProgrammeStatus, RevokedVenue, Role};
use vaora_protocol::venue_code::KeyId;

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::{ApiFailure, ApiJson};

/// Every signing key with its status: clients trust codes from active and retired keys.
pub async fn keys(State(state): State<AppState>) -> Json<KeySet> {
    Json(KeySet {
        keys: state.trust.snapshot().keys.clone(),
    })
}

/// Whether the programme runs, and what pages should say if not.
pub async fn programme(State(state): State<AppState>) -> Json<ProgrammeStatus> {
    Json(state.trust.snapshot().programme.clone())
}

/// Switches the programme off (or on again), with a message for pages.
pub async fn set_programme(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(status): ApiJson<ProgrammeStatus>,
) -> Result<Json<ProgrammeStatus>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    let status = ProgrammeStatus {
        since: now_ms(),
        ..status
    };
    state.store.set_programme(status.clone()).await?;
    state.trust.refresh(&state.store).await?;
    Ok(Json(status))
}

/// Revokes a signing key: nothing it signed is accepted any more.
pub async fn revoke_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kid): Path<String>,
) -> Result<Json<KeySet>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    let not_found = || ApiFailure::new(StatusCode::NOT_FOUND, error_code::NOT_FOUND, "no such key");
    let kid: KeyId = kid.parse().map_err(|_| not_found())?;
    if !state.store.revoke_key(kid, now_ms()).await? {
        return Err(not_found());
    }
    state.trust.refresh(&state.store).await?;
    Ok(Json(KeySet {
        keys: state.trust.snapshot().keys.clone(),
    }))
}

/// Withdraws a venue: its code and short code are refused from now on.
pub async fn revoke_venue(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(venue_id): Path<String>,
) -> Result<Json<RevokedVenue>, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    let not_found = || {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no such venue",
        )
    };
    let venue_id: u64 = venue_id.parse().map_err(|_| not_found())?;
    // Officers withdraw the venues of their unit; administrators any.
    let venue = state
        .store
        .venue_by_id(venue_id)
        .await?
        .ok_or_else(not_found)?;
    caller.require_unit(&state, &venue.unit_code).await?;
    if !state.store.revoke_venue(venue_id, now_ms()).await? {
        return Err(not_found());
    }
    let revoked_at = state
        .store
        .venue_by_id(venue_id)
        .await?
        .and_then(|venue| venue.revoked_at)
        .ok_or_else(ApiFailure::internal)?;
    Ok(Json(RevokedVenue {
        venue_id,
        revoked_at,
    }))
}
