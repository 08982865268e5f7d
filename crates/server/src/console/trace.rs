//! `GET/POST /console/trace`: the tracing form and its answer (the case's visits, the people
//! co-present by overlap), and `POST /console/trace.csv`, the calling list. Both run the API's
//! own handler, so the role check, the per-token limit and the audit (with the case reference,
//! visible to citizens) are the API's.

use std::fmt::Write;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use vaora_protocol::api::{ApiError, CheckInRecord, Role};
use vaora_protocol::form::Answer;
use vaora_protocol::tracing::{CaseTrace, CaseTraceRequest};

use super::pages::json_of;
use super::text::T;
use super::{error_page, escape, failed, page, same_origin, Session, Ui};
use crate::app::{now_ms, AppState};
use crate::error::ApiFailure;
use crate::local_day::LocalDay;
use crate::poster::local_date_time;
use crate::routes::cases::{self, Format};

/// The form's fields, as typed.
#[derive(Default, Deserialize)]
pub struct TraceForm {
    #[serde(default)]
    case_reference: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    after_minutes: String,
}

impl TraceForm {
    /// The API's request: `from` at the start of its day, `to` at the end of its day (Vietnam).
    fn request(&self) -> Option<CaseTraceRequest> {
        let from = LocalDay::parse(self.from.trim())?;
        let to = LocalDay::parse(self.to.trim())?;
        let after = self.after_minutes.trim();
        Some(CaseTraceRequest {
            case_reference: self.case_reference.clone(),
            identifier: self.identifier.clone(),
            from: from.start(),
            to: to.end(),
            after_minutes: if after.is_empty() {
                0
            } else {
                after.parse().ok()?
            },
        })
    }
}

fn field(id: &str, label: &str, kind: &str, value: &str, extra: &str) -> String {
    format!(
        r#"<label for="{id}">{label}</label><input id="{id}" name="{id}" type="{kind}" value="{}" {extra}>"#,
        escape(value)
    )
}

fn form_html(ui: &Ui, form: &TraceForm) -> String {
    let today = LocalDay::of(now_ms());
    let or = |value: &str, default: String| {
        if value.is_empty() {
            default
        } else {
            value.to_owned()
        }
    };
    format!(
        r#"<p class="hint">{note}</p><form method="post" action="/console/trace" class="stack">{}{}{}{}{}<button type="submit">{run}</button></form>"#,
        field(
            "case_reference",
            &ui.t(T::CaseReference),
            "text",
            &form.case_reference,
            r#"required maxlength="100" autocomplete="off""#
        ),
        field(
            "identifier",
            &ui.t(T::Identifier),
            "text",
            &form.identifier,
            r#"required autocomplete="off" inputmode="numeric""#
        ),
        field(
            "from",
            &ui.t(T::From),
            "date",
            &or(&form.from, today.minus(13).iso()),
            "required"
        ),
        field(
            "to",
            &ui.t(T::To),
            "date",
            &or(&form.to, today.iso()),
            "required"
        ),
        field(
            "after_minutes",
            &ui.t(T::AfterMinutes),
            "number",
            &or(&form.after_minutes, "30".into()),
            r#"min="0" max="1440" required"#
        ),
        note = ui.t(T::TraceNote),
        run = ui.t(T::Run),
    )
}

/// Tracers and administrators only: the same roles as the API.
fn refused(session: &Session) -> Option<Response> {
    session
        .caller
        .require(&[Role::Admin, Role::Tracer])
        .err()
        .map(|failure| failed(&session.ui, failure))
}

/// `GET /console/trace`: the form.
pub async fn form(session: Session) -> Response {
    if let Some(refusal) = refused(&session) {
        return refusal;
    }
    let ui = session.ui;
    page(
        &ui,
        &ui.t(T::Trace),
        Some(&session.caller),
        &form_html(&ui, &TraceForm::default()),
    )
}

/// Runs the API's case trace with the session's token; `csv` asks for the calling list.
async fn traced(
    state: AppState,
    session: &Session,
    headers: &axum::http::HeaderMap,
    form: &TraceForm,
    csv: bool,
) -> Result<Response, Box<Response>> {
    if let Some(refusal) = refused(session) {
        return Err(Box::new(refusal));
    }
    let ui = &session.ui;
    if !same_origin(headers) {
        return Err(Box::new(error_page(
            ui,
            StatusCode::FORBIDDEN,
            &ui.t(T::Forbidden),
        )));
    }
    let request = form
        .request()
        .ok_or_else(|| Box::new(error_page(ui, StatusCode::BAD_REQUEST, &ui.t(T::BadForm))))?;
    let body =
        serde_json::to_vec(&request).map_err(|_| Box::new(failed(ui, ApiFailure::internal())))?;
    let mut auth = session.auth.clone();
    if csv {
        auth.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
    }
    let response = cases::trace_case(
        State(state),
        auth,
        Query(Format::default()),
        Bytes::from(body),
    )
    .await
    .map_err(|failure| failed(ui, failure))?;
    if response.status().is_success() {
        Ok(response)
    } else {
        // The limit's 429 (with Retry-After) and the like, in the API's error shape.
        let status = response.status();
        let error: ApiError = json_of(response)
            .await
            .map_err(|failure| Box::new(failed(ui, failure)))?;
        Err(Box::new(error_page(ui, status, &escape(&error.message))))
    }
}

fn answer(record: &CheckInRecord, question: &str) -> String {
    match record.declaration.answers.get(question) {
        Some(Answer::Text(text)) => escape(text),
        _ => String::new(),
    }
}

fn results_html(ui: &Ui, trace: &CaseTrace, form: &TraceForm) -> String {
    let mut html = String::new();
    if trace.truncated {
        let _ = write!(html, r#"<p role="alert">{}</p>"#, ui.t(T::Truncated));
    }
    let _ = write!(
        html,
        r#"<h2>{}</h2><div class="scroll"><table><thead><tr><th scope="col">Stt</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        ui.t(T::Visits),
        ui.t(T::Venue),
        ui.t(T::In),
        ui.t(T::Out)
    );
    for (index, visit) in trace.visits.iter().enumerate() {
        let _ = write!(
            html,
            r#"<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td></tr>"#,
            index + 1,
            escape(&visit.record.receipt.venue_name),
            local_date_time(visit.record.receipt.checked_in_at),
            local_date_time(visit.stay_until)
        );
    }
    let _ = write!(
        html,
        r#"</tbody></table></div><h2>{}</h2>"#,
        ui.t(T::Contacts)
    );
    if trace.contacts.is_empty() {
        let _ = write!(html, "<p>{}</p>", ui.t(T::NoContacts));
    } else {
        let _ = write!(
            html,
            r#"<div class="scroll"><table class="contacts"><thead><tr><th scope="col">Stt</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
            ui.t(T::Name),
            ui.t(T::Phone),
            ui.t(T::Venue),
            ui.t(T::In),
            ui.t(T::Out),
            ui.t(T::Overlap)
        );
        for (index, contact) in trace.contacts.iter().enumerate() {
            let _ = write!(
                html,
                r#"<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                index + 1,
                answer(&contact.record, "full_name"),
                answer(&contact.record, "phone"),
                escape(&contact.record.receipt.venue_name),
                local_date_time(contact.record.receipt.checked_in_at),
                local_date_time(contact.stay_until),
                contact.overlap_minutes
            );
        }
        html.push_str("</tbody></table></div>");
    }
    // The calling list is another (audited) run of the same query.
    let hidden = |name: &str, value: &str| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value)
        )
    };
    let _ = write!(
        html,
        r#"<form method="post" action="/console/trace.csv">{}{}{}{}{}<button type="submit">{}</button></form>"#,
        hidden("case_reference", &form.case_reference),
        hidden("identifier", &form.identifier),
        hidden("from", &form.from),
        hidden("to", &form.to),
        hidden("after_minutes", &form.after_minutes),
        ui.t(T::CallingList)
    );
    html
}

/// `POST /console/trace`: the answer under the form.
pub async fn run(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<TraceForm>,
) -> Response {
    let ui = session.ui;
    let response = match traced(state, &session, &headers, &form, false).await {
        Ok(response) => response,
        Err(page) => return *page,
    };
    let trace: CaseTrace = match json_of(response).await {
        Ok(trace) => trace,
        Err(failure) => return failed(&ui, failure),
    };
    let main = format!(
        "{}{}",
        results_html(&ui, &trace, &form),
        form_html(&ui, &form)
    );
    let title = format!("{} — {}", ui.t(T::Trace), escape(&trace.case_reference));
    page(&ui, &title, Some(&session.caller), &main)
}

/// `POST /console/trace.csv`: the API's calling list.
pub async fn csv(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<TraceForm>,
) -> Response {
    match traced(state, &session, &headers, &form, true).await {
        Ok(response) => response,
        Err(page) => *page,
    }
}
