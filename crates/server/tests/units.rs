//! Administrative units through the API: a CSV import replaces the whole set (the official
//! post-2025 list when `VAORA_TEST_UNITS_CSV` names it — `cargo xtask test` fetches it — and the
//! 3-level shape of the earlier era), children are browsed by parent, venues must be in a unit.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::json;
use vaora_protocol::venue_code::VenueSigner;
use vaora_server::app::{router, AppState};

const ADMIN: &str = "units-test-token";

async fn app() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = common::sqlite(&dir).await;
    let state = AppState::new(store, VenueSigner::generate(), ADMIN, "http://vaora.test");
    (router(state, None), dir)
}

fn import(csv: String, token: &str) -> Request<Body> {
    Request::post("/v1/admin/units")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .body(Body::from(csv))
        .expect("request")
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

const THREE_LEVELS: &str = "code,name,type,parent
01,Thành phố Hà Nội,thành phố trung ương,
282,Huyện Mỹ Đức,huyện,01
10474,Thị trấn Đại Nghĩa,thị trấn,282
10477,Xã Đồng Tâm,xã,282
";

#[tokio::test]
async fn the_three_level_shape_imports_and_browses_by_parent() {
    let (app, _dir) = app().await;
    let (status, _) = common::send(&app, import(THREE_LEVELS.into(), "wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, imported) = common::send(&app, import(THREE_LEVELS.into(), ADMIN)).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported, json!({ "imported": 4, "top_level": 1 }));

    let (_, top) = common::send(&app, get("/v1/units")).await;
    assert_eq!(top["units"][0]["code"], "01");
    let (_, district) = common::send(&app, get("/v1/units?parent=01")).await;
    assert_eq!(district["units"][0]["name"], "Huyện Mỹ Đức");
    let (_, communes) = common::send(&app, get("/v1/units?parent=282")).await;
    let names: Vec<&str> = communes["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert_eq!(names, ["Thị trấn Đại Nghĩa", "Xã Đồng Tâm"]);
    let (status, one) = common::send(&app, get("/v1/units/10477")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        one,
        json!({ "code": "10477", "name": "Xã Đồng Tâm", "kind": "xã", "parent": "282" })
    );
    let (status, missing) = common::send(&app, get("/v1/units?parent=99")).await;
    assert_eq!(
        (status, missing["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unit_not_found"))
    );

    // Venues must now be in a known unit.
    let register = |unit: &str| {
        Request::post("/v1/venues")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "name": "Chợ Mỹ Đức", "unit_code": unit }).to_string(),
            ))
            .expect("request")
    };
    assert_eq!(
        common::send(&app, register("10477")).await.0,
        StatusCode::CREATED
    );
    let (status, refused) = common::send(&app, register("55555")).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unit_not_found"))
    );
}

#[tokio::test]
async fn a_bad_file_changes_nothing_and_says_where() {
    let (app, _dir) = app().await;
    common::send(&app, import(THREE_LEVELS.into(), ADMIN)).await;
    let broken = "code,name,type,parent\n01,Hà Nội,tỉnh,\n00070,Hoàn Kiếm,phường,02\n";
    let (status, error) = common::send(&app, import(broken.into(), ADMIN)).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("validation_failed"))
    );
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("00070")),
        "{error}"
    );
    let (_, district) = common::send(&app, get("/v1/units?parent=01")).await;
    assert_eq!(
        district["units"][0]["code"], "282",
        "the previous set is intact"
    );
}

#[tokio::test]
async fn the_official_2025_list_loads_34_provinces_and_3321_communes() {
    let Some(path) = std::env::var_os("VAORA_TEST_UNITS_CSV") else {
        eprintln!("units: the official list is not tested (VAORA_TEST_UNITS_CSV unset)");
        return;
    };
    let csv = std::fs::read_to_string(path).expect("official CSV");
    let (app, _dir) = app().await;
    let (status, imported) = common::send(&app, import(csv, ADMIN)).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported, json!({ "imported": 3_355, "top_level": 34 }));
    let (_, provinces) = common::send(&app, get("/v1/units")).await;
    let provinces = provinces["units"].as_array().cloned().unwrap_or_default();
    assert_eq!(provinces.len(), 34);
    let ha_noi = provinces
        .iter()
        .find(|p| p["code"] == "01")
        .expect("Hà Nội is 01");
    assert_eq!(ha_noi["name"], "Thành phố Hà Nội");
    let mut communes = 0;
    for province in &provinces {
        let code = province["code"].as_str().unwrap_or_default();
        let (_, wards) = common::send(&app, get(&format!("/v1/units?parent={code}"))).await;
        communes += wards["units"].as_array().map_or(0, Vec::len);
    }
    assert_eq!(communes, 3_321);
}
