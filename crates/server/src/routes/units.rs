//! Administrative units: public reads for pickers and checks (`GET /v1/units?parent=…`,
//! `GET /v1/units/{code}`), and the administrator's CSV import of the whole set.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use vaora_protocol::api::{error_code, Role, Unit, UnitImport, UnitList};

use crate::app::AppState;
use crate::auth::principal;
use crate::error::ApiFailure;
use crate::units;

/// Largest CSV accepted: the 3-level list of ~10,700 units is about 600 KB.
pub const MAX_UNITS_CSV_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
pub struct Parent {
    parent: Option<String>,
}

fn unit_not_found() -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        error_code::UNIT_NOT_FOUND,
        "no administrative unit has this code",
    )
}

/// The units under `?parent=CODE`, or the top level.
pub async fn children(
    State(state): State<AppState>,
    Query(Parent { parent }): Query<Parent>,
) -> Result<Json<UnitList>, ApiFailure> {
    let parent = parent.filter(|p| !p.is_empty());
    if let Some(code) = &parent {
        if !units::is_unit_code(code) || state.store.unit(code.clone()).await?.is_none() {
            return Err(unit_not_found());
        }
    }
    Ok(Json(UnitList {
        units: state.store.units_under(parent).await?,
    }))
}

/// One unit.
pub async fn one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Unit>, ApiFailure> {
    if !units::is_unit_code(&code) {
        return Err(unit_not_found());
    }
    state
        .store
        .unit(code)
        .await?
        .map(Json)
        .ok_or_else(unit_not_found)
}

/// Replaces the whole set with a CSV (`code,name,type,parent`).
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Result<(StatusCode, Json<UnitImport>), ApiFailure> {
    principal(&state, &headers).await?.require(&[Role::Admin])?;
    let units = units::parse_csv(&body).map_err(|problem| {
        ApiFailure::new(
            StatusCode::BAD_REQUEST,
            error_code::VALIDATION_FAILED,
            problem,
        )
    })?;
    let imported = UnitImport {
        imported: units.len() as u64,
        top_level: units.iter().filter(|u| u.parent.is_none()).count() as u64,
    };
    state.store.replace_units(units).await?;
    state.unit_codes.refresh(&state.store).await?;
    Ok((StatusCode::OK, Json(imported)))
}
