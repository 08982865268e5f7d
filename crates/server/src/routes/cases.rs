//! Tracing a case and its audit trail: `POST /v1/trace/cases` (tracers and administrators; JSON,
//! or CSV for calling), `GET /v1/admin/trace/cases` (the log of case queries) and, for citizens,
//! `GET /v1/checkins/{id}/accesses` (when their check-in was read and for which case, never by
//! whom). A case query names its case, is limited per token, and is logged with every check-in
//! it hands out before the answer leaves.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{error_code, AccessRecord, Role};
use vaora_protocol::form::Answer;
use vaora_protocol::person_key::PersonKey;
use vaora_protocol::tracing::{
    mask_person_key, CaseQueryLog, CaseQueryRecord, CaseTrace, CaseTraceRequest, CheckInRead,
    CheckInReads, AFTER_MINUTES_MAX, CASE_REFERENCE_MAX_CHARS, CASE_WINDOW_MAX_DAYS,
};

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::case_trace;
use crate::error::ApiFailure;
use crate::poster::local_date_time;

/// What the audit log's `purpose` says for a case trace (the reference is a field of its own).
pub const CASE_TRACE_PURPOSE: &str = "case trace";

fn invalid(why: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why)
}

/// `?format=csv` asks for the calling list instead of JSON.
#[derive(Default, Deserialize)]
pub struct Format {
    #[serde(default)]
    format: Option<String>,
}

fn wants_csv(format: &Format, headers: &HeaderMap) -> bool {
    format.format.as_deref() == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv"))
}

/// The body, checked: the case reference (whitespace collapsed), the case's person key, the
/// window and the after-window.
fn checked(body: &[u8]) -> Result<(CaseTraceRequest, PersonKey), ApiFailure> {
    let mut request: CaseTraceRequest = serde_json::from_slice(body).map_err(|err| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::INVALID_JSON,
            format!("the body is not a case trace request: {err}"),
        )
    })?;
    request.case_reference = request
        .case_reference
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let length = request.case_reference.chars().count();
    if length == 0 || length > CASE_REFERENCE_MAX_CHARS {
        return Err(invalid(
            "name the case: case_reference (1 to 100 characters, e.g. BN-12345)",
        ));
    }
    let key = PersonKey::parse(&request.identifier).ok_or_else(|| {
        invalid("identifier is neither a phone number (0912345678) nor an ID number (9 or 12 digits, or a passport number)")
    })?;
    if request.from >= request.to || request.to - request.from > CASE_WINDOW_MAX_DAYS * 86_400_000 {
        return Err(invalid(
            "the window (from, to) must be non-empty and at most 31 days",
        ));
    }
    if request.after_minutes > AFTER_MINUTES_MAX {
        return Err(invalid("after_minutes must be 0 to 1440"));
    }
    Ok((request, key))
}

fn rate_limited(wait: std::time::Duration) -> Response {
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let mut response = ApiFailure::new(
        StatusCode::TOO_MANY_REQUESTS,
        error_code::RATE_LIMITED,
        "too many case traces from this token; retry later",
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `POST /v1/trace/cases`: the case's visits and everyone co-present, as JSON or CSV.
pub async fn trace_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(format): Query<Format>,
    body: Bytes,
) -> Result<Response, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Tracer])?;
    let (request, key) = checked(&body)?;
    if let Err(wait) = state.case_queries.take(&caller.actor) {
        return Ok(rate_limited(wait));
    }
    let traced = case_trace::trace(
        &state.store,
        &key,
        request.from,
        request.to,
        request.after_minutes,
    )
    .await?;
    let at = now_ms();
    let handed_out = traced
        .visits
        .iter()
        .map(|visit| &visit.record)
        .chain(traced.contacts.iter().map(|contact| &contact.record));
    // One access per check-in handed out, even when it is a contact of two visits.
    let mut seen = std::collections::HashSet::new();
    let accesses = handed_out
        .filter(|record| seen.insert(record.receipt.id))
        .map(|record| AccessRecord {
            at,
            checkin_id: record.receipt.id,
            actor: caller.actor.clone(),
            purpose: CASE_TRACE_PURPOSE.into(),
            case_reference: Some(request.case_reference.clone()),
        })
        .collect();
    let query = CaseQueryRecord {
        at,
        actor: caller.actor.clone(),
        case_reference: request.case_reference.clone(),
        identifier: mask_person_key(&key.to_string()),
        from: request.from,
        to: request.to,
        after_minutes: request.after_minutes,
        visits: traced.visits.len() as u32,
        contacts: traced.contacts.len() as u32,
    };
    state.store.record_case_trace(query, accesses).await?;
    let trace = CaseTrace {
        case_reference: request.case_reference,
        from: request.from,
        to: request.to,
        after_minutes: request.after_minutes,
        visits: traced.visits,
        contacts: traced.contacts,
        truncated: traced.truncated,
    };
    Ok(if wants_csv(&format, &headers) {
        csv_response(&trace)
    } else {
        Json(trace).into_response()
    })
}

/// A spreadsheet must not run a cell as a formula: those that could start one get a `'`.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn answer_text(record: &vaora_protocol::api::CheckInRecord, question: &str) -> String {
    match record.declaration.answers.get(question) {
        Some(Answer::Text(text)) => text.clone(),
        _ => String::new(),
    }
}

/// The calling list: one row per contact, longest overlap first, times in Vietnam.
pub fn calling_list_csv(trace: &CaseTrace) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "Stt",
        "Họ tên",
        "Điện thoại",
        "Địa điểm",
        "Vào",
        "Ra",
        "Trùng (phút)",
        "Lượt của ca bệnh",
    ];
    // Writing to memory fails only on a bug; an empty answer would still be safe.
    let _ = writer.write_record(header);
    for (index, contact) in trace.contacts.iter().enumerate() {
        let visit = trace
            .visits
            .iter()
            .position(|visit| visit.record.receipt.id == contact.case_checkin_id);
        let visit_text = visit.map_or(String::new(), |n| {
            format!(
                "{} ({})",
                n + 1,
                local_date_time(trace.visits[n].record.receipt.checked_in_at)
            )
        });
        let row = [
            (index + 1).to_string(),
            answer_text(&contact.record, "full_name"),
            answer_text(&contact.record, "phone"),
            contact.record.receipt.venue_name.clone(),
            local_date_time(contact.record.receipt.checked_in_at),
            local_date_time(contact.stay_until),
            contact.overlap_minutes.to_string(),
            visit_text,
        ];
        let _ = writer.write_record(row.iter().map(|cell| neutralised(cell)));
    }
    writer.into_inner().unwrap_or_default()
}

fn csv_response(trace: &CaseTrace) -> Response {
    let name: String = trace
        .case_reference
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let disposition = format!("attachment; filename=\"case-{name}.csv\"");
    let mut response = (
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        calling_list_csv(trace),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /v1/admin/trace/cases`: the latest 200 case queries (administrators).
pub async fn case_queries(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CaseQueryLog>, ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    Ok(Json(CaseQueryLog {
        queries: state.store.case_queries(200).await?,
    }))
}

/// `GET /v1/checkins/{id}/accesses`, without a token: the id is a random UUID only the visitor's
/// device knows. When each read happened and why, never who read it; an unknown id has none.
pub async fn reads_of_checkin(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CheckInReads>, ApiFailure> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no check-in has this id",
        )
    })?;
    let reads = state
        .store
        .accesses(id)
        .await?
        .into_iter()
        .map(|access| CheckInRead {
            at: access.at,
            case_reference: access.case_reference,
            purpose: access.purpose,
        })
        .collect();
    Ok(Json(CheckInReads { reads }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for risky in ["=1+1", "+84", "-2", "@SUM", "\tx", "\rx"] {
            assert_eq!(neutralised(risky), format!("'{risky}"));
        }
        assert_eq!(neutralised("Nguyễn Văn A"), "Nguyễn Văn A");
    }
}
