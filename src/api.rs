//! The typed client of the check-in protocol: the only place the widget talks to a server.

use serde::de::DeserializeOwned;
use serde::Serialize;
use vaora_protocol::api::{
    ApiError, CheckInReceipt, CheckInRequest, IssuedToken, UnitList, VenueLookup,
};
use vaora_protocol::form::DeclarationForm;
use vaora_protocol::staff::{
    CloseDay, ClosedDay, InvitationAcceptance, StaffInvitation, StaffInvitationRequest, StaffVenue,
};
use vaora_protocol::tracing::CheckInReads;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use crate::options::MountOptions;

/// Why a call failed, as the UI needs to tell it.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiProblem {
    /// No answer (offline, DNS, CORS): nothing was decided by the server.
    Network,
    /// The server answered with the protocol's error shape.
    Rejected(ApiError),
    /// The server answered something that is not the protocol.
    BadResponse,
}

/// `POST /v1/checkins`.
pub async fn check_in(
    options: &MountOptions,
    request: &CheckInRequest,
) -> Result<CheckInReceipt, ApiProblem> {
    send(options, "POST", "/v1/checkins", Some(request)).await
}

/// `GET /v1/venues/{short_code}`.
pub async fn lookup_venue(
    options: &MountOptions,
    short_code: &str,
) -> Result<VenueLookup, ApiProblem> {
    let path = format!("/v1/venues/{short_code}");
    send::<(), _>(options, "GET", &path, None).await
}

/// `GET /v1/declaration-form`: the questions to ask.
pub async fn declaration_form(options: &MountOptions) -> Result<DeclarationForm, ApiProblem> {
    send::<(), _>(options, "GET", "/v1/declaration-form", None).await
}

/// `GET /v1/units[?parent=…]`: the administrative units under `parent`, or the top level.
pub async fn units(options: &MountOptions, parent: Option<&str>) -> Result<UnitList, ApiProblem> {
    let path = match parent {
        Some(parent) => format!("/v1/units?parent={}", js_sys::encode_uri_component(parent)),
        None => "/v1/units".to_owned(),
    };
    send::<(), _>(options, "GET", &path, None).await
}

/// `GET /v1/checkins/{id}/accesses`: when the health authority read this check-in, and for
/// which case (no token: only this device knows the id).
pub async fn checkin_reads(
    options: &MountOptions,
    checkin_id: uuid::Uuid,
) -> Result<CheckInReads, ApiProblem> {
    let path = format!("/v1/checkins/{checkin_id}/accesses");
    send::<(), _>(options, "GET", &path, None).await
}

async fn send<B: Serialize, T: DeserializeOwned>(
    options: &MountOptions,
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiProblem> {
    send_as(options, method, path, body, None).await
}

/// [`send`] with a bearer token (venue staff).
async fn send_as<B: Serialize, T: DeserializeOwned>(
    options: &MountOptions,
    method: &str,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<T, ApiProblem> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiProblem::BadResponse)?;
    if let Some(token) = token {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(|_| ApiProblem::BadResponse)?;
    }
    init.set_headers(&headers);
    if let Some(body) = body {
        // As JSON's shapes: maps as objects (the declaration's answers), not as `Map`s.
        let value = body
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|_| ApiProblem::BadResponse)?;
        let json = js_sys::JSON::stringify(&value).map_err(|_| ApiProblem::BadResponse)?;
        init.set_body(&json);
        headers
            .set("content-type", "application/json")
            .map_err(|_| ApiProblem::BadResponse)?;
    }
    let window = web_sys::window().ok_or(ApiProblem::Network)?;
    let url = options.api_url(path);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| ApiProblem::Network)?
        .dyn_into()
        .map_err(|_| ApiProblem::BadResponse)?;
    let text = JsFuture::from(response.text().map_err(|_| ApiProblem::Network)?)
        .await
        .map_err(|_| ApiProblem::Network)?;
    let parsed = text
        .as_string()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .ok_or(ApiProblem::BadResponse)?;
    if response.ok() {
        from_js(parsed)
    } else {
        from_js::<ApiError>(parsed).map(|err| Err(ApiProblem::Rejected(err)))?
    }
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, ApiProblem> {
    serde_wasm_bindgen::from_value(value).map_err(|_| ApiProblem::BadResponse)
}

/// An answer to a queued request: the status and body text, or `None` for no answer.
pub struct RawAnswer {
    pub status: u16,
    pub body: String,
}

/// `POST {endpoint}{path}` with a JSON `body` exactly as queued (and a bearer `token` unless
/// empty), abandoned after `timeout_ms` (a request that hangs must not hold up the outbox).
/// `None`: no answer in time.
pub async fn post_queued(
    endpoint: &str,
    path: &str,
    body: &str,
    token: &str,
    timeout_ms: u32,
) -> Option<RawAnswer> {
    // `AbortController` through loose access: typed bindings would add imports to the
    // first-scan module for a request only the outbox makes.
    let window = web_sys::window()?;
    let constructor: js_sys::Function =
        crate::js::get(&window, "AbortController").dyn_into().ok()?;
    let controller = js_sys::Reflect::construct(&constructor, &js_sys::Array::new()).ok()?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    crate::js::set(&init, "signal", &crate::js::get(&controller, "signal"));
    let headers = web_sys::Headers::new().ok()?;
    headers.set("content-type", "application/json").ok()?;
    if !token.is_empty() {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .ok()?;
    }
    init.set_headers(&headers);
    let url = format!("{}{path}", endpoint.trim_end_matches('/'));
    let answer = async {
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        let text = JsFuture::from(response.text().ok()?).await.ok()?;
        Some(RawAnswer {
            status: response.status(),
            body: text.as_string().unwrap_or_default(),
        })
    };
    // No timer callback of our own: a race with a promise, so nothing can fire after the
    // request is settled.
    let answer = crate::js::within(i32::try_from(timeout_ms).unwrap_or(i32::MAX), answer).await;
    if answer.is_none() {
        let _ = crate::js::call(&controller, "abort", &[]);
    }
    answer.flatten()
}

/// `GET /v1/declaration-form/{version}`: a form version answered before (immutable).
pub async fn declaration_form_version(
    options: &MountOptions,
    version: u32,
) -> Result<DeclarationForm, ApiProblem> {
    let path = format!("/v1/declaration-form/{version}");
    send::<(), _>(options, "GET", &path, None).await
}

/// `GET /v1/staff/venue`: the staff token's venue and how many people are inside.
pub async fn staff_venue(options: &MountOptions, token: &str) -> Result<StaffVenue, ApiProblem> {
    send_as::<(), _>(options, "GET", "/v1/staff/venue", None, Some(token)).await
}

/// `POST /v1/staff/close-day`: checks out everyone still inside.
pub async fn close_day(
    options: &MountOptions,
    token: &str,
    request: &CloseDay,
) -> Result<ClosedDay, ApiProblem> {
    send_as(
        options,
        "POST",
        "/v1/staff/close-day",
        Some(request),
        Some(token),
    )
    .await
}

/// `POST /v1/staff/invitations`: a one-time link for one more member of staff at the token's
/// venue.
pub async fn invite_staff(
    options: &MountOptions,
    token: &str,
    request: &StaffInvitationRequest,
) -> Result<StaffInvitation, ApiProblem> {
    send_as(
        options,
        "POST",
        "/v1/staff/invitations",
        Some(request),
        Some(token),
    )
    .await
}

/// `POST /v1/staff/invitations/accept`: an invitation's code for a staff token.
pub async fn accept_invitation(
    options: &MountOptions,
    code: &str,
) -> Result<IssuedToken, ApiProblem> {
    let request = InvitationAcceptance {
        code: code.to_owned(),
    };
    send(
        options,
        "POST",
        "/v1/staff/invitations/accept",
        Some(&request),
    )
    .await
}
