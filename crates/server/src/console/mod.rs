//! The authority's console: server-rendered HTML pages (no JavaScript) over the reports and
//! tracing handlers, for officers, tracers and administrators.
//!
//! The session cookie holds the issued token itself (`HttpOnly`, `SameSite=Strict`, `Secure`
//! except over plain HTTP on loopback): every page then goes through [`crate::auth::principal`]
//! and the API's own handlers exactly as a bearer request would, so revoking a token ends its
//! console session at once, sessions survive a restart or a second server, and there is no
//! in-memory session table to bound or expire. Forms are protected against cross-site
//! requests by `SameSite=Strict` plus an origin check on every POST ([`same_origin`]).

mod chart;
mod pages;
pub mod text;
mod trace;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use vaora_protocol::api::Role;

use crate::app::AppState;
use crate::auth::{principal, Principal};
use crate::error::ApiFailure;
use text::{Lang, T};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "vaora_console";
const LANG_COOKIE: &str = "vaora_console_lang";
const CSS: &str = include_str!("console.css");

/// The console's routes, under `/console`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(sign_in_page))
        .route("/console/console.css", get(css))
        .route("/console/sign-in", post(sign_in))
        .route("/console/sign-out", post(sign_out))
        .route("/console/home", get(pages::home))
        .route("/console/units/{code}", get(pages::dashboard))
        .route("/console/units/{code}/zero-scan", get(pages::zero_scan))
        .route("/console/units/{code}/silent", get(pages::silent))
        .route("/console/export/units.csv", get(pages::units_csv))
        .route("/console/export/zero-scan", get(pages::zero_scan_file))
        .route(
            "/console/export/silent-venues.pdf",
            get(pages::silent_posters),
        )
        .route("/console/trace", get(trace::form).post(trace::run))
        .route("/console/trace.csv", post(trace::csv))
        // Pages carry personal data (trace results, contacts): never cached anywhere.
        .layer(axum::middleware::map_response(
            |mut response: Response| async {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            },
        ))
}

/// Text safe inside HTML elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Cookies are `Secure` unless the console is reached over plain HTTP on this machine (a
/// browser would drop a `Secure` cookie set over `http://` on some hosts).
fn secure(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let loopback = matches!(name, "127.0.0.1" | "localhost" | "[::1]");
    let behind_https = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        == Some("https");
    !loopback || behind_https
}

fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: Option<u32>) -> String {
    let mut cookie = format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure(headers) {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A POST comes from the console's own pages. Browsers send `Sec-Fetch-Site` (which a page
/// cannot forge): it must say same-origin. Without it, `Origin` must name this host; the
/// server's `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on form posts,
/// which is accepted only alongside `Sec-Fetch-Site`. Together with `SameSite=Strict` this
/// refuses cross-site forms.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let origin = text(header::ORIGIN.as_str());
    let origin_matches = |origin: &str| {
        let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
        Some(authority) == text(header::HOST.as_str())
    };
    match (text("sec-fetch-site"), origin) {
        (Some(site), origin) => {
            matches!(site, "same-origin" | "none")
                && origin.is_none_or(|origin| origin == "null" || origin_matches(origin))
        }
        (None, Some(origin)) => origin_matches(origin),
        // Not a browser: nothing a cross-site page could have sent.
        (None, None) => true,
    }
}

/// The language of the page: `?lang=` (remembered in a cookie), else the cookie, else Vietnamese.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The page's language.
    pub lang: Lang,
    /// `?lang=` chose it: the answer sets the cookie.
    remember: bool,
    /// The language cookie may be `Secure`.
    secure: bool,
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let asked = Query::<LangQuery>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Query(query)| query.lang)
            .and_then(|lang| Lang::parse(&lang));
        let remembered = cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse);
        Ok(Self {
            lang: asked.or(remembered).unwrap_or(Lang::Vi),
            remember: asked.is_some(),
            secure: secure(&parts.headers),
        })
    }
}

impl Ui {
    /// `key` in the page's language, escaped.
    pub fn t(&self, key: T) -> String {
        escape(key.get(self.lang))
    }
}

/// A signed-in officer, tracer or administrator: the page's language, the caller as the API
/// sees it, and request headers carrying the token for calling the API's handlers.
pub struct Session {
    /// The page's language.
    pub ui: Ui,
    /// The caller, checked by [`crate::auth::principal`].
    pub caller: Principal,
    /// Headers with `Authorization: Bearer <the session's token>`.
    pub auth: HeaderMap,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(ui) = Ui::from_request_parts(parts, state).await;
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| Redirect::to("/console").into_response())?;
        let mut auth = HeaderMap::new();
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| Redirect::to("/console").into_response())?;
        auth.insert(header::AUTHORIZATION, bearer);
        let caller = match principal(state, &auth).await {
            Ok(caller) => caller,
            Err(failure) if failure.0.status == StatusCode::UNAUTHORIZED.as_u16() => {
                return Err(Redirect::to("/console").into_response())
            }
            Err(failure) => return Err(failed(&ui, failure)),
        };
        if !console_role(caller.role) {
            return Err(error_page(&ui, StatusCode::FORBIDDEN, &ui.t(T::WrongRole)));
        }
        Ok(Self { ui, caller, auth })
    }
}

fn console_role(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Officer | Role::Tracer)
}

/// A whole page: `title` as its heading, the navigation when signed in, `main` as its content.
pub fn page(ui: &Ui, title: &str, caller: Option<&Principal>, main: &str) -> Response {
    page_with_status(ui, StatusCode::OK, title, caller, main)
}

fn page_with_status(
    ui: &Ui,
    status: StatusCode,
    title: &str,
    caller: Option<&Principal>,
    main: &str,
) -> Response {
    let other = match ui.lang {
        Lang::Vi => "en",
        Lang::En => "vi",
    };
    let nav = match caller {
        Some(caller) => {
            let trace = if matches!(caller.role, Role::Admin | Role::Tracer) {
                format!(r#"<a href="/console/trace">{}</a>"#, ui.t(T::Trace))
            } else {
                String::new()
            };
            format!(
                r#"<nav aria-label="{console}"><a href="/console/home">{home}</a>{trace}<a href="?lang={other}" lang="{other}">{language}</a><form method="post" action="/console/sign-out"><button type="submit">{sign_out}</button></form></nav>"#,
                console = ui.t(T::Console),
                home = ui.t(T::Home),
                language = ui.t(T::Language),
                sign_out = ui.t(T::SignOut),
            )
        }
        None => format!(
            r#"<nav aria-label="{}"><a href="?lang={other}" lang="{other}">{}</a></nav>"#,
            ui.t(T::Console),
            ui.t(T::Language)
        ),
    };
    let html = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · {console}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/console/console.css"></head><body><header><p class="brand">{console}</p>{nav}</header><main><h1>{title}</h1>{main}</main></body></html>"#,
        lang = ui.lang.code(),
        console = ui.t(T::Console),
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    if ui.remember {
        let mut cookie = format!(
            "{LANG_COOKIE}={}; Path=/console; Max-Age=31536000; SameSite=Strict",
            ui.lang.code()
        );
        if ui.secure {
            cookie.push_str("; Secure");
        }
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// An error page with `status` and `message` (already escaped).
pub fn error_page(ui: &Ui, status: StatusCode, message: &str) -> Response {
    let main = format!(
        r#"<p role="alert">{message}</p><p><a href="/console/home">{}</a></p>"#,
        ui.t(T::Home)
    );
    page_with_status(ui, status, &ui.t(T::Error), None, &main)
}

/// The API's failure as a page: 401 back to sign-in, 403 and 404 in words, others with the
/// API's own message.
pub fn failed(ui: &Ui, failure: ApiFailure) -> Response {
    let status = StatusCode::from_u16(failure.0.status).unwrap_or(StatusCode::BAD_REQUEST);
    match status {
        StatusCode::UNAUTHORIZED => Redirect::to("/console").into_response(),
        StatusCode::FORBIDDEN => error_page(ui, status, &ui.t(T::Forbidden)),
        StatusCode::NOT_FOUND => error_page(ui, status, &ui.t(T::NotFound)),
        _ => error_page(ui, status, &escape(&failure.0.message)),
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        CSS,
    )
}

fn sign_in_form(ui: &Ui, problem: Option<&str>) -> String {
    let alert = problem.map_or(String::new(), |text| {
        format!(r#"<p role="alert" class="problem">{text}</p>"#)
    });
    format!(
        r#"{alert}<form method="post" action="/console/sign-in" class="stack"><label for="token">{token}</label><input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-hint"><p id="token-hint" class="hint">{hint}</p><button type="submit">{sign_in}</button></form>"#,
        token = ui.t(T::Token),
        hint = ui.t(T::TokenHint),
        sign_in = ui.t(T::SignIn),
    )
}

/// `GET /console`: the sign-in form.
async fn sign_in_page(ui: Ui) -> Response {
    page(&ui, &ui.t(T::SignIn), None, &sign_in_form(&ui, None))
}

#[derive(Deserialize)]
struct SignIn {
    #[serde(default)]
    token: String,
}

/// `POST /console/sign-in`: checks the token as the API does, then sets the session cookie.
async fn sign_in(
    State(state): State<AppState>,
    ui: Ui,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    if !same_origin(&headers) {
        return error_page(&ui, StatusCode::FORBIDDEN, &ui.t(T::Forbidden));
    }
    let token = form.token.trim();
    let refused = |key: T| {
        let mut response = page(
            &ui,
            &ui.t(T::SignIn),
            None,
            &sign_in_form(&ui, Some(&ui.t(key))),
        );
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        response
    };
    let mut auth = HeaderMap::new();
    let Ok(bearer) = HeaderValue::from_str(&format!("Bearer {token}")) else {
        return refused(T::BadToken);
    };
    // A cookie value cannot hold these; no issued token does.
    if token.contains([';', ',', ' ']) {
        return refused(T::BadToken);
    }
    auth.insert(header::AUTHORIZATION, bearer);
    match principal(&state, &auth).await {
        Ok(caller) if console_role(caller.role) => {
            let cookie = set_cookie(&headers, SESSION_COOKIE, token, None);
            let mut response = Redirect::to("/console/home").into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Ok(_) => refused(T::WrongRole),
        Err(failure) if failure.0.status == StatusCode::UNAUTHORIZED.as_u16() => {
            refused(T::BadToken)
        }
        Err(failure) => failed(&ui, failure),
    }
}

/// `POST /console/sign-out`: forgets the session cookie.
async fn sign_out(ui: Ui, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return error_page(&ui, StatusCode::FORBIDDEN, &ui.t(T::Forbidden));
    }
    let cookie = set_cookie(&headers, SESSION_COOKIE, "", Some(0));
    let mut response = Redirect::to("/console").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn cookies_are_secure_except_plain_http_on_loopback() {
        assert!(!secure(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!secure(&headers(&[("host", "localhost")])));
        assert!(secure(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-proto", "https")
        ])));
        assert!(secure(&headers(&[("host", "vaora.example.vn")])));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        assert!(same_origin(&headers(&[
            ("host", "vaora.example.vn"),
            ("origin", "https://vaora.example.vn")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "vaora.example.vn"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "vaora.example.vn"),
            ("sec-fetch-site", "cross-site")
        ])));
        // What Chromium sends under `Referrer-Policy: no-referrer`.
        assert!(same_origin(&headers(&[
            ("host", "vaora.example.vn"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "vaora.example.vn"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn cookies_and_html_are_read_and_escaped() {
        let map = headers(&[("cookie", "a=1; vaora_console=tok; b=2")]);
        assert_eq!(cookie(&map, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&map, "c"), None);
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
