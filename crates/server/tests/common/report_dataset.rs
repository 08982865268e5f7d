//! A generated dataset with known answers for the authority's reports, shared by the store suite
//! (both stores) and the HTTP tests: a city's districts and wards (one ward without venues, one
//! district whose every ward is silent on the report's day), venues registered on different
//! days (one after the day, one in its last millisecond, one withdrawn, one registered at
//! district level), check-ins over the 14 days ending on the day and just around them, by people
//! known by an ID number, a phone (typed in different ways), both, or neither, many coming back.
//!
//! The expected figures are computed here from the generated rows in plain Rust, by their
//! definitions — never from the store's SQL or `crate::reports`.
//!
//! The including module must have `NewCheckIn`, `Store` and `VenueRow` in scope.

// Each includer uses only part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};

use uuid::Uuid;
use vaora_protocol::api::{Unit, VenueKind};
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;
use vaora_protocol::reports::{
    TrendDay, UnitDashboard, UnitFigures, ZeroScanGroup, ZeroScanList, ZeroScanUnit,
};
use vaora_protocol::short_code::ShortCode;

use super::{NewCheckIn, Store, VenueRow};

/// The report's day, 2021-08-14 in Vietnam.
pub const DAY: &str = "2021-08-14";
/// Its first millisecond: 2021-08-14T00:00+07:00.
pub const DAY_START: i64 = 1_628_874_000_000;
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// (code, name, kind, parent).
const UNITS: &[(&str, &str, &str, Option<&str>)] = &[
    ("01", "Thành phố Hà Nội", "thành phố", None),
    ("001", "Quận Ba Đình", "quận", Some("01")),
    ("00001", "Phường Phúc Xá", "phường", Some("001")),
    ("00004", "Phường Trúc Bạch", "phường", Some("001")),
    ("00006", "Phường Vĩnh Phúc", "phường", Some("001")),
    ("002", "Quận Hoàn Kiếm", "quận", Some("01")),
    ("00037", "Phường Phúc Tân", "phường", Some("002")),
    ("00040", "Phường Đồng Xuân", "phường", Some("002")),
    ("282", "Huyện Mỹ Đức", "huyện", Some("01")),
    ("10477", "Xã Đồng Tâm", "xã", Some("282")),
    ("10480", "Xã Hương Sơn", "xã", Some("282")),
    ("02", "Tỉnh Hà Giang", "tỉnh", None),
    ("024", "Thành phố Hà Giang", "thành phố", Some("02")),
    ("00688", "Phường Quang Trung", "phường", Some("024")),
];

/// The district whose wards are all silent on [`DAY`] (they had check-ins before).
pub const SILENT_DISTRICT: &str = "002";
/// The ward with no venue at all.
pub const EMPTY_WARD: &str = "10480";

/// A generated venue.
#[derive(Clone, Debug)]
pub struct GenVenue {
    pub unit: &'static str,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// Set when loaded.
    pub id: u64,
}

/// A generated check-in.
#[derive(Clone, Debug)]
pub struct GenCheckIn {
    pub id: Uuid,
    /// Index into the venues.
    pub venue: usize,
    pub at: i64,
    /// Index of the person; `None` for a declaration with neither ID number nor phone.
    pub person: Option<usize>,
    pub declaration: Declaration,
}

/// The whole dataset.
pub struct Dataset {
    pub units: Vec<Unit>,
    pub venues: Vec<GenVenue>,
    pub checkins: Vec<GenCheckIn>,
}

/// A small deterministic generator (an LCG; no dependency, same rows everywhere).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// People: 0..PEOPLE; how each answers depends on `person % 4`.
const PEOPLE: u64 = 24;

fn answers_of(person: Option<usize>, visit: u64) -> Declaration {
    let mut answers = vec![
        ("full_name", Answer::Text(format!("Người {person:?}"))),
        ("consent", Answer::Bool(true)),
    ];
    if let Some(p) = person {
        let id = format!("0010990{p:05}");
        let local = format!("91234{p:04}");
        // The same phone typed three ways: one person for the person index.
        let phone = match visit % 3 {
            0 => format!("0{local}"),
            1 => format!("+84{local}"),
            _ => format!("0{} {} {}", &local[..2], &local[2..5], &local[5..]),
        };
        match p % 4 {
            0 => answers.push(("id_number", Answer::Text(id))),
            1 => answers.push(("phone", Answer::Text(phone))),
            2 => {
                answers.push(("id_number", Answer::Text(id.to_lowercase())));
                answers.push(("phone", Answer::Text(phone)));
            }
            // ID number with spaces and a phone that is no phone: only the ID counts.
            _ => {
                answers.push((
                    "id_number",
                    Answer::Text(format!("{} {}", &id[..6], &id[6..])),
                ));
                answers.push(("phone", Answer::Text("không có".into())));
            }
        }
    }
    Declaration {
        form_version: 1,
        answers: answers
            .into_iter()
            .map(|(id, answer)| (id.to_owned(), answer))
            .collect(),
    }
}

/// The dataset (the same every time).
pub fn generate() -> Dataset {
    let units = UNITS
        .iter()
        .map(|&(code, name, kind, parent)| Unit {
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            parent: parent.map(Into::into),
        })
        .collect();
    let day = |offset: i64| DAY_START + offset * DAY_MS;
    // (unit, registered at, withdrawn at)
    let plan: Vec<(&'static str, i64, Option<i64>)> = vec![
        ("00001", day(-30), None),
        ("00001", day(-20) + 5 * HOUR_MS, None),
        ("00001", day(-25), Some(day(-3) + 10 * HOUR_MS)), // withdrawn three days before
        ("00004", day(-16), None),
        ("00004", day(-6) + 13 * HOUR_MS, None), // registered inside the window
        ("00004", day(1), None),                 // registered the day after
        ("00004", day(1) - 1, None),             // in the day's last millisecond
        ("00006", day(-40), None),
        ("00006", day(-40), None), // never scanned
        ("00037", day(-30), None),
        ("00037", day(-30), None),
        ("00040", day(-30), None),
        ("10477", day(-30), None),
        ("10477", day(-10), None),
        ("10477", day(-2), None),
        ("001", day(-30), None), // registered at district level
        ("00688", day(-30), None),
        ("00688", day(-30), None),
    ];
    let never_scanned = 8;
    let venues: Vec<GenVenue> = plan
        .iter()
        .enumerate()
        .map(|(i, &(unit, created_at, revoked_at))| GenVenue {
            unit,
            name: format!("Điểm {i} {unit}"),
            created_at,
            revoked_at,
            id: 0,
        })
        .collect();
    let mut rng = Lcg(0x5eed_2021);
    let mut checkins = Vec::new();
    let mut visit = 0u64;
    for (index, venue) in venues.iter().enumerate() {
        if index == never_scanned {
            continue;
        }
        // From 15 days before to the day after: the window's edges are crossed both ways.
        for offset in -14..=1 {
            let start = day(offset);
            // The silent district is quiet on the day itself.
            let quiet = offset == 0 && ["00037", "00040"].contains(&venue.unit);
            let count = if quiet { 0 } else { rng.next(5) };
            for n in 0..count {
                let at = match n {
                    0 if offset % 3 == 0 => start, // the day's first millisecond
                    1 if offset % 4 == 0 => start + DAY_MS - 1, // and its last
                    _ => start + rng.next(DAY_MS as u64) as i64,
                };
                let open = at >= venue.created_at && venue.revoked_at.is_none_or(|r| at < r);
                if !open {
                    continue;
                }
                let person = (rng.next(5) != 0).then(|| rng.next(PEOPLE) as usize);
                visit += 1;
                checkins.push(GenCheckIn {
                    id: Uuid::from_u128(
                        0x2021_0814_0000_0000_0000_0000_0000_0000 | u128::from(visit),
                    ),
                    venue: index,
                    at,
                    person,
                    declaration: answers_of(person, visit),
                });
            }
        }
    }
    Dataset {
        units,
        venues,
        checkins,
    }
}

impl Dataset {
    /// Stores it through the `Storage` API; venue ids are filled in.
    pub async fn load(&mut self, store: &Store) {
        store
            .replace_units(self.units.clone())
            .await
            .expect("units");
        for (index, venue) in self.venues.iter_mut().enumerate() {
            venue.id = store.allocate_venue_id().await.expect("venue id");
            let row = VenueRow {
                id: venue.id,
                short_code: ShortCode::from_random([index as u8, 7, 7, 7, 7]),
                name: venue.name.clone(),
                unit_code: venue.unit.into(),
                venue_code: format!("CODE-{index}"),
                revoked_at: None,
                kind: VenueKind::Market,
                address: format!("{index} Phố Huế"),
                contact: "0912000000".into(),
            };
            store
                .insert_venue(row, venue.created_at)
                .await
                .expect("venue");
            if let Some(at) = venue.revoked_at {
                assert!(store.revoke_venue(venue.id, at).await.expect("revoke"));
            }
        }
        for checkin in &self.checkins {
            let venue = store
                .venue_by_id(self.venues[checkin.venue].id)
                .await
                .expect("read")
                .expect("venue");
            store
                .insert_checkin(NewCheckIn {
                    id: checkin.id,
                    venue,
                    declaration: checkin.declaration.clone(),
                    client_time: None,
                    received_at: checkin.at,
                })
                .await
                .expect("check-in");
        }
    }

    fn unit(&self, code: &str) -> &Unit {
        self.units.iter().find(|u| u.code == code).expect("unit")
    }

    /// Whether `code` is `ancestor` or below it (walking up the generated parents).
    fn within(&self, code: &str, ancestor: &str) -> bool {
        let mut current = Some(code.to_owned());
        while let Some(code) = current {
            if code == ancestor {
                return true;
            }
            current = self
                .units
                .iter()
                .find(|u| u.code == code)
                .and_then(|u| u.parent.clone());
        }
        false
    }

    fn has_children(&self, code: &str) -> bool {
        self.units.iter().any(|u| u.parent.as_deref() == Some(code))
    }

    /// The check-ins at venues in `unit`, received in `[from, to)`.
    fn checkins_in(&self, unit: &str, from: i64, to: i64) -> Vec<&GenCheckIn> {
        self.checkins
            .iter()
            .filter(|c| self.within(self.venues[c.venue].unit, unit) && c.at >= from && c.at < to)
            .collect()
    }

    fn active_venues(&self, unit: &str, from: i64, to: i64) -> u64 {
        let venues: HashSet<usize> = self
            .checkins_in(unit, from, to)
            .iter()
            .map(|c| c.venue)
            .collect();
        venues.len() as u64
    }

    fn visitors(&self, unit: &str, from: i64, to: i64) -> u64 {
        // A person is one visitor however they typed their keys; each anonymous check-in is one.
        let visitors: HashSet<String> = self
            .checkins_in(unit, from, to)
            .iter()
            .map(|c| c.person.map_or(c.id.to_string(), |p| format!("person {p}")))
            .collect();
        visitors.len() as u64
    }

    fn venues_with_code(&self, unit: &str, day_end: i64) -> u64 {
        self.venues
            .iter()
            .filter(|v| {
                self.within(v.unit, unit)
                    && v.created_at < day_end
                    && v.revoked_at.is_none_or(|r| r >= day_end)
            })
            .count() as u64
    }

    /// A unit's figures on [`DAY`].
    pub fn figures(&self, code: &str) -> UnitFigures {
        let (from, to) = (DAY_START, DAY_START + DAY_MS);
        UnitFigures {
            unit_code: code.into(),
            name: self.unit(code).name.clone(),
            has_children: self.has_children(code),
            venues_with_code: self.venues_with_code(code, to),
            venues_active_day: self.active_venues(code, from, to),
            venues_active_7_days: self.active_venues(code, to - 7 * DAY_MS, to),
            checkins: self.checkins_in(code, from, to).len() as u64,
            visitors: self.visitors(code, from, to),
        }
    }

    /// The dashboard of `code` on [`DAY`].
    pub fn dashboard(&self, code: &str) -> UnitDashboard {
        let mut children: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| u.parent.as_deref() == Some(code))
            .collect();
        children.sort_by(|a, b| a.code.cmp(&b.code));
        UnitDashboard {
            day: DAY.into(),
            from: DAY_START,
            to: DAY_START + DAY_MS,
            unit: self.figures(code),
            children: children.iter().map(|u| self.figures(&u.code)).collect(),
            // 2021-08-01 … 2021-08-14.
            trend: (1..=14)
                .map(|date| {
                    let from = DAY_START - (14 - date) * DAY_MS;
                    let to = from + DAY_MS;
                    TrendDay {
                        day: format!("2021-08-{date:02}"),
                        checkins: self.checkins_in(code, from, to).len() as u64,
                        active_venues: self.active_venues(code, from, to),
                        visitors: self.visitors(code, from, to),
                    }
                })
                .collect(),
        }
    }

    /// The zero-scan list of `code` on [`DAY`].
    pub fn zero_scan(&self, code: &str) -> ZeroScanList {
        let (from, to) = (DAY_START, DAY_START + DAY_MS);
        let mut groups: BTreeMap<Option<String>, Vec<ZeroScanUnit>> = BTreeMap::new();
        let mut wards: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| self.within(&u.code, code) && !self.has_children(&u.code))
            .collect();
        wards.sort_by(|a, b| a.code.cmp(&b.code));
        for ward in wards {
            if self.checkins_in(&ward.code, from, to).is_empty() {
                groups
                    .entry(ward.parent.clone())
                    .or_default()
                    .push(ZeroScanUnit {
                        unit_code: ward.code.clone(),
                        name: ward.name.clone(),
                        venues: self.venues_with_code(&ward.code, to),
                    });
            }
        }
        let groups: Vec<ZeroScanGroup> = groups
            .into_iter()
            .map(|(parent, units)| ZeroScanGroup {
                parent_name: parent
                    .as_deref()
                    .map_or(String::new(), |p| self.unit(p).name.clone()),
                parent_code: parent,
                venues: units.iter().map(|u| u.venues).sum(),
                units,
            })
            .collect();
        let name = self.unit(code).name.clone();
        ZeroScanList {
            unit_code: code.into(),
            title: format!("Danh sách đơn vị không có lượt quét mã QR ngày 14/08/2021 — {name}"),
            unit_name: name,
            day: DAY.into(),
            total_units: groups.iter().map(|g| g.units.len() as u64).sum(),
            total_venues: groups.iter().map(|g| g.venues).sum(),
            groups,
        }
    }
}
