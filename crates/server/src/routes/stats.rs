//! Activity reports for officers: which venues in a unit had how many check-ins — the ward
//! officer's daily question is which venues had none. Counts only, no personal data.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{error_code, Role, VenueActivityReport};

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::ApiFailure;
use crate::local_day::start_of_local_day;
use crate::units;

#[derive(Deserialize)]
pub struct Period {
    unit: String,
    from: Option<i64>,
    to: Option<i64>,
}

/// `GET /v1/stats/venues?unit=CODE[&from=MS&to=MS]`; the period defaults to today so far
/// (Vietnam time).
pub async fn venues(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(Period { unit, from, to }): Query<Period>,
) -> Result<Json<VenueActivityReport>, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Officer, Role::VenueStaff])?;
    if !units::is_unit_code(&unit) {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            "unit must be a unit code",
        ));
    }
    if state.store.unit_count().await? > 0 && state.store.unit(unit.clone()).await?.is_none() {
        return Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::UNIT_NOT_FOUND,
            "no administrative unit has this code",
        ));
    }
    let now = now_ms();
    let to = to.unwrap_or(now);
    let from = from.unwrap_or_else(|| start_of_local_day(now));
    if from >= to {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            "from must be before to",
        ));
    }
    let mut venues = state.store.venue_activity(unit.clone(), from, to).await?;
    match caller.role {
        // Venue staff see their own venue only.
        Role::VenueStaff => venues.retain(|v| Some(v.venue_id) == caller.venue),
        _ => caller.require_unit(&state, &unit).await?,
    }
    let venues_without_checkins = venues
        .iter()
        .filter(|v| v.checkins == 0 && !v.revoked)
        .count() as u64;
    Ok(Json(VenueActivityReport {
        unit_code: unit,
        from,
        to,
        venues_without_checkins,
        venues,
    }))
}
