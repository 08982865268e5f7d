//! The static app: precompressed files when accepted, the manifest's media type, the service
//! worker never cached by HTTP, any other path answered with the app.

use std::fs;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use vaora_server::static_app;

const INDEX: &str = "<!doctype html><title>Vaora</title>";
const MAIN_JS: &str = "console.log('Vaora');";
const MAIN_JS_BR: &[u8] = b"pretend brotli";

/// A `pkg/` with the shell files the build writes, one of them precompressed.
fn app() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: [(&str, &[u8]); 5] = [
        ("index.html", INDEX.as_bytes()),
        ("main.js", MAIN_JS.as_bytes()),
        ("main.js.br", MAIN_JS_BR),
        ("sw.js", b"self.addEventListener('fetch', () => {});"),
        ("manifest.webmanifest", b"{\"name\":\"Vaora\"}"),
    ];
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).expect("write pkg file");
    }
    (static_app::routes(dir.path()), dir)
}

async fn get(app: &Router, path: &str, accept_encoding: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::get(path)
        .header(header::ACCEPT_ENCODING, accept_encoding)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn brotli_is_served_to_browsers_that_accept_it() {
    let (app, _dir) = app();
    let (status, headers, body) = get(&app, "/main.js", "gzip, deflate, br, zstd").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_of(&headers, header::CONTENT_ENCODING), "br");
    assert!(header_of(&headers, header::CONTENT_TYPE).contains("javascript"));
    assert_eq!(body, MAIN_JS_BR);

    let (_, headers, body) = get(&app, "/main.js", "gzip").await;
    assert_eq!(header_of(&headers, header::CONTENT_ENCODING), "");
    assert_eq!(body, MAIN_JS.as_bytes());
}

#[tokio::test]
async fn the_manifest_has_its_media_type() {
    let (app, _dir) = app();
    let (status, headers, _) = get(&app, "/manifest.webmanifest", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_TYPE),
        "application/manifest+json"
    );
}

#[tokio::test]
async fn the_service_worker_is_revalidated_on_every_update_check() {
    let (app, _dir) = app();
    let (status, headers, _) = get(&app, "/sw.js", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_of(&headers, header::CACHE_CONTROL), "no-cache");
    assert!(header_of(&headers, header::CONTENT_TYPE).contains("javascript"));
    // Other files keep their ordinary caching.
    let (_, headers, _) = get(&app, "/main.js", "br").await;
    assert_eq!(header_of(&headers, header::CACHE_CONTROL), "");
}

#[tokio::test]
async fn poster_urls_open_the_app() {
    let (app, _dir) = app();
    let (status, headers, body) = get(&app, "/c", "gzip").await;
    assert_eq!(status, StatusCode::OK);
    assert!(header_of(&headers, header::CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(body, INDEX.as_bytes());
}
