//! The authority's reports: a unit's daily figures with its children (the drill-down) and a
//! 14-day trend, the zero-scan list in the layout officials published (`Stt | Đơn vị | Số
//! lượng`), and the silent venues to follow up. Counts only, never personal data — except a
//! silent venue's contact, which only officers read.
//!
//! A *visitor* is a check-in's smallest person key (`id:…` sorts before `phone:…`, so an ID
//! number wins over a phone), or the check-in itself when its declaration gives neither: the
//! same person checking in twice counts once, two people without keys count twice.

use serde::{Deserialize, Serialize};

use crate::short_code::ShortCode;

/// One unit's figures on one day (Vietnam time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitFigures {
    pub unit_code: String,
    /// The unit's name (its code when the unit is not loaded).
    pub name: String,
    /// Whether units lie below it; at the lowest level `GET /v1/stats/venues` lists its venues.
    pub has_children: bool,
    /// Venues registered by the end of the day and not withdrawn by then.
    pub venues_with_code: u64,
    /// Venues with at least one check-in that day.
    pub venues_active_day: u64,
    /// Venues with at least one check-in in the 7 days ending that day.
    pub venues_active_7_days: u64,
    /// Check-ins that day.
    pub checkins: u64,
    /// Distinct visitors that day (see the module's definition).
    pub visitors: u64,
}

/// One day of a trend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrendDay {
    /// `YYYY-MM-DD`, Vietnam time.
    pub day: String,
    pub checkins: u64,
    /// Venues with at least one check-in that day.
    pub active_venues: u64,
    /// Distinct visitors that day.
    pub visitors: u64,
}

/// Answer of `GET /v1/reports/units`: a unit's figures, the same for each unit directly below
/// it, and the 14 days ending on `day`, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitDashboard {
    /// `YYYY-MM-DD`, Vietnam time.
    pub day: String,
    /// The day's start, unix ms (inclusive).
    pub from: i64,
    /// The day's end, unix ms (exclusive).
    pub to: i64,
    pub unit: UnitFigures,
    /// The units directly below, by code.
    pub children: Vec<UnitFigures>,
    pub trend: Vec<TrendDay>,
}

/// A ward (a unit with no units below it) without a single check-in on the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ZeroScanUnit {
    pub unit_code: String,
    pub name: String,
    /// Venues with a code in it (0 for a ward with no venue).
    pub venues: u64,
}

/// The zero-scan wards of one parent unit, with its subtotal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ZeroScanGroup {
    /// The parent's code; `null` for wards at the top of the hierarchy.
    pub parent_code: Option<String>,
    pub parent_name: String,
    /// Sum of the wards' venues.
    pub venues: u64,
    /// By code.
    pub units: Vec<ZeroScanUnit>,
}

/// Answer of `GET /v1/reports/zero-scan`: the wards under a unit without a single check-in on
/// the day, grouped by parent unit (by code), with totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ZeroScanList {
    pub unit_code: String,
    pub unit_name: String,
    /// `YYYY-MM-DD`, Vietnam time.
    pub day: String,
    /// The document's title, e.g. `Danh sách đơn vị không có lượt quét mã QR ngày 14/08/2021 —
    /// Huyện Mỹ Đức`.
    pub title: String,
    pub groups: Vec<ZeroScanGroup>,
    /// Number of wards listed.
    pub total_units: u64,
    /// Their venues with a code.
    pub total_venues: u64,
}

/// A venue registered long enough ago with no check-in for the period: someone should call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SilentVenue {
    pub venue_id: u64,
    pub name: String,
    pub short_code: ShortCode,
    pub unit_code: String,
    pub address: String,
    /// Whom to call or write to (may be empty).
    pub contact: String,
    /// unix ms
    pub registered_at: i64,
    /// The last check-in ever kept, unix ms; `null` if none.
    pub last_checkin_at: Option<i64>,
    /// The URL its poster's QR encodes.
    pub poster_url: String,
    /// Its printable poster, path on this server (`/v1/venues/{short_code}/poster.pdf`).
    pub poster_pdf: String,
}

/// Answer of `GET /v1/reports/silent-venues`: oldest registration first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SilentVenues {
    pub unit_code: String,
    /// The period: no check-in since `since`, registered before it.
    pub days: u32,
    /// unix ms
    pub since: i64,
    pub venues: Vec<SilentVenue>,
}

/// Counts below this are written `< 5` in exports meant for publication.
pub const PUBLISH_MIN_COUNT: u64 = 5;

/// Most silent venues' posters in one PDF (the poster batch's cap).
pub const SILENT_POSTERS_MAX: usize = crate::api::POSTER_BATCH_MAX;
