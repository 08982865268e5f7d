//! `POST /v1/venues`: an administrator registers a venue and gets its signed code.
//! `GET /v1/venues/{short_code}`: the public part of a venue, for people who type the code
//! printed under the poster; and its printable poster.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use vaora_protocol::api::{
    error_code, KeyStatus, RegisteredVenue, Role, VenueLookup, VenueRegistration,
};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code;

use crate::app::AppState;
use crate::auth::principal;
use crate::error::{ApiFailure, ApiJson};
use crate::seed;
use crate::store::VenueRow;

async fn find(state: &AppState, raw: &str) -> Result<VenueRow, ApiFailure> {
    let code = ShortCode::parse(raw).map_err(|err| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            format!("short code: {}", err.code()),
        )
    })?;
    let venue = state
        .store
        .venue_by_short_code(code)
        .await?
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                error_code::VENUE_NOT_FOUND,
                "no venue has this code",
            )
        })?;
    if venue.revoked_at.is_some() {
        return Err(ApiFailure::new(
            StatusCode::GONE,
            error_code::VENUE_REVOKED,
            "this venue was withdrawn; its posters no longer work",
        ));
    }
    Ok(venue)
}

/// Registers a venue (administrators only): picks its id and short code and signs its code.
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VenueRegistration>,
) -> Result<(StatusCode, Json<RegisteredVenue>), ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Officer])?;
    if state.trust.snapshot().status_of(state.signer.key_id()) == Some(KeyStatus::Revoked) {
        return Err(ApiFailure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            error_code::KEY_REVOKED,
            "this server's signing key is revoked: restart it with a new key to register venues",
        ));
    }
    let request = request.normalized().map_err(|problem| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            problem,
        )
    })?;
    // Once units are loaded, a venue must be in one of them.
    if state.store.unit_count().await? > 0
        && state.store.unit(request.unit_code.clone()).await?.is_none()
    {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::UNIT_NOT_FOUND,
            "unit_code names no administrative unit",
        ));
    }
    // Officers register venues in their own unit and below it.
    caller.require_unit(&state, &request.unit_code).await?;
    let venue = seed::register_venue(
        &state.store,
        &state.signer,
        &request.name,
        &request.unit_code,
    )
    .await?;
    let poster_url = venue_code::poster_url(&state.public_url, &venue.venue_code);
    Ok((
        StatusCode::CREATED,
        Json(RegisteredVenue {
            venue_id: venue.id,
            name: venue.name,
            unit_code: venue.unit_code,
            short_code: venue.short_code,
            venue_code: venue.venue_code,
            poster_url,
        }),
    ))
}

/// Public venue data including its signed code, which the page verifies itself.
pub async fn lookup(
    State(state): State<AppState>,
    Path(short_code): Path<String>,
) -> Result<Json<VenueLookup>, ApiFailure> {
    let venue = find(&state, &short_code).await?;
    Ok(Json(VenueLookup {
        venue_id: venue.id,
        name: venue.name,
        unit_code: venue.unit_code,
        short_code: venue.short_code,
        venue_code: venue.venue_code,
    }))
}

/// A printable A4 poster (SVG) with the venue's QR.
pub async fn poster(
    State(state): State<AppState>,
    Path(short_code): Path<String>,
) -> Result<impl IntoResponse, ApiFailure> {
    let venue = find(&state, &short_code).await?;
    let url = venue_code::poster_url(&state.public_url, &venue.venue_code);
    let svg = crate::poster::render(&venue, &url).map_err(|_| ApiFailure::internal())?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    ))
}
