//! Authorised reads of stored check-ins (personal data: administrators and tracers, each read
//! audited with its purpose) and of the retention purges.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{error_code, AccessLog, AccessRecord, PurgeLog, Role, PURPOSE_MAX_CHARS};

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::ApiFailure;
use crate::store::CheckInRow;

fn checkin_not_found() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        error_code::NOT_FOUND,
        "no check-in has this id",
    )
}

/// `?purpose=…`: why personal data is read (a case number, …), kept in the audit log.
#[derive(Deserialize)]
pub struct Purpose {
    #[serde(default)]
    purpose: String,
}

/// One check-in with its declaration. The read is recorded in the audit log, with its stated
/// purpose, before the data leaves the server.
pub async fn checkin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(Purpose { purpose }): Query<Purpose>,
) -> Result<Json<CheckInRow>, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Tracer])?;
    let purpose = purpose.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = purpose.chars().count();
    if length == 0 || length > PURPOSE_MAX_CHARS {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            "state why the data is read: ?purpose=… (1 to 200 characters)",
        ));
    }
    let id = uuid::Uuid::parse_str(&id).map_err(|_| checkin_not_found())?;
    let row = state
        .store
        .checkin_by_id(id)
        .await?
        .ok_or_else(checkin_not_found)?;
    state
        .store
        .record_access(AccessRecord {
            at: now_ms(),
            checkin_id: id,
            actor: caller.actor,
            purpose,
            case_reference: None,
        })
        .await?;
    Ok(Json(row))
}

/// Every recorded read of one check-in's personal data.
pub async fn accesses(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<AccessLog>, ApiFailure> {
    principal(&state, &headers)
        .await?
        .require(&[Role::Admin, Role::Tracer])?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| checkin_not_found())?;
    Ok(Json(AccessLog {
        accesses: state.store.accesses(id).await?,
    }))
}

/// The latest retention purges: proof that old check-ins are deleted.
pub async fn purges(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PurgeLog>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    Ok(Json(PurgeLog {
        retention_days: state.retention_days,
        purges: state.store.purges(50).await?,
    }))
}
