//! The console's report pages — home, a unit's dashboard, its zero-scan list, its silent
//! venues — and the downloads, all through the reports API's own handlers with the session's
//! token, so scope and figures are the API's.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use vaora_protocol::api::Role;
use vaora_protocol::reports::{SilentVenues, UnitFigures, ZeroScanList};

use super::text::T;
use super::{chart, escape, failed, page, Session};
use crate::app::AppState;
use crate::error::ApiFailure;
use crate::exports;
use crate::local_day::LocalDay;
use crate::poster::local_date_time;
use crate::routes::reports::{self, ReportQuery};

/// `?day=` (an empty date field means today) and `?days=`.
#[derive(Deserialize)]
pub struct PageQuery {
    day: Option<String>,
    days: Option<String>,
}

impl PageQuery {
    fn day(&self) -> Option<String> {
        self.day.clone().filter(|day| !day.is_empty())
    }
}

/// The JSON body of a handler's answer, read back into its type.
pub async fn json_of<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .map_err(|_| ApiFailure::internal())?;
    serde_json::from_slice(&bytes).map_err(|_| ApiFailure::internal())
}

/// `GET /console/home`: an officer's own unit, a tracer's trace form, an administrator's list
/// of top-level units.
pub async fn home(State(state): State<AppState>, session: Session) -> Response {
    let ui = session.ui;
    match (session.caller.role, &session.caller.unit) {
        (Role::Officer, Some(unit)) => {
            Redirect::to(&format!("/console/units/{unit}")).into_response()
        }
        (Role::Tracer, _) => Redirect::to("/console/trace").into_response(),
        _ => match state.store.units_under(None).await {
            Ok(units) => {
                let mut list = String::from("<ul class=\"links\">");
                for unit in units {
                    let _ = write!(
                        list,
                        r#"<li><a href="/console/units/{}">{}</a></li>"#,
                        escape(&unit.code),
                        escape(&unit.name)
                    );
                }
                list.push_str("</ul>");
                page(&ui, &ui.t(T::Units), Some(&session.caller), &list)
            }
            Err(err) => failed(&ui, err.into()),
        },
    }
}

fn figures_row(figures: &UnitFigures, link: bool) -> String {
    let name = if link {
        format!(
            r#"<a href="/console/units/{}">{}</a>"#,
            escape(&figures.unit_code),
            escape(&figures.name)
        )
    } else {
        escape(&figures.name)
    };
    format!(
        r#"<tr><th scope="row">{name}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
        figures.venues_with_code,
        figures.venues_active_day,
        figures.venues_active_7_days,
        figures.checkins,
        figures.visitors
    )
}

fn figures_head(ui: &super::Ui, first: T) -> String {
    format!(
        r#"<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>"#,
        ui.t(first),
        ui.t(T::VenuesWithCode),
        ui.t(T::ActiveDay),
        ui.t(T::Active7),
        ui.t(T::Checkins),
        ui.t(T::Visitors)
    )
}

/// `GET /console/units/{code}?day=`: the unit's figures, its children (or, at a ward, its
/// venues), the 14-day trend and the downloads.
pub async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let ui = session.ui;
    let report = ReportQuery::of(&code, query.day(), None);
    let dashboard =
        match reports::units_dashboard(State(state.clone()), session.auth.clone(), Query(report))
            .await
        {
            Ok(axum::Json(dashboard)) => dashboard,
            Err(failure) => return failed(&ui, failure),
        };
    let code = escape(&dashboard.unit.unit_code);
    let day = escape(&dashboard.day);
    let mut main = String::new();
    let _ = write!(
        main,
        r#"<form method="get" class="inline"><label for="day">{}</label><input id="day" name="day" type="date" value="{day}" required><button type="submit">{}</button></form>"#,
        ui.t(T::Day),
        ui.t(T::Show)
    );
    let unit = &dashboard.unit;
    let _ = write!(
        main,
        r#"<dl class="figures"><div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div></dl>"#,
        ui.t(T::VenuesWithCode),
        unit.venues_with_code,
        ui.t(T::ActiveDay),
        unit.venues_active_day,
        ui.t(T::Active7),
        unit.venues_active_7_days,
        ui.t(T::Checkins),
        unit.checkins,
        ui.t(T::Visitors),
        unit.visitors,
    );
    // The way up, when the caller's scope reaches the parent.
    if let Ok(Some(stored)) = state.store.unit(dashboard.unit.unit_code.clone()).await {
        if let Some(parent) = stored.parent {
            if session.caller.require_unit(&state, &parent).await.is_ok() {
                let _ = write!(
                    main,
                    r#"<p><a href="/console/units/{}?day={day}">↑ {}</a></p>"#,
                    escape(&parent),
                    ui.t(T::UpTo)
                );
            }
        }
    }
    let _ = write!(
        main,
        "<h2>{}</h2>{}",
        ui.t(T::Trend),
        chart::trend(&dashboard.trend, ui.lang)
    );
    if dashboard.children.is_empty() {
        main.push_str(
            &venue_list(&state, &session, &dashboard.unit.unit_code, &dashboard.day).await,
        );
    } else {
        let _ = write!(
            main,
            r#"<h2>{}</h2><div class="scroll"><table>{}<tbody>"#,
            ui.t(T::Children),
            figures_head(&ui, T::Unit)
        );
        for child in &dashboard.children {
            main.push_str(&figures_row(child, true));
        }
        main.push_str("</tbody></table></div>");
    }
    let publish = ui.t(T::Publish);
    let _ = write!(
        main,
        r#"<h2>{downloads}</h2><ul class="links"><li><a href="/console/units/{code}/zero-scan?day={day}">{zero}</a></li><li><a href="/console/units/{code}/silent">{silent}</a></li><li><a href="/console/export/units.csv?unit={code}&amp;day={day}" download>{csv}</a> · <a href="/console/export/units.csv?unit={code}&amp;day={day}&amp;publish=true" download>{publish}</a></li><li><a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=csv" download>{zcsv}</a> · <a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=csv&amp;publish=true" download>{publish}</a></li><li><a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=pdf" download>{zpdf}</a> · <a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=pdf&amp;publish=true" download>{publish}</a></li></ul>"#,
        downloads = ui.t(T::Downloads),
        zero = ui.t(T::ZeroScan),
        silent = ui.t(T::Silent),
        csv = ui.t(T::DashboardCsv),
        zcsv = ui.t(T::ZeroScanCsv),
        zpdf = ui.t(T::ZeroScanPdf),
    );
    // The day as people write it (`24/11/2026`), as on the exports; the ISO form stays in links.
    let shown_day = LocalDay::parse(&dashboard.day).map_or_else(|| day.clone(), LocalDay::dmy);
    let title = format!("{} — {}", escape(&dashboard.unit.name), shown_day);
    page(&ui, &title, Some(&session.caller), &main)
}

/// A ward's venues with their check-ins that day, fewest first (the caller's scope was checked
/// by the dashboard).
async fn venue_list(state: &AppState, session: &Session, unit: &str, day: &str) -> String {
    let ui = &session.ui;
    let Some(day) = LocalDay::parse(day) else {
        return String::new();
    };
    let venues = match state
        .store
        .venue_activity(unit.to_owned(), day.start(), day.end())
        .await
    {
        Ok(venues) => venues,
        Err(err) => {
            eprintln!("console venue list: {err}");
            return String::new();
        }
    };
    let mut html = format!(
        r#"<h2>{}</h2><div class="scroll"><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        ui.t(T::VenueList),
        ui.t(T::Venue),
        ui.t(T::Checkins),
        ui.t(T::Poster)
    );
    for venue in venues {
        let withdrawn = if venue.revoked {
            format!(" ({})", ui.t(T::Withdrawn))
        } else {
            String::new()
        };
        let _ = write!(
            html,
            r#"<tr><th scope="row">{}{withdrawn}</th><td>{}</td><td><a href="/v1/venues/{}/poster.pdf">PDF</a></td></tr>"#,
            escape(&venue.name),
            venue.checkins,
            escape(venue.short_code.as_str())
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

/// `GET /console/units/{code}/zero-scan?day=`: the list as the export shows it.
pub async fn zero_scan(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let ui = session.ui;
    let report = ReportQuery::of(&code, query.day(), None);
    let list: ZeroScanList =
        match reports::zero_scan(State(state), session.auth.clone(), Query(report)).await {
            Ok(response) if response.status().is_success() => match json_of(response).await {
                Ok(list) => list,
                Err(failure) => return failed(&ui, failure),
            },
            Ok(response) => return response,
            Err(failure) => return failed(&ui, failure),
        };
    let mut main = format!("<p>{}</p>", escape(&list.title));
    if list.groups.is_empty() {
        let _ = write!(main, "<p>{}</p>", ui.t(T::NoZero));
    }
    // The export's own rows, so the page and the files cannot differ.
    let _ = write!(
        main,
        r#"<div class="scroll"><table class="zero-scan"><thead><tr><th scope="col">Stt</th><th scope="col">Đơn vị</th><th scope="col">Số lượng</th></tr></thead><tbody>"#
    );
    for row in exports::zero_scan_rows(&list, false) {
        let (class, scope) = if row.heading {
            (r#" class="group""#, "rowgroup")
        } else {
            ("", "row")
        };
        let _ = write!(
            main,
            r#"<tr{class}><td>{}</td><th scope="{scope}">{}</th><td>{}</td></tr>"#,
            escape(&row.stt),
            escape(&row.unit),
            escape(&row.count)
        );
    }
    main.push_str("</tbody></table></div>");
    let day = escape(&list.day);
    let code = escape(&list.unit_code);
    let _ = write!(
        main,
        r#"<ul class="links"><li><a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=csv" download>{}</a></li><li><a href="/console/export/zero-scan?unit={code}&amp;day={day}&amp;format=pdf" download>{}</a></li><li><a href="/console/units/{code}?day={day}">{}</a></li></ul>"#,
        ui.t(T::ZeroScanCsv),
        ui.t(T::ZeroScanPdf),
        ui.t(T::BackToDashboard)
    );
    page(&ui, &ui.t(T::ZeroScan), Some(&session.caller), &main)
}

/// `GET /console/units/{code}/silent?days=N`: venues without check-ins for N days, with their
/// contact, last check-in and poster, and the reprint-all PDF.
pub async fn silent(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let ui = session.ui;
    let report = ReportQuery::of(&code, None, query.days.clone().filter(|d| !d.is_empty()));
    let silent: SilentVenues =
        match reports::silent_venues(State(state), session.auth.clone(), Query(report)).await {
            Ok(axum::Json(silent)) => silent,
            Err(failure) => return failed(&ui, failure),
        };
    let code = escape(&silent.unit_code);
    let mut main = format!(
        r#"<form method="get" class="inline"><label for="days">{}</label><input id="days" name="days" type="number" min="1" max="60" value="{}" required><button type="submit">{}</button></form>"#,
        ui.t(T::SilentDays),
        silent.days,
        ui.t(T::Show)
    );
    if silent.venues.is_empty() {
        let _ = write!(main, "<p>{}</p>", ui.t(T::NoSilent));
    } else {
        let _ = write!(
            main,
            r#"<p><a class="button" href="/console/export/silent-venues.pdf?unit={code}&amp;days={}" download>{}</a></p><div class="scroll"><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
            silent.days,
            ui.t(T::ReprintAll),
            ui.t(T::Venue),
            ui.t(T::Address),
            ui.t(T::Contact),
            ui.t(T::LastCheckin),
            ui.t(T::Poster),
        );
        for venue in &silent.venues {
            let last = venue
                .last_checkin_at
                .map_or_else(|| ui.t(T::Never), local_date_time);
            let _ = write!(
                main,
                r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{last}</td><td><a href="{}">PDF</a></td></tr>"#,
                escape(&venue.name),
                escape(&venue.address),
                escape(&venue.contact),
                escape(&venue.poster_pdf),
            );
        }
        main.push_str("</tbody></table></div>");
    }
    page(&ui, &ui.t(T::Silent), Some(&session.caller), &main)
}

/// A download from the API's handler; its failures as console pages.
fn download(ui: &super::Ui, answer: Result<Response, ApiFailure>) -> Response {
    match answer {
        Ok(response) => response,
        Err(failure) => failed(ui, failure),
    }
}

/// `GET /console/export/units.csv?unit=&day=[&publish=true]`: the API's dashboard CSV.
pub async fn units_csv(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Response {
    download(
        &session.ui,
        reports::units_csv(State(state), session.auth, Query(query)).await,
    )
}

/// `GET /console/export/zero-scan?unit=&day=&format=csv|pdf[&publish=true]`: the API's file.
pub async fn zero_scan_file(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Response {
    download(
        &session.ui,
        reports::zero_scan(State(state), session.auth, Query(query)).await,
    )
}

/// `GET /console/export/silent-venues.pdf?unit=&days=`: the API's reprint-all PDF.
pub async fn silent_posters(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ReportQuery>,
) -> Response {
    download(
        &session.ui,
        reports::silent_venues_pdf(State(state), session.auth, Query(query)).await,
    )
}
