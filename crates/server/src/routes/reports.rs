//! The authority's reports: `GET /v1/reports/units` (a unit's day, its children, a 14-day
//! trend; `units.csv` the children as CSV), `GET /v1/reports/zero-scan` (JSON, CSV or PDF) and
//! `GET /v1/reports/silent-venues` (`.pdf`: their posters, to reprint). Administrators see
//! every unit, officers their unit and below; other roles get 403. Counts only, except silent
//! venues' contacts, which the officer needs for the follow-up call.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{error_code, Role, Unit};
use vaora_protocol::reports::{SilentVenue, SilentVenues, UnitDashboard, SILENT_POSTERS_MAX};
use vaora_protocol::venue_code;

use crate::app::{now_ms, AppState};
use crate::auth::principal;
use crate::error::ApiFailure;
use crate::exports;
use crate::local_day::{LocalDay, DAY_MS};
use crate::reports::{self, Subtree, TREND_DAYS};
use crate::routes::venues::{pdf_of, pdf_response, poster_of};
use crate::store::VenueRow;
use crate::units;

/// Silent venues: the default period and the longest one, in days.
const SILENT_DAYS_DEFAULT: u32 = 7;
const SILENT_DAYS_MAX: u32 = 60;

/// The query every report takes; each handler uses what it needs.
#[derive(Deserialize)]
pub struct ReportQuery {
    unit: Option<String>,
    day: Option<String>,
    format: Option<String>,
    publish: Option<String>,
    days: Option<String>,
}

impl ReportQuery {
    /// The query for `unit` on `day` (today when `None`) over `days` (silent venues).
    pub fn of(unit: &str, day: Option<String>, days: Option<String>) -> Self {
        Self {
            unit: Some(unit.to_owned()),
            day,
            format: None,
            publish: None,
            days,
        }
    }
}

fn invalid(why: impl Into<String>) -> ApiFailure {
    ApiFailure::new(StatusCode::BAD_REQUEST, error_code::VALIDATION_FAILED, why)
}

impl ReportQuery {
    /// The day asked for (`YYYY-MM-DD`), today in Vietnam by default.
    fn day(&self) -> Result<LocalDay, ApiFailure> {
        match &self.day {
            None => Ok(LocalDay::of(now_ms())),
            Some(text) => {
                LocalDay::parse(text).ok_or_else(|| invalid("day must be a date, YYYY-MM-DD"))
            }
        }
    }

    fn publish(&self) -> Result<bool, ApiFailure> {
        match self.publish.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(invalid("publish must be true or false")),
        }
    }
}

/// The caller may read reports of the unit the query names: an administrator, or an officer
/// whose unit contains it. Returns the unit.
async fn authorised_unit(
    state: &AppState,
    headers: &HeaderMap,
    query: &ReportQuery,
) -> Result<Unit, ApiFailure> {
    let caller = principal(state, headers).await?;
    caller.require(&[Role::Admin, Role::Officer])?;
    let code = query
        .unit
        .as_deref()
        .filter(|code| units::is_unit_code(code))
        .ok_or_else(|| invalid("unit must be a unit code"))?;
    caller.require_unit(state, code).await?;
    state.store.unit(code.to_owned()).await?.ok_or_else(|| {
        ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::UNIT_NOT_FOUND,
            "no administrative unit has this code",
        )
    })
}

/// The dashboard of `unit` on `day`, read from the store.
async fn dashboard_of(
    state: &AppState,
    unit: &Unit,
    day: LocalDay,
) -> Result<UnitDashboard, ApiFailure> {
    let store = &state.store;
    let units = store.units_within(unit.code.clone()).await?;
    let venues = store.report_venues(unit.code.clone()).await?;
    let from = day.minus(TREND_DAYS - 1).start();
    let checkins = store
        .report_checkins(unit.code.clone(), from, day.end())
        .await?;
    Ok(reports::dashboard(
        &Subtree {
            root: unit,
            units: &units,
            venues: &venues,
            checkins: &checkins,
        },
        day,
    ))
}

/// `GET /v1/reports/units?unit=CODE[&day=YYYY-MM-DD]`.
pub async fn units_dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Json<UnitDashboard>, ApiFailure> {
    let unit = authorised_unit(&state, &headers, &query).await?;
    let day = query.day()?;
    Ok(Json(dashboard_of(&state, &unit, day).await?))
}

/// `GET /v1/reports/units.csv?unit=CODE[&day=…][&publish=true]`: the children's figures.
pub async fn units_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiFailure> {
    let unit = authorised_unit(&state, &headers, &query).await?;
    let (day, publish) = (query.day()?, query.publish()?);
    let dashboard = dashboard_of(&state, &unit, day).await?;
    Ok(csv_response(
        exports::units_csv(&dashboard, publish),
        &format!("vaora-units-{}-{}.csv", unit.code, day.iso()),
    ))
}

/// `GET /v1/reports/zero-scan?unit=CODE[&day=…][&format=json|csv|pdf][&publish=true]`.
pub async fn zero_scan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiFailure> {
    let unit = authorised_unit(&state, &headers, &query).await?;
    let (day, publish) = (query.day()?, query.publish()?);
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "pdf") {
        return Err(invalid("format must be json, csv or pdf"));
    }
    if publish && format == "json" {
        // The JSON carries the counts themselves; only the files are made for publication.
        return Err(invalid("publish applies to format=csv or format=pdf"));
    }
    let store = &state.store;
    let units = store.units_within(unit.code.clone()).await?;
    let venues = store.report_venues(unit.code.clone()).await?;
    let checkins = store
        .report_checkins(unit.code.clone(), day.start(), day.end())
        .await?;
    let parent = match &unit.parent {
        Some(code) => store.unit(code.clone()).await?,
        None => None,
    };
    let list = reports::zero_scan(
        &Subtree {
            root: &unit,
            units: &units,
            venues: &venues,
            checkins: &checkins,
        },
        day,
        parent.as_ref(),
    );
    let filename = format!("vaora-zero-scan-{}-{}", unit.code, day.iso());
    Ok(match format {
        "csv" => csv_response(
            exports::zero_scan_csv(&list, publish),
            &format!("{filename}.csv"),
        ),
        "pdf" => {
            let pdf = tokio::task::spawn_blocking(move || exports::zero_scan_pdf(&list, publish))
                .await
                .map_err(|_| ApiFailure::internal())?
                .map_err(|err| {
                    eprintln!("zero-scan PDF: {err}");
                    ApiFailure::internal()
                })?;
            pdf_response(pdf, &format!("{filename}.pdf")).into_response()
        }
        _ => Json(list).into_response(),
    })
}

fn csv_response(body: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The silent venues the query asks for, oldest registration first, with their stored rows.
async fn silent(
    state: &AppState,
    headers: &HeaderMap,
    query: &ReportQuery,
) -> Result<(SilentVenues, Vec<VenueRow>), ApiFailure> {
    let unit = authorised_unit(state, headers, query).await?;
    let days = match &query.days {
        None => SILENT_DAYS_DEFAULT,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|days| (1..=SILENT_DAYS_MAX).contains(days))
            .ok_or_else(|| invalid(format!("days must be from 1 to {SILENT_DAYS_MAX}")))?,
    };
    let since = now_ms() - i64::from(days) * DAY_MS;
    let rows = state.store.silent_venues(unit.code.clone(), since).await?;
    let venues = rows
        .iter()
        .map(|row| {
            let venue = row.venue.clone();
            SilentVenue {
                poster_url: venue_code::poster_url(&state.public_url, &venue.venue_code),
                poster_pdf: format!("/v1/venues/{}/poster.pdf", venue.short_code.as_str()),
                venue_id: venue.id,
                name: venue.name,
                short_code: venue.short_code,
                unit_code: venue.unit_code,
                address: venue.address,
                contact: venue.contact,
                registered_at: row.registered_at,
                last_checkin_at: row.last_checkin_at,
            }
        })
        .collect();
    let silent = SilentVenues {
        unit_code: unit.code,
        days,
        since,
        venues,
    };
    Ok((silent, rows.into_iter().map(|row| row.venue).collect()))
}

/// `GET /v1/reports/silent-venues?unit=CODE[&days=N]` (N from 1 to 60, 7 by default): venues
/// registered at least N days ago, not withdrawn, without a check-in in the last N days.
pub async fn silent_venues(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Json<SilentVenues>, ApiFailure> {
    Ok(Json(silent(&state, &headers, &query).await?.0))
}

/// `GET /v1/reports/silent-venues.pdf?unit=CODE[&days=N]`: their posters, one A4 page each, to
/// reprint in one go (at most [`SILENT_POSTERS_MAX`]; more is refused, ask for a smaller unit).
pub async fn silent_venues_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiFailure> {
    let (silent, rows) = silent(&state, &headers, &query).await?;
    if rows.is_empty() {
        return Err(ApiFailure::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            "no silent venue in this unit for this period",
        ));
    }
    if rows.len() > SILENT_POSTERS_MAX {
        return Err(ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_code::BODY_TOO_LARGE,
            format!(
                "{} silent venues; at most {SILENT_POSTERS_MAX} posters in one PDF: ask for a unit below this one",
                rows.len()
            ),
        ));
    }
    let mut svgs = Vec::with_capacity(rows.len());
    for venue in &rows {
        svgs.push(poster_of(&state, venue).await?);
    }
    let pdf = pdf_of(svgs).await?;
    Ok(pdf_response(
        pdf,
        &format!("vaora-silent-posters-{}.pdf", silent.unit_code),
    )
    .into_response())
}
