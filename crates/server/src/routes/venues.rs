//! `POST /v1/venues`: an administrator registers a venue and gets its signed code.
//! `GET /v1/venues/{short_code}`: the public part of a venue, for people who type the code
//! printed under the poster; and its printable poster (SVG or PDF), or many venues' posters as
//! one PDF.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use vaora_protocol::api::{
    error_code, KeyStatus, PosterBatch, RegisteredVenue, RegisteredVenues, Role, VenueKind,
    VenueLookup, VenueRegistration, POSTER_BATCH_MAX,
};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code;

use crate::app::{now_ms, AppState};
use crate::auth::{principal, Principal};
use crate::error::{ApiFailure, ApiJson};
use crate::poster::{self, Poster};
use crate::routes::staff;
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

/// Registers a venue (administrators anywhere, officers in their unit): picks its id and short
/// code and signs its code.
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VenueRegistration>,
) -> Result<(StatusCode, Json<RegisteredVenue>), ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Officer])?;
    signing_key_usable(&state)?;
    let request = checked(&state, &caller, request).await?;
    Ok((StatusCode::CREATED, Json(create(&state, request).await?)))
}

/// Most venues in one bulk registration.
pub const BULK_MAX_VENUES: usize = 5_000;

/// The bulk CSV's columns: the first two are required, the others optional (in this order).
const BULK_COLUMNS: [&str; 5] = ["name", "unit_code", "kind", "address", "contact"];

/// Registers many venues from a CSV (`name,unit_code[,kind[,address[,contact]]]`): every row is
/// checked first, and a file with any bad row registers nothing and names the line. With
/// `Accept: application/pdf` the answer is their posters, one A4 page per venue in file order
/// (at most [`POSTER_BATCH_MAX`] rows), instead of the JSON list.
pub async fn register_bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Officer])?;
    signing_key_usable(&state)?;
    let posters = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/pdf"));
    let bad_file =
        |why: String| ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|err| bad_file(format!("header: {err}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let known = BULK_COLUMNS
        .get(..columns.len())
        .is_some_and(|expected| expected.iter().eq(columns.iter()));
    if columns.len() < 2 || !known {
        return Err(bad_file(format!(
            "the header must be `name,unit_code` followed by any of `kind,address,contact` in \
             that order, not `{}`",
            columns.join(",")
        )));
    }
    let mut requests = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|err| bad_file(format!("line {line}: {err}")))?;
        if requests.len() == BULK_MAX_VENUES {
            return Err(bad_file(format!("more than {BULK_MAX_VENUES} venues")));
        }
        let field = |index: usize| record.get(index).unwrap_or_default().to_owned();
        let kind = match record.get(2).filter(|kind| !kind.is_empty()) {
            None => VenueKind::Other,
            Some(name) => VenueKind::from_name(name).ok_or_else(|| {
                bad_file(format!("line {line}: no venue kind is called `{name}`"))
            })?,
        };
        let request = VenueRegistration {
            name: field(0),
            unit_code: field(1),
            kind,
            address: field(3),
            contact: field(4),
        };
        let request = checked(&state, &caller, request)
            .await
            .map_err(|failure| bad_file(format!("line {line}: {}", failure.0.message)))?;
        requests.push(request);
    }
    if requests.is_empty() {
        return Err(bad_file("the file has no venues".into()));
    }
    if posters && requests.len() > POSTER_BATCH_MAX {
        return Err(ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_code::BODY_TOO_LARGE,
            format!("at most {POSTER_BATCH_MAX} venues when answering their posters"),
        ));
    }
    let mut rows = Vec::with_capacity(requests.len());
    for request in requests {
        rows.push(seed::register_venue(&state.store, &state.signer, &request).await?);
    }
    if posters {
        let mut svgs = Vec::with_capacity(rows.len());
        for venue in &rows {
            svgs.push(poster_of(&state, venue).await?);
        }
        let pdf = pdf_of(svgs).await?;
        let mut response = pdf_response(pdf, "vaora-posters.pdf").into_response();
        *response.status_mut() = StatusCode::CREATED;
        return Ok(response);
    }
    let mut venues = Vec::with_capacity(rows.len());
    for venue in rows {
        let staff = staff::issue_venue_token(&state, &venue).await?;
        venues.push(registered(&state, venue, Some(staff)));
    }
    Ok((StatusCode::CREATED, Json(RegisteredVenues { venues })).into_response())
}

fn signing_key_usable(state: &AppState) -> Result<(), ApiFailure> {
    if state.trust.snapshot().status_of(state.signer.key_id()) == Some(KeyStatus::Revoked) {
        return Err(ApiFailure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            error_code::KEY_REVOKED,
            "this server's signing key is revoked: restart it with a new key to register venues",
        ));
    }
    Ok(())
}

/// The registration normalised, in a known unit (once units are loaded), within the caller's.
async fn checked(
    state: &AppState,
    caller: &Principal,
    request: VenueRegistration,
) -> Result<VenueRegistration, ApiFailure> {
    let request = request.normalized().map_err(|problem| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            problem,
        )
    })?;
    if state.store.unit_count().await? > 0
        && state.store.unit(request.unit_code.clone()).await?.is_none()
    {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::UNIT_NOT_FOUND,
            "unit_code names no administrative unit",
        ));
    }
    caller.require_unit(state, &request.unit_code).await?;
    Ok(request)
}

async fn create(
    state: &AppState,
    request: VenueRegistration,
) -> Result<RegisteredVenue, ApiFailure> {
    let venue = seed::register_venue(&state.store, &state.signer, &request).await?;
    let staff = staff::issue_venue_token(state, &venue).await?;
    Ok(registered(state, venue, Some(staff)))
}

/// What a registration answers for a stored venue, with its first staff token and sign-in link
/// if one was issued.
fn registered(
    state: &AppState,
    venue: VenueRow,
    staff: Option<(String, String)>,
) -> RegisteredVenue {
    let (staff_token, staff_url) = staff.unzip();
    let poster_url = venue_code::poster_url(&state.public_url, &venue.venue_code);
    RegisteredVenue {
        venue_id: venue.id,
        name: venue.name,
        unit_code: venue.unit_code,
        short_code: venue.short_code,
        venue_code: venue.venue_code,
        poster_url,
        kind: venue.kind,
        address: venue.address,
        staff_token,
        staff_url,
    }
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
        kind: venue.kind,
        address: venue.address,
    }))
}

/// A printable A4 poster (SVG) with the venue's QR.
pub async fn poster_svg(
    State(state): State<AppState>,
    Path(short_code): Path<String>,
) -> Result<impl IntoResponse, ApiFailure> {
    let venue = find(&state, &short_code).await?;
    let svg = poster_of(&state, &venue).await?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    ))
}

/// The same poster as a one-page A4 PDF (fonts embedded).
pub async fn poster_pdf(
    State(state): State<AppState>,
    Path(short_code): Path<String>,
) -> Result<impl IntoResponse, ApiFailure> {
    let venue = find(&state, &short_code).await?;
    let svg = poster_of(&state, &venue).await?;
    let pdf = pdf_of(vec![svg]).await?;
    let filename = format!("vaora-{}.pdf", venue.short_code.display());
    Ok(pdf_response(pdf, &filename))
}

/// `POST /v1/admin/posters`: one PDF, an A4 page per venue, for the venues listed (at most
/// [`POSTER_BATCH_MAX`]). Administrators anywhere; officers only for venues in their unit.
pub async fn posters_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(batch): ApiJson<PosterBatch>,
) -> Result<impl IntoResponse, ApiFailure> {
    let caller = principal(&state, &headers).await?;
    caller.require(&[Role::Admin, Role::Officer])?;
    let invalid =
        |why: String| ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why);
    if batch.short_codes.is_empty() {
        return Err(invalid("short_codes lists no venue".into()));
    }
    if batch.short_codes.len() > POSTER_BATCH_MAX {
        return Err(ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_code::BODY_TOO_LARGE,
            format!("at most {POSTER_BATCH_MAX} posters in one PDF"),
        ));
    }
    let mut svgs = Vec::with_capacity(batch.short_codes.len());
    for raw in &batch.short_codes {
        let venue = find(&state, raw).await.map_err(|mut failure| {
            failure.0.message = format!("{raw}: {}", failure.0.message);
            failure
        })?;
        caller
            .require_unit(&state, &venue.unit_code)
            .await
            .map_err(|mut failure| {
                failure.0.message = format!("{raw}: {}", failure.0.message);
                failure
            })?;
        svgs.push(poster_of(&state, &venue).await?);
    }
    let pdf = pdf_of(svgs).await?;
    Ok(pdf_response(pdf, "vaora-posters.pdf"))
}

/// The venue's poster SVG: its ward by name when the unit is known, its issue date.
pub(crate) async fn poster_of(state: &AppState, venue: &VenueRow) -> Result<String, ApiFailure> {
    let url = venue_code::poster_url(&state.public_url, &venue.venue_code);
    let ward = match state.store.unit(venue.unit_code.clone()).await? {
        Some(unit) => unit.name,
        None => venue.unit_code.clone(),
    };
    let issued_at = state
        .store
        .venue_registered_at(venue.id)
        .await?
        .unwrap_or_else(now_ms);
    poster::render(&Poster {
        venue,
        url: &url,
        ward: &ward,
        address: Some(venue.address.as_str()).filter(|address| !address.is_empty()),
        issued_at,
    })
    .map_err(|err| {
        eprintln!("poster of venue {}: {err}", venue.id);
        ApiFailure::internal()
    })
}

/// Converts poster SVGs into one PDF off the async threads (a page takes milliseconds).
pub(crate) async fn pdf_of(svgs: Vec<String>) -> Result<Vec<u8>, ApiFailure> {
    tokio::task::spawn_blocking(move || poster::pdf(&svgs))
        .await
        .map_err(|_| ApiFailure::internal())?
        .map_err(|err| {
            eprintln!("poster PDF: {err}");
            ApiFailure::internal()
        })
}

pub(crate) fn pdf_response(pdf: Vec<u8>, filename: &str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        pdf,
    )
}
