//! The static app (`pkg/`): its files, brotli or gzip when the build left a precompressed copy
//! beside them and the browser accepts it, `index.html` for any other path (so `/c#…` poster
//! URLs open the app), and the service worker with a header that never delays its updates.

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The service worker's path; registered with scope `/`, so it must be served from the root.
pub const SERVICE_WORKER: &str = "/sw.js";

/// Routes serving the app from `dir` (to merge into the application's router).
pub fn routes<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    // Browsers compare the worker byte for byte on each visit; `no-cache` makes every
    // comparison ask this server (a cheap 304 when nothing changed) rather than an HTTP cache.
    let worker = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(
            ServeFile::new(dir.join(SERVICE_WORKER.trim_start_matches('/')))
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .route_service(SERVICE_WORKER, worker)
        .fallback_service(files)
}
