//! Posters: the SVG has the ward, the issue date and a QR that reads back as the venue's poster
//! URL at ≥ 150 mm; the PDF is A4 with its fonts embedded and Vietnamese text intact; the bulk
//! PDF has a page per venue and respects the officer's unit.

mod common;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use lopdf::{Document, Object};
use serde_json::{json, Value};
use tower::ServiceExt;
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};
use vaora_server::poster;

const ADMIN: &str = "posters-test-admin";
/// A4 in points.
const A4_PT: (f32, f32) = (595.28, 841.89);

async fn raw(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = app.clone().oneshot(request).await.expect("answer");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, bytes)
}

async fn get(app: &Router, path: &str) -> (StatusCode, HeaderMap, Bytes) {
    raw(
        app,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

async fn posters(app: &Router, token: &str, codes: &[String]) -> (StatusCode, HeaderMap, Bytes) {
    let request = Request::post("/v1/admin/posters")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "short_codes": codes }).to_string()))
        .expect("request");
    raw(app, request).await
}

/// A server with a small unit tree: Hà Nội › Huyện Mỹ Đức › Xã Đồng Tâm, and Hà Giang › Xã Xa.
async fn app(dir: &tempfile::TempDir) -> Router {
    let store = common::sqlite(dir).await;
    let app = router(
        AppState::new(store, VenueSigner::generate(), ADMIN, "http://vaora.test"),
        None,
    );
    let units = "code,name,type,parent\n01,Hà Nội,thành phố,\n282,Huyện Mỹ Đức,huyện,01\n\
                 10477,Xã Đồng Tâm,xã,282\n02,Hà Giang,tỉnh,\n20000,Xã Xa,xã,02\n";
    let import = Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .body(Body::from(units))
        .expect("request");
    assert_eq!(raw(&app, import).await.0, StatusCode::OK);
    app
}

/// Registers a venue as the administrator; its registration answer.
async fn register(app: &Router, name: &str, unit: &str) -> Value {
    let (status, venue) = common::call(
        app,
        "POST",
        "/v1/venues",
        Some(ADMIN),
        Some(json!({ "name": name, "unit_code": unit })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{venue}");
    venue
}

fn short_code(venue: &Value) -> String {
    venue["short_code"].as_str().expect("short code").to_owned()
}

/// Every page's MediaBox, in page order.
fn media_boxes(document: &Document) -> Vec<Vec<f32>> {
    document
        .get_pages()
        .values()
        .map(|&id| {
            let page = document
                .get_object(id)
                .and_then(Object::as_dict)
                .expect("page");
            page.get(b"MediaBox")
                .and_then(Object::as_array)
                .expect("MediaBox")
                .iter()
                .map(|n| n.as_float().expect("number"))
                .collect()
        })
        .collect()
}

fn assert_a4(document: &Document) {
    for media_box in media_boxes(document) {
        let [x0, y0, x1, y1] = media_box[..] else {
            panic!("MediaBox {media_box:?}");
        };
        assert!(
            (x1 - x0 - A4_PT.0).abs() <= 0.5 && (y1 - y0 - A4_PT.1).abs() <= 0.5,
            "not A4: {media_box:?}"
        );
    }
}

#[tokio::test]
async fn a_venue_poster_is_an_a4_pdf_with_embedded_fonts_and_intact_vietnamese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let venue = register(&app, "Chợ phiên Đồng Tâm", "10477").await;
    let code = short_code(&venue);

    let (status, headers, svg) = get(&app, &format!("/v1/venues/{code}/poster.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    let svg = String::from_utf8(svg.to_vec()).expect("utf-8");
    // The ward by name, the issue date (today, in Vietnam).
    assert!(svg.contains(">Xã Đồng Tâm<"), "{svg}");
    let today = poster::issue_date(vaora_server::app::now_ms());
    assert!(svg.contains(&format!("Issued: {today}")), "{svg}");

    let (status, headers, pdf) = get(&app, &format!("/v1/venues/{code}/poster.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!(
            "inline; filename=\"vaora-{}.pdf\"",
            ShortCode::parse(&code).expect("short code").display()
        )
        .as_str()
    );
    let document = Document::load_mem(&pdf).expect("the PDF parses");
    assert_eq!(document.get_pages().len(), 1);
    assert_a4(&document);
    // TrueType fonts embedded (subset by svg2pdf), no font left to the reader's system.
    let embedded = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.has(b"FontFile2"))
        .count();
    assert!(
        embedded >= 2,
        "sans regular and bold, mono bold: {embedded}"
    );
    // "Quét mã" survives: every one of its characters has a glyph mapped back to it.
    let to_unicode = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter_map(|dict| dict.get(b"ToUnicode").ok())
        .filter_map(|reference| reference.as_reference().ok())
        .filter_map(|id| document.get_object(id).ok())
        .filter_map(|object| object.as_stream().ok())
        .map(|stream| {
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone())
        })
        .map(|cmap| String::from_utf8_lossy(&cmap).to_uppercase())
        .collect::<Vec<_>>();
    assert!(!to_unicode.is_empty(), "the fonts have ToUnicode maps");
    for c in "Quét mã".chars().filter(|c| *c != ' ') {
        let hex = format!("<{:04X}>", c as u32);
        assert!(
            to_unicode.iter().any(|cmap| cmap.contains(&hex)),
            "{c:?} ({hex}) is mapped in no font"
        );
    }
    // And the PDF was made from a tree whose text is intact.
    let tree = vaora_server::pdf::tree(&svg).expect("tree");
    let mut texts = Vec::new();
    collect_text(tree.root(), &mut texts);
    assert!(
        texts
            .iter()
            .any(|text| text.starts_with("Quét mã bằng camera")),
        "{texts:?}"
    );
}

fn collect_text(group: &resvg::usvg::Group, out: &mut Vec<String>) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(group) => collect_text(group, out),
            resvg::usvg::Node::Text(text) => out.push(
                text.chunks()
                    .iter()
                    .map(|chunk| chunk.text())
                    .collect::<String>(),
            ),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_rendered_poster_reads_back_as_its_url_with_a_qr_of_at_least_150_mm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let venue = register(&app, "Nhà văn hoá thôn Đồng Tâm", "10477").await;
    let code = short_code(&venue);
    let (_, _, svg) = get(&app, &format!("/v1/venues/{code}/poster.svg")).await;
    let svg = String::from_utf8(svg.to_vec()).expect("utf-8");

    let tree = vaora_server::pdf::tree(&svg).expect("tree");
    let dpi = 150.0_f32;
    // usvg's canvas is in CSS px (96 per inch).
    let scale = dpi / 96.0;
    let (width, height) = (
        (tree.size().width() * scale).round() as u32,
        (tree.size().height() * scale).round() as u32,
    );
    let mm = |px: f32| px / dpi * 25.4;
    assert!((mm(width as f32) - 210.0).abs() < 0.5 && (mm(height as f32) - 297.0).abs() < 0.5);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).expect("pixmap");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let luma = vaora_scan::LumaImage::from_rgba(width as usize, height as usize, pixmap.data())
        .expect("luma");

    let decoded = vaora_scan::decode(&luma);
    let texts: Vec<_> = decoded.iter().filter_map(|d| d.text.as_deref()).collect();
    assert_eq!(texts, [venue["poster_url"].as_str().expect("poster url")]);

    // The QR symbol's side in pixels: the dark pixels' extent around where the tree puts it
    // (its quiet zone keeps text away).
    let qr = tree.node_by_id("qr").expect("the QR node");
    let bbox = qr.abs_bounding_box();
    let margin = 3.0 / 25.4 * dpi;
    let (x0, y0, x1, y1) = (
        (bbox.left() * scale - margin).max(0.0) as usize,
        (bbox.top() * scale - margin).max(0.0) as usize,
        ((bbox.right() * scale + margin) as usize).min(width as usize),
        ((bbox.bottom() * scale + margin) as usize).min(height as usize),
    );
    let data = pixmap.data();
    let dark = |x: usize, y: usize| data[(y * width as usize + x) * 4] < 128;
    let (mut left, mut top, mut right, mut bottom) = (usize::MAX, usize::MAX, 0, 0);
    for y in y0..y1 {
        for x in x0..x1 {
            if dark(x, y) {
                left = left.min(x);
                right = right.max(x);
                top = top.min(y);
                bottom = bottom.max(y);
            }
        }
    }
    let (side_x, side_y) = ((right + 1 - left) as f32, (bottom + 1 - top) as f32);
    assert!(
        mm(side_x) >= 150.0 && mm(side_y) >= 150.0,
        "QR {:.1} × {:.1} mm",
        mm(side_x),
        mm(side_y)
    );
    assert!(
        (side_x - side_y).abs() <= 2.0,
        "square: {side_x} × {side_y}"
    );
}

#[tokio::test]
async fn bulk_posters_are_one_page_per_venue_within_the_officers_unit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app(&dir).await;
    let (status, issued) = common::call(
        &app,
        "POST",
        "/v1/admin/tokens",
        Some(ADMIN),
        Some(json!({ "role": "officer", "label": "UBND huyện Mỹ Đức", "unit_code": "282" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let officer = issued["token"].as_str().expect("secret").to_owned();
    let mut own = Vec::new();
    for name in ["Chợ Đồng Tâm", "Trạm y tế xã", "Trường tiểu học"] {
        own.push(short_code(&register(&app, name, "10477").await));
    }
    let elsewhere = short_code(&register(&app, "Chợ Xa", "20000").await);

    let (status, headers, pdf) = posters(&app, &officer, &own).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    let document = Document::load_mem(&pdf).expect("the PDF parses");
    assert_eq!(document.get_pages().len(), 3);
    assert_a4(&document);

    // The administrator prints anywhere; the officer not outside their unit.
    let mut mixed = own.clone();
    mixed.push(elsewhere.clone());
    assert_eq!(posters(&app, ADMIN, &mixed).await.0, StatusCode::OK);
    let (status, _, body) = posters(&app, &officer, &mixed).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let error: Value = serde_json::from_slice(&body).expect("error");
    assert_eq!(error["code"], "forbidden");
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains(&elsewhere));

    // An unknown short code is named.
    let unknown = ShortCode::from_random([9, 8, 7, 6, 5]).display();
    let mut with_unknown = own.clone();
    with_unknown.insert(1, unknown.clone());
    let (status, _, body) = posters(&app, ADMIN, &with_unknown).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: Value = serde_json::from_slice(&body).expect("error");
    assert_eq!(error["code"], "venue_not_found");
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains(&unknown));

    // Too many, none, or no credentials.
    let too_many = vec![own[0].clone(); 501];
    let (status, _, body) = posters(&app, ADMIN, &too_many).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let error: Value = serde_json::from_slice(&body).expect("error");
    assert_eq!(error["code"], "body_too_large");
    assert_eq!(posters(&app, ADMIN, &[]).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(posters(&app, "", &own).await.0, StatusCode::UNAUTHORIZED);
}
