//! The venue-staff API (`/v1/staff/…`): a venue-staff token checks people in by scanning their
//! personal QR (kiosk) or typing a paper declaration, checks them out by a second scan, closes
//! the day, reads the venue's live numbers, and invites more staff. Every call acts on the
//! token's own venue.
//!
//! "Inside" means an open check-in (not checked out) of the last 24 hours: older ones are
//! visitors who left without a scan, and are never counted or closed.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use vaora_protocol::api::{
    error_code, normalized_contact, CheckInRecord, IssuedToken, ProgrammeState, Role,
};
use vaora_protocol::declaration::Declaration;
use vaora_protocol::person_key::PersonKey;
use vaora_protocol::personal_code::{parse_personal, ScannedPerson};
use vaora_protocol::staff::{
    CloseDay, ClosedDay, EnteredBy, InvitationAcceptance, MaskedPerson, StaffCheckInReceipt,
    StaffCheckInRequest, StaffCheckOutReceipt, StaffCheckOutRequest, StaffEntry, StaffInvitation,
    StaffInvitationRequest, StaffVenue, INVITATION_LIFETIME_MS,
};

use crate::app::{now_ms, AppState};
use crate::auth::{self, forbidden, principal, Principal};
use crate::error::{ApiFailure, ApiJson};
use crate::local_day::start_of_local_day;
use crate::routes::checkins::{
    current_year, optional_body, programme_switched_off, validated, venue_revoked, REPLAYED_HEADER,
};
use crate::store::{
    InsertOutcome, NewCheckIn, NewInvitation, NewToken, StaffCheckOutRow, StaffEntered,
    VenuePresence, VenueRow,
};

/// How far back an open check-in still counts as someone inside.
const INSIDE_WINDOW_MS: i64 = 24 * 3_600_000;
/// Most of one person's check-ins read when looking for their open one (a day's worth).
const PERSON_DAY_LIMIT: u32 = 500;
/// The label of the token a registration issues, and of an accepted invitation by default.
const STAFF_LABEL: &str = "venue staff";
const LABEL_MAX_CHARS: usize = 80;

/// The caller, who must hold a venue-staff token, and their venue.
async fn staff_venue(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Principal, VenueRow), ApiFailure> {
    let caller = principal(state, headers).await?;
    caller.require(&[Role::VenueStaff])?;
    let venue_id = caller
        .venue
        .ok_or_else(|| forbidden("this token belongs to no venue"))?;
    let venue = state
        .store
        .venue_by_id(venue_id)
        .await?
        .ok_or_else(venue_not_found)?;
    Ok((caller, venue))
}

fn venue_not_found() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        error_code::VENUE_NOT_FOUND,
        "no venue has this id",
    )
}

fn not_inside() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        error_code::NOT_INSIDE,
        "this person has no open check-in at this venue",
    )
}

fn invalid(why: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why)
}

/// A scanned text read as a personal code, or 400 naming what is wrong (never the text: it is
/// personal data).
fn scanned(code: &str) -> Result<ScannedPerson, ApiFailure> {
    parse_personal(code).map_err(|err| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::PERSONAL_CODE_INVALID,
            format!("not a usable personal QR code: {err}"),
        )
    })
}

async fn presence(state: &AppState, venue: u64, now: i64) -> Result<VenuePresence, ApiFailure> {
    Ok(state
        .store
        .venue_presence(venue, now - INSIDE_WINDOW_MS, start_of_local_day(now))
        .await?)
}

/// The open check-in at `venue` of the person with any of `keys`, the latest if several.
async fn open_checkin(
    state: &AppState,
    venue: u64,
    keys: &[PersonKey],
    now: i64,
) -> Result<Option<CheckInRecord>, ApiFailure> {
    let mut open: Option<CheckInRecord> = None;
    for key in keys {
        let visits = state
            .store
            .checkins_of(
                key.to_string(),
                now - INSIDE_WINDOW_MS,
                now + 1,
                PERSON_DAY_LIMIT,
            )
            .await?;
        let latest = visits
            .into_iter()
            .filter(|visit| visit.receipt.venue_id == venue && visit.checked_out_at.is_none())
            .max_by_key(|visit| visit.receipt.checked_in_at);
        open = match (open, latest) {
            (Some(a), Some(b)) => Some(if b.receipt.checked_in_at > a.receipt.checked_in_at {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        };
    }
    Ok(open)
}

/// The declaration a staff entry stores, validated: a paper declaration or a Vaora code like a
/// visitor's own check-in; an identity code's answers field by field against the reference form.
async fn entry_declaration(
    state: &AppState,
    entry: StaffEntry,
    now: i64,
) -> Result<(Declaration, EnteredBy), ApiFailure> {
    match entry {
        StaffEntry::Paper { declaration } => {
            Ok((validated(state, declaration, now).await?, EnteredBy::Paper))
        }
        StaffEntry::Scanned { code } => match scanned(&code)? {
            ScannedPerson::Vaora(declaration) => {
                Ok((validated(state, declaration, now).await?, EnteredBy::Kiosk))
            }
            person => {
                let version = state.forms.reference_version();
                let form = state
                    .forms
                    .get(&state.store, version)
                    .await?
                    .ok_or_else(ApiFailure::internal)?;
                let answers = form
                    .validate_given(&person.answers(), current_year(now))
                    .map_err(ApiFailure::validation)?;
                Ok((
                    Declaration {
                        form_version: version,
                        answers,
                    },
                    EnteredBy::Kiosk,
                ))
            }
        },
    }
}

/// `POST /v1/staff/checkins`: checks a person in at the token's venue, from a scanned personal
/// QR or a paper declaration; idempotent by the request id. A person already inside is
/// answered with their open check-in (`already_inside`), and nothing new is stored.
pub async fn check_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<StaffCheckInRequest>,
) -> Result<Response, ApiFailure> {
    let now = now_ms();
    let (caller, venue) = staff_venue(&state, &headers).await?;
    if state.trust.snapshot().programme.state == ProgrammeState::SwitchedOff {
        return Err(programme_switched_off());
    }
    if venue.revoked_at.is_some() {
        return Err(venue_revoked());
    }
    let (declaration, entered_by) = entry_declaration(&state, request.entry, now).await?;
    let person = MaskedPerson::of_answers(&declaration.answers);
    let keys = PersonKey::of_answers(&declaration.answers);
    let venue_id = venue.id;
    if let Some(open) = open_checkin(&state, venue_id, &keys, now).await? {
        // The request's own check-in (a replay) goes on to the store, which answers it.
        if open.receipt.id != request.id {
            let inside = presence(&state, venue_id, now).await?.inside;
            return Ok(Json(StaffCheckInReceipt {
                receipt: open.receipt,
                person,
                entered_by,
                inside,
                already_inside: true,
            })
            .into_response());
        }
    }
    let outcome = state
        .store
        .insert_staff_checkin(
            NewCheckIn {
                id: request.id,
                venue,
                declaration,
                client_time: request.client_time,
                received_at: now,
            },
            StaffEntered {
                by: entered_by,
                token_id: caller.token_id,
            },
        )
        .await?;
    let (receipt, replayed) = match outcome {
        InsertOutcome::Created(receipt) => (receipt, false),
        InsertOutcome::Replayed(receipt) => (receipt, true),
        InsertOutcome::Conflict => {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                error_code::IDEMPOTENCY_CONFLICT,
                "this check-in id was already used for a different check-in",
            ))
        }
    };
    let inside = presence(&state, venue_id, now).await?.inside;
    let body = Json(StaffCheckInReceipt {
        receipt,
        person,
        entered_by,
        inside,
        already_inside: false,
    });
    Ok(if replayed {
        (
            StatusCode::CREATED,
            [(REPLAYED_HEADER, HeaderValue::from_static("true"))],
            body,
        )
            .into_response()
    } else {
        (StatusCode::CREATED, body).into_response()
    })
}

fn checkout_receipt(row: StaffCheckOutRow, inside: u64) -> StaffCheckOutReceipt {
    StaffCheckOutReceipt {
        checkin_id: row.checkin_id,
        checked_in_at: row.checked_in_at,
        checked_out_at: row.checked_out_at,
        inside,
    }
}

/// `POST /v1/staff/checkouts`: the scanned person's open check-in at the token's venue is
/// checked out; idempotent by the request id (a replay answers the first receipt).
pub async fn check_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<StaffCheckOutRequest>,
) -> Result<Response, ApiFailure> {
    let now = now_ms();
    let (_, venue) = staff_venue(&state, &headers).await?;
    if let Some(first) = state.store.staff_checkout(request.id).await? {
        return replayed_checkout(&state, first, venue.id, now).await;
    }
    let keys = scanned(&request.code)?.keys();
    let open = open_checkin(&state, venue.id, &keys, now)
        .await?
        .ok_or_else(not_inside)?;
    // A kiosk clock ahead of ours is clamped here; the store keeps it at or after the check-in.
    let left_at = request.left_at.map_or(now, |left_at| left_at.min(now));
    let row = state
        .store
        .record_staff_checkout(request.id, venue.id, open.receipt.id, left_at)
        .await?
        .ok_or_else(not_inside)?;
    if row.checkin_id != open.receipt.id {
        // Another kiosk recorded this request id meanwhile.
        return replayed_checkout(&state, row, venue.id, now).await;
    }
    let inside = presence(&state, venue.id, now).await?.inside;
    Ok(Json(checkout_receipt(row, inside)).into_response())
}

async fn replayed_checkout(
    state: &AppState,
    first: StaffCheckOutRow,
    venue: u64,
    now: i64,
) -> Result<Response, ApiFailure> {
    if first.venue_id != venue {
        return Err(ApiFailure::new(
            StatusCode::CONFLICT,
            error_code::IDEMPOTENCY_CONFLICT,
            "this check-out id was already used at another venue",
        ));
    }
    let inside = presence(state, venue, now).await?.inside;
    Ok((
        [(REPLAYED_HEADER, HeaderValue::from_static("true"))],
        Json(checkout_receipt(first, inside)),
    )
        .into_response())
}

/// `POST /v1/staff/close-day`: everyone still inside is checked out at `left_at` (default
/// now).
pub async fn close_day(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ClosedDay>, ApiFailure> {
    let now = now_ms();
    let (_, venue) = staff_venue(&state, &headers).await?;
    let request: CloseDay = optional_body(body)?;
    let left_at = request.left_at.map_or(now, |left_at| left_at.min(now));
    let checked_out = state
        .store
        .close_venue_day(venue.id, now - INSIDE_WINDOW_MS, left_at)
        .await?;
    let inside = presence(&state, venue.id, now).await?.inside;
    Ok(Json(ClosedDay {
        checked_out,
        inside,
    }))
}

/// `GET /v1/staff/venue`: the token's venue, the people inside and today's check-ins.
pub async fn venue(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<StaffVenue>, ApiFailure> {
    let now = now_ms();
    let (_, venue) = staff_venue(&state, &headers).await?;
    let presence = presence(&state, venue.id, now).await?;
    Ok(Json(StaffVenue {
        venue_id: venue.id,
        name: venue.name,
        short_code: venue.short_code,
        unit_code: venue.unit_code,
        kind: venue.kind,
        address: venue.address,
        inside: presence.inside,
        checkins_today: presence.checkins_today,
    }))
}

/// `POST /v1/staff/invitations`: a one-time link for one more member of a venue's staff. Venue
/// staff invite to their own venue; administrators and officers name a venue in their unit.
/// The server sends nothing: the inviter passes the link on.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<StaffInvitationRequest>,
) -> Result<(StatusCode, Json<StaffInvitation>), ApiFailure> {
    let caller = principal(&state, &headers).await?;
    let venue_id = match caller.role {
        Role::VenueStaff => {
            let own = caller
                .venue
                .ok_or_else(|| forbidden("this token belongs to no venue"))?;
            if request.venue_id.is_some_and(|venue| venue != own) {
                return Err(forbidden("venue staff invite to their own venue only"));
            }
            own
        }
        Role::Admin | Role::Officer => {
            let venue_id = request
                .venue_id
                .ok_or_else(|| invalid("venue_id is required"))?;
            let venue = state
                .store
                .venue_by_id(venue_id)
                .await?
                .ok_or_else(venue_not_found)?;
            caller.require_unit(&state, &venue.unit_code).await?;
            venue_id
        }
        Role::Tracer => return Err(forbidden("this token's role does not allow it")),
    };
    let contact = normalized_contact(&request.contact).map_err(invalid)?;
    if contact.is_empty() {
        return Err(invalid(
            "contact must be a phone number or an e-mail address",
        ));
    }
    let label = staff_label(request.label.as_deref())?;
    let code = auth::new_secret()?;
    let now = now_ms();
    let expires_at = now + INVITATION_LIFETIME_MS;
    state
        .store
        .insert_invitation(
            auth::hash(&code),
            NewInvitation {
                venue_id,
                contact,
                label,
                invited_by: caller.actor,
                created_at: now,
                expires_at,
            },
        )
        .await?;
    let url = staff_link(&state, "invite", &code);
    Ok((
        StatusCode::CREATED,
        Json(StaffInvitation {
            code,
            url,
            venue_id,
            expires_at,
        }),
    ))
}

/// A token label: given (whitespace collapsed, 2–80 characters) or the default.
fn staff_label(label: Option<&str>) -> Result<String, ApiFailure> {
    let Some(label) = label else {
        return Ok(STAFF_LABEL.to_owned());
    };
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = label.chars().count();
    if !(2..=LABEL_MAX_CHARS).contains(&chars) || label.chars().any(char::is_control) {
        return Err(invalid("label must have 2 to 80 characters"));
    }
    Ok(label)
}

/// `POST /v1/staff/invitations/accept` (no token): a venue-staff token for the invitation's
/// venue, once; an unknown, used or expired code is 404 `invitation_invalid`.
pub async fn accept(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<InvitationAcceptance>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiFailure> {
    let secret = auth::new_secret()?;
    let info = state
        .store
        .accept_invitation(
            auth::hash(request.code.trim()),
            now_ms(),
            auth::hash(&secret),
        )
        .await?
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                error_code::INVITATION_INVALID,
                "this invitation is unknown, already used or expired",
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            token: secret,
            info,
        }),
    ))
}

/// `<origin>/staff#<name>=<secret>`: the secret in the fragment, which browsers never send, so
/// it stays out of every server's logs.
fn staff_link(state: &AppState, name: &str, secret: &str) -> String {
    format!(
        "{}/staff#{name}={secret}",
        state.public_url.trim_end_matches('/')
    )
}

/// A new venue's first staff token and its sign-in link (`<origin>/staff#token=<secret>`),
/// issued with the registration.
pub async fn issue_venue_token(
    state: &AppState,
    venue: &VenueRow,
) -> Result<(String, String), ApiFailure> {
    let secret = auth::new_secret()?;
    state
        .store
        .insert_token(
            auth::hash(&secret),
            NewToken {
                role: Role::VenueStaff,
                label: STAFF_LABEL.to_owned(),
                unit_code: None,
                venue_id: Some(venue.id),
                created_at: now_ms(),
            },
        )
        .await?;
    let url = staff_link(state, "token", &secret);
    Ok((secret, url))
}
