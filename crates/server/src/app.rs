//! The router and the state every handler shares.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::{middleware, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use vaora_protocol::venue_code::VenueSigner;

use crate::case_limit::CaseQueryLimit;
use crate::forms::Forms;
use crate::limits::{self, RateLimit};
use crate::routes;
use crate::store::Store;
use crate::trust::Trust;
use crate::unit_codes::UnitCodes;
use crate::verified::VerifiedCodes;

/// Largest accepted check-in body: a declaration is well under 2 KiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Shared, cheap-to-clone state.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub signer: Arc<VenueSigner>,
    pub admin_token: Arc<str>,
    /// Base URL written into poster links (e.g. `http://127.0.0.1:8080`).
    pub public_url: Arc<str>,
    /// Signing keys and their status, the programme's state.
    pub trust: Arc<Trust>,
    /// Venue codes whose signatures were checked, remembered.
    pub codes: Arc<VerifiedCodes>,
    /// Origins of the portals that embed the widget and call the API from their pages.
    pub cors_origins: Arc<[HeaderValue]>,
    /// Per-client request limit on the API; `None`: unlimited.
    pub rate_limit: Option<Arc<RateLimit>>,
    /// How long check-ins are kept, in days.
    pub retention_days: u32,
    /// The declaration forms check-ins answer, parsed once per version.
    pub forms: Arc<Forms>,
    /// The codes of the loaded administrative units, for checking unit answers.
    pub unit_codes: Arc<UnitCodes>,
    /// Case traces each token may run per hour.
    pub case_queries: Arc<CaseQueryLimit>,
}

impl AppState {
    /// State for a server that signs with `signer`. Until [`Trust::activate`] has read the
    /// store, it accepts only the codes `signer` signed.
    pub fn new(store: Store, signer: VenueSigner, admin_token: &str, public_url: &str) -> Self {
        let trust = Trust::new(signer.trusted_key());
        Self {
            store,
            signer: Arc::new(signer),
            admin_token: admin_token.into(),
            public_url: public_url.into(),
            trust: Arc::new(trust),
            codes: Arc::new(VerifiedCodes::new()),
            cors_origins: Arc::new([]),
            rate_limit: None,
            retention_days: crate::retention::DEFAULT_RETENTION_DAYS,
            forms: Arc::new(Forms::new()),
            unit_codes: Arc::new(UnitCodes::new()),
            case_queries: Arc::new(CaseQueryLimit::default()),
        }
    }

    /// Keeps check-ins for `days` (at least 1).
    pub fn with_retention_days(mut self, days: u32) -> Self {
        self.retention_days = days.max(1);
        self
    }

    /// Lets pages from `origins` (e.g. `https://portal.example.vn`) call the API.
    pub fn with_cors_origins(mut self, origins: Vec<HeaderValue>) -> Self {
        self.cors_origins = origins.into();
        self
    }

    /// Limits each client's requests to the API.
    pub fn with_rate_limit(mut self, limit: Option<Arc<RateLimit>>) -> Self {
        self.rate_limit = limit;
        self
    }
}

/// Server time in unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Builds the whole application: the `/v1` API, `/config.json`, and the static app from
/// `static_dir` ([`crate::static_app`]: any path that is not a file falls back to `index.html`,
/// so `/c#…` poster URLs open the app).
pub fn router(state: AppState, static_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/health", get(routes::health))
        .route("/openapi.json", get(routes::openapi))
        .route("/keys", get(routes::trust::keys))
        .route("/units", get(routes::units::children))
        .route("/units/{code}", get(routes::units::one))
        .route(
            "/admin/units",
            post(routes::units::import)
                .layer(DefaultBodyLimit::max(routes::units::MAX_UNITS_CSV_BYTES)),
        )
        .route("/declaration-form", get(routes::forms::current))
        .route("/declaration-form/{version}", get(routes::forms::version))
        .route(
            "/admin/declaration-form",
            axum::routing::put(routes::forms::publish),
        )
        .route("/programme", get(routes::trust::programme))
        .route(
            "/admin/programme",
            axum::routing::put(routes::trust::set_programme),
        )
        .route("/admin/keys/{kid}/revoke", post(routes::trust::revoke_key))
        .route(
            "/admin/venues/{venue_id}/revoke",
            post(routes::trust::revoke_venue),
        )
        .route("/checkins", post(routes::checkins::create))
        .route("/checkins/{id}/checkout", post(routes::checkins::check_out))
        .route("/stats/venues", get(routes::stats::venues))
        .route("/reports/units", get(routes::reports::units_dashboard))
        .route("/reports/units.csv", get(routes::reports::units_csv))
        .route("/reports/zero-scan", get(routes::reports::zero_scan))
        .route(
            "/reports/silent-venues",
            get(routes::reports::silent_venues),
        )
        .route(
            "/reports/silent-venues.pdf",
            get(routes::reports::silent_venues_pdf),
        )
        .route("/trace", get(routes::trace::trace))
        .route("/trace/cases", post(routes::cases::trace_case))
        .route("/admin/trace/cases", get(routes::cases::case_queries))
        .route(
            "/checkins/{id}/accesses",
            get(routes::cases::reads_of_checkin),
        )
        .route("/venues", post(routes::venues::register))
        .route(
            "/admin/venues/bulk",
            post(routes::venues::register_bulk)
                .layer(DefaultBodyLimit::max(routes::units::MAX_UNITS_CSV_BYTES)),
        )
        // Venue staff (optional part of the protocol).
        .route("/staff/checkins", post(routes::staff::check_in))
        .route("/staff/checkouts", post(routes::staff::check_out))
        .route("/staff/close-day", post(routes::staff::close_day))
        .route("/staff/venue", get(routes::staff::venue))
        .route("/staff/invitations", post(routes::staff::invite))
        .route("/staff/invitations/accept", post(routes::staff::accept))
        .route("/venues/{short_code}", get(routes::venues::lookup))
        .route(
            "/venues/{short_code}/poster.svg",
            get(routes::venues::poster_svg),
        )
        .route(
            "/venues/{short_code}/poster.pdf",
            get(routes::venues::poster_pdf),
        )
        .route("/admin/posters", post(routes::venues::posters_pdf))
        .route("/admin/checkins/{id}", get(routes::admin::checkin))
        .route(
            "/admin/checkins/{id}/accesses",
            get(routes::admin::accesses),
        )
        .route("/admin/purges", get(routes::admin::purges))
        .route(
            "/admin/tokens",
            post(routes::tokens::issue).get(routes::tokens::list),
        )
        .route("/admin/tokens/{id}/revoke", post(routes::tokens::revoke))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let api = match state.rate_limit.clone() {
        Some(limit) => api.layer(middleware::from_fn_with_state(limit, limits::limit)),
        None => api,
    };

    let mut app = Router::new()
        .nest("/v1", api)
        .route("/config.json", get(routes::client_config))
        .merge(crate::console::routes());
    if !state.cors_origins.is_empty() {
        // Outside the rate limit, so a 429 is readable by the embedding page too.
        app = app.layer(cors(&state.cors_origins));
    }
    if let Some(dir) = static_dir {
        app = app.merge(crate::static_app::routes(&dir));
    }
    crate::security::with_security_headers(app.with_state(state))
}

/// The API's CORS policy for embedding portals: their origins only, the protocol's methods and
/// headers, the replay header readable, preflights cached for a day.
fn cors(origins: &[HeaderValue]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([
            HeaderName::from_static("idempotent-replayed"),
            header::RETRY_AFTER,
        ])
        .max_age(std::time::Duration::from_secs(86_400))
}
