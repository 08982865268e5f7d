//! `GET /v1/trace?venue_id=…&from=…&to=…&purpose=…`: contact tracing — everyone whose visit to a
//! venue overlaps a period, with their declarations. Tracers and administrators only; every
//! check-in handed out is in the audit log, under the stated purpose, before the answer leaves.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{
    error_code, AccessRecord, Role, TraceReport, PURPOSE_MAX_CHARS, TRACE_MAX_CHECKINS,
};

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::ApiFailure;

/// Longest period one trace may cover (a case's exposure window is 14 days).
const MAX_PERIOD_MS: i64 = 31 * 86_400_000;

#[derive(Deserialize)]
pub struct TraceQuery {
    venue_id: u64,
    from: i64,
    to: i64,
    #[serde(default)]
    purpose: String,
}

fn invalid(why: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why)
}

pub async fn trace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TraceQuery>,
) -> Result<Json<TraceReport>, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Tracer])?;
    let purpose = query
        .purpose
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if purpose.is_empty() || purpose.chars().count() > PURPOSE_MAX_CHARS {
        return Err(invalid("state why: ?purpose=… (1 to 200 characters)"));
    }
    if query.from >= query.to || query.to - query.from > MAX_PERIOD_MS {
        return Err(invalid("the period must be non-empty and at most 31 days"));
    }
    if state.store.venue_by_id(query.venue_id).await?.is_none() {
        return Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::VENUE_NOT_FOUND,
            "no venue has this id",
        ));
    }
    let mut checkins = state
        .store
        .checkins_at(
            query.venue_id,
            query.from,
            query.to,
            TRACE_MAX_CHECKINS as u32 + 1,
        )
        .await?;
    let truncated = checkins.len() > TRACE_MAX_CHECKINS;
    checkins.truncate(TRACE_MAX_CHECKINS);
    let at = now_ms();
    let accesses = checkins
        .iter()
        .map(|record| AccessRecord {
            at,
            checkin_id: record.receipt.id,
            actor: caller.actor.clone(),
            purpose: purpose.clone(),
            case_reference: None,
        })
        .collect();
    state.store.record_accesses(accesses).await?;
    Ok(Json(TraceReport {
        venue_id: query.venue_id,
        from: query.from,
        to: query.to,
        checkins,
        truncated,
    }))
}
