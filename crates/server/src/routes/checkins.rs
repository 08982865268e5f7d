//! `POST /v1/checkins`: verify the venue code, validate the declaration (its unit answers against
//! the loaded unit list), store once per id; `POST /v1/checkins/{id}/checkout`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use vaora_protocol::api::{
    error_code, CheckInRequest, CheckOutReceipt, CheckOutRequest, ProgrammeState,
};
use vaora_protocol::declaration::Declaration;

use crate::app::{now_ms, AppState};
use crate::error::{ApiFailure, ApiJson};
use crate::store::{InsertOutcome, NewCheckIn};
use crate::verified::Refusal;

/// Set on the answer to a retried request that was already stored.
pub const REPLAYED_HEADER: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Creates a check-in; the same id twice yields one row and the same answer.
pub async fn create(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CheckInRequest>,
) -> Result<Response, ApiFailure> {
    let now = now_ms();
    let trust = state.trust.snapshot();
    if trust.programme.state == ProgrammeState::SwitchedOff {
        return Err(programme_switched_off());
    }
    let claims = state
        .codes
        .verify(&request.venue_code, &trust, (now / 1000) as u64)
        .map_err(|refusal| match refusal {
            Refusal::KeyRevoked => ApiFailure::new(
                StatusCode::BAD_REQUEST,
                error_code::KEY_REVOKED,
                "the venue code is signed by a revoked key",
            ),
            Refusal::Invalid(err) => ApiFailure::new(
                StatusCode::BAD_REQUEST,
                error_code::VENUE_CODE_INVALID,
                format!("venue code rejected: {} ({err})", err.code()),
            ),
        })?;

    let declaration = validated(&state, request.declaration, now).await?;

    let venue = state
        .store
        .venue_by_id(claims.venue_id)
        .await?
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                error_code::VENUE_NOT_FOUND,
                "this venue is not registered here",
            )
        })?;
    if venue.revoked_at.is_some() {
        return Err(venue_revoked());
    }

    let outcome = state
        .store
        .insert_checkin(NewCheckIn {
            id: request.id,
            venue,
            declaration,
            client_time: request.client_time,
            received_at: now,
        })
        .await?;
    match outcome {
        InsertOutcome::Created(receipt) => Ok((StatusCode::CREATED, Json(receipt)).into_response()),
        InsertOutcome::Replayed(receipt) => Ok((
            StatusCode::CREATED,
            [(REPLAYED_HEADER, HeaderValue::from_static("true"))],
            Json(receipt),
        )
            .into_response()),
        InsertOutcome::Conflict => Err(ApiFailure::new(
            StatusCode::CONFLICT,
            error_code::IDEMPOTENCY_CONFLICT,
            "this check-in id was already used for a different check-in",
        )),
    }
}

/// 410: the programme is switched off, so no check-in is taken.
pub(crate) fn programme_switched_off() -> ApiFailure {
    ApiFailure::new(
        StatusCode::GONE,
        error_code::PROGRAMME_SWITCHED_OFF,
        "the check-in programme is switched off",
    )
}

/// 410: the venue was withdrawn.
pub(crate) fn venue_revoked() -> ApiFailure {
    ApiFailure::new(
        StatusCode::GONE,
        error_code::VENUE_REVOKED,
        "this venue was withdrawn; its posters no longer work",
    )
}

/// A declaration checked against the form version it answers (its unit answers against the
/// loaded units), normalised: what a check-in stores, whoever sent it.
pub(crate) async fn validated(
    state: &AppState,
    declaration: Declaration,
    now: i64,
) -> Result<Declaration, ApiFailure> {
    let form_version = declaration.form_version;
    let form = state
        .forms
        .get(&state.store, form_version)
        .await?
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::BAD_REQUEST,
                error_code::FORM_NOT_FOUND,
                "the declaration answers a form version this server does not have",
            )
        })?;
    let answers = form
        .validate(&declaration.answers, current_year(now))
        .map_err(ApiFailure::validation)?;
    let unknown_units = state
        .unit_codes
        .unknown_answers(&state.store, &form, &answers)
        .await?;
    if !unknown_units.is_empty() {
        return Err(ApiFailure::validation(unknown_units));
    }
    Ok(Declaration {
        form_version,
        answers,
    })
}

/// `POST /v1/checkins/{id}/checkout`: the device that checked in (it alone knows the random
/// id) records leaving, now or at the optional body's `left_at` (never later than now, never
/// earlier than the check-in). Checking out again answers the first time.
pub async fn check_out(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CheckOutReceipt>, ApiFailure> {
    let not_found = || {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no check-in has this id",
        )
    };
    let id = uuid::Uuid::parse_str(&id).map_err(|_| not_found())?;
    let request: CheckOutRequest = optional_body(body)?;
    let now = now_ms();
    // The store keeps the time at or after the check-in; a device clock ahead of ours is
    // clamped here.
    let left_at = request.left_at.map_or(now, |left_at| left_at.min(now));
    let (checked_in_at, checked_out_at) = state
        .store
        .check_out(id, left_at)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(CheckOutReceipt {
        id,
        checked_in_at,
        checked_out_at,
    }))
}

/// An optional JSON body (a check-out's, closing a venue's day): none (or only whitespace) is
/// the default request. It is read as JSON whatever its `Content-Type`, so a page may send it
/// with `navigator.sendBeacon` (a string is sent as `text/plain`) or without a CORS preflight.
pub(crate) fn optional_body<T: DeserializeOwned + Default>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiFailure> {
    let body = body.map_err(|rejection| {
        let (status, code) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (StatusCode::PAYLOAD_TOO_LARGE, error_code::BODY_TOO_LARGE)
        } else {
            (StatusCode::BAD_REQUEST, error_code::INVALID_JSON)
        };
        ApiFailure::new(status, code, rejection.body_text())
    })?;
    if body.trim_ascii().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(&body).map_err(|err| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::INVALID_JSON,
            format!("the body is not a {}: {err}", short_type_name::<T>()),
        )
    })
}

/// `vaora_protocol::api::CheckOutRequest` → `CheckOutRequest`, for error messages.
fn short_type_name<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// Gregorian year of a unix-ms instant (UTC), for the birth-year bound.
pub(crate) fn current_year(unix_ms: i64) -> u16 {
    // Civil-from-days (Howard Hinnant), enough to avoid a date crate for one number.
    let days = unix_ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    u16::try_from(year).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::current_year;

    #[test]
    fn year_of_known_instants() {
        assert_eq!(current_year(0), 1970);
        assert_eq!(current_year(1_704_067_199_000), 2023); // 2023-12-31T23:59:59Z
        assert_eq!(current_year(1_704_067_200_000), 2024);
        assert_eq!(current_year(1_795_000_000_000), 2026);
    }
}
