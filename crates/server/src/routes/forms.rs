//! The declaration form as data: `GET /v1/declaration-form` (the current version),
//! `GET /v1/declaration-form/{version}` (any published one, for check-ins that answered it) and
//! the administrator's `PUT /v1/admin/declaration-form`, which publishes a new version without a
//! release. Until one is published the protocol's reference form (version 1) is served.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use vaora_protocol::api::{error_code, Role};
use vaora_protocol::form::{DeclarationForm, REFERENCE_FORM_JSON};

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::{ApiFailure, ApiJson};

/// A form's JSON with its version as the entity tag. `immutable` for a versioned URL: a
/// published version never changes; the current form must be revalidated.
fn form_response(headers: &HeaderMap, version: u32, body: String, immutable: bool) -> Response {
    let etag = format!("\"{version}\"");
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The current declaration form.
pub async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiFailure> {
    Ok(match state.store.form(None).await? {
        Some(form) => form_response(&headers, form.version, form.body, false),
        None => form_response(
            &headers,
            state.forms.reference_version(),
            REFERENCE_FORM_JSON.to_owned(),
            false,
        ),
    })
}

/// Declaration form `version`, as published.
pub async fn version(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(version): Path<String>,
) -> Result<Response, ApiFailure> {
    let not_found = || {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::FORM_NOT_FOUND,
            "no declaration form has this version",
        )
    };
    let version: u32 = version.parse().map_err(|_| not_found())?;
    if let Some(form) = state.store.form(Some(version)).await? {
        return Ok(form_response(&headers, form.version, form.body, true));
    }
    if version == state.forms.reference_version() {
        return Ok(form_response(
            &headers,
            version,
            REFERENCE_FORM_JSON.to_owned(),
            true,
        ));
    }
    Err(not_found())
}

/// Publishes a new version of the declaration form (administrators only). The form must pass
/// the protocol's checks and its version must be above the current one.
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(form): ApiJson<DeclarationForm>,
) -> Result<(StatusCode, axum::Json<DeclarationForm>), ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    form.check().map_err(|err| {
        ApiFailure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            error_code::FORM_INVALID,
            err.to_string(),
        )
    })?;
    let body = serde_json::to_string(&form).map_err(|_| ApiFailure::internal())?;
    let published = state
        .store
        .publish_form(
            form.version,
            body,
            now_ms(),
            state.forms.reference_version(),
        )
        .await?;
    if !published {
        return Err(ApiFailure::new(
            StatusCode::CONFLICT,
            error_code::FORM_VERSION_CONFLICT,
            "the version must be above the current form's",
        ));
    }
    Ok((StatusCode::CREATED, axum::Json(form)))
}
