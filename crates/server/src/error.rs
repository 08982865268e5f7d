//! The protocol's one error shape (`status`, machine-readable `code`, human `message`) as an axum
//! response, and a JSON extractor whose rejections use that shape too.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use vaora_protocol::api::{error_code, ApiError};
use vaora_protocol::form::AnswerError;

/// A failed request, rendered as [`ApiError`] JSON.
#[derive(Debug)]
pub struct ApiFailure(pub ApiError);

impl ApiFailure {
    /// An error with a status, a machine-readable code and a message for developers.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self(ApiError {
            status: status.as_u16(),
            code: code.to_owned(),
            message: message.into(),
            fields: Vec::new(),
        })
    }

    /// 400 with the declaration's answers that cannot be accepted.
    pub fn validation(fields: Vec<AnswerError>) -> Self {
        let mut failure = Self::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            "the declaration has answers that cannot be accepted",
        );
        failure.0.fields = fields;
        failure
    }

    /// 500 without leaking internals (the cause is logged without personal data by the caller).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_code::INTERNAL,
            "internal error",
        )
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}

impl From<crate::store::StoreError> for ApiFailure {
    fn from(err: crate::store::StoreError) -> Self {
        eprintln!("storage error: {err}");
        Self::internal()
    }
}

/// `Json<T>` whose rejections (bad JSON, wrong content type, body over the limit) are [`ApiFailure`]s.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiFailure {
    // axum answers 422 for well-formed JSON of the wrong shape; the protocol says 400 for
    // every malformed body, and keeps 413 (too large) and 415 (not JSON) as they are.
    let (status, code) = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            (StatusCode::PAYLOAD_TOO_LARGE, error_code::BODY_TOO_LARGE)
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, error_code::INVALID_JSON)
        }
        _ => (StatusCode::BAD_REQUEST, error_code::INVALID_JSON),
    };
    ApiFailure::new(status, code, rejection.body_text())
}
