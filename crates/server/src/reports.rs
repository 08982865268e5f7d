//! The authority's figures, computed from the rows `store::reports` reads (the same for both
//! stores): a unit's day with its children and a 14-day trend, and the zero-scan list. Pure
//! functions of those rows; the handlers are in `routes::reports`, the files in `exports`.

use std::collections::{HashMap, HashSet};

use vaora_protocol::api::Unit;
use vaora_protocol::reports::{
    TrendDay, UnitDashboard, UnitFigures, ZeroScanGroup, ZeroScanList, ZeroScanUnit,
};

use crate::local_day::LocalDay;
use crate::store::reports::{ReportCheckIn, ReportVenue};

/// Days in a dashboard's trend, ending on its day.
pub const TREND_DAYS: i64 = 14;
/// "Active in the last week": the days ending on the report's day.
const WEEK_DAYS: i64 = 7;

/// What a unit's subtree holds: its units (itself included), venues and check-ins.
pub struct Subtree<'a> {
    pub root: &'a Unit,
    pub units: &'a [Unit],
    pub venues: &'a [ReportVenue],
    pub checkins: &'a [ReportCheckIn],
}

/// Whether a venue had a valid code at the end of `day`: registered before it ended and not
/// withdrawn by then.
fn has_code(venue: &ReportVenue, day: LocalDay) -> bool {
    venue.created_at < day.end() && venue.revoked_at.is_none_or(|at| at >= day.end())
}

/// Counts over a set of venues and their check-ins, per day of the trend window.
struct Tally<'a> {
    first_day: LocalDay,
    checkins: Vec<u64>,
    venues: Vec<HashSet<u64>>,
    visitors: Vec<HashSet<&'a str>>,
}

impl<'a> Tally<'a> {
    fn new(first_day: LocalDay, days: i64) -> Self {
        let days = days as usize;
        Self {
            first_day,
            checkins: vec![0; days],
            venues: vec![HashSet::new(); days],
            visitors: vec![HashSet::new(); days],
        }
    }

    fn add(&mut self, checkin: &'a ReportCheckIn) {
        let index = LocalDay::of(checkin.checked_in_at).0 - self.first_day.0;
        let Some(index) = usize::try_from(index)
            .ok()
            .filter(|&i| i < self.checkins.len())
        else {
            return;
        };
        self.checkins[index] += 1;
        self.venues[index].insert(checkin.venue_id);
        self.visitors[index].insert(&checkin.visitor);
    }

    fn index(&self, day: LocalDay) -> usize {
        (day.0 - self.first_day.0) as usize
    }

    /// Venues active in the `days` days ending on `day`.
    fn active_venues(&self, day: LocalDay, days: i64) -> u64 {
        let last = self.index(day);
        let first = last + 1 - days as usize;
        let mut venues: HashSet<u64> = HashSet::new();
        for day_venues in &self.venues[first..=last] {
            venues.extend(day_venues);
        }
        venues.len() as u64
    }

    fn figures(&self, unit: UnitLabel, venues_with_code: u64, day: LocalDay) -> UnitFigures {
        let index = self.index(day);
        UnitFigures {
            unit_code: unit.code,
            name: unit.name,
            has_children: unit.has_children,
            venues_with_code,
            venues_active_day: self.venues[index].len() as u64,
            venues_active_7_days: self.active_venues(day, WEEK_DAYS),
            checkins: self.checkins[index],
            visitors: self.visitors[index].len() as u64,
        }
    }
}

struct UnitLabel {
    code: String,
    name: String,
    has_children: bool,
}

/// The dashboard of `tree.root` on `day`: its figures, each child's, and the trend. The
/// check-ins must cover the [`TREND_DAYS`] days ending on `day`.
pub fn dashboard(tree: &Subtree<'_>, day: LocalDay) -> UnitDashboard {
    let first_day = day.minus(TREND_DAYS - 1);
    let root = tree.root.code.as_str();
    let parents: HashSet<&str> = tree
        .units
        .iter()
        .filter_map(|u| u.parent.as_deref())
        .collect();
    let children: Vec<&Unit> = tree
        .units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(root))
        .collect();
    let child_of = children_of_root(tree.units, root);
    let venue_child: HashMap<u64, usize> = tree
        .venues
        .iter()
        .filter_map(|v| child_of.get(v.unit_code.as_str()).map(|&c| (v.id, c)))
        .collect();

    let mut total = Tally::new(first_day, TREND_DAYS);
    // Children need the last week only.
    let week = day.minus(WEEK_DAYS - 1);
    let mut per_child: Vec<Tally<'_>> = children
        .iter()
        .map(|_| Tally::new(week, WEEK_DAYS))
        .collect();
    for checkin in tree.checkins {
        total.add(checkin);
        if let Some(&child) = venue_child.get(&checkin.venue_id) {
            per_child[child].add(checkin);
        }
    }
    let mut total_codes = 0;
    let mut child_codes = vec![0u64; children.len()];
    for venue in tree.venues.iter().filter(|v| has_code(v, day)) {
        total_codes += 1;
        if let Some(&child) = venue_child.get(&venue.id) {
            child_codes[child] += 1;
        }
    }
    let label = |unit: &Unit| UnitLabel {
        code: unit.code.clone(),
        name: unit.name.clone(),
        has_children: parents.contains(unit.code.as_str()),
    };
    let trend = (0..TREND_DAYS)
        .map(|offset| {
            let index = offset as usize;
            TrendDay {
                day: LocalDay(first_day.0 + offset).iso(),
                checkins: total.checkins[index],
                active_venues: total.venues[index].len() as u64,
                visitors: total.visitors[index].len() as u64,
            }
        })
        .collect();
    UnitDashboard {
        day: day.iso(),
        from: day.start(),
        to: day.end(),
        unit: total.figures(label(tree.root), total_codes, day),
        children: children
            .iter()
            .zip(&per_child)
            .zip(child_codes)
            .map(|((unit, tally), codes)| tally.figures(label(unit), codes, day))
            .collect(),
        trend,
    }
}

/// For each unit of the subtree below `root`: the index (in code order) of the child of `root`
/// it lies in.
fn children_of_root<'a>(units: &'a [Unit], root: &str) -> HashMap<&'a str, usize> {
    let parent: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.code.as_str(), u.parent.as_deref()?)))
        .collect();
    let child_index: HashMap<&str, usize> = units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(root))
        .enumerate()
        .map(|(i, u)| (u.code.as_str(), i))
        .collect();
    let mut found = HashMap::new();
    for unit in units {
        let mut code = unit.code.as_str();
        // The hierarchy is a tree (checked on import); the bound guards against a bad row.
        for _ in 0..units.len() {
            if let Some(&index) = child_index.get(code) {
                found.insert(unit.code.as_str(), index);
                break;
            }
            match parent.get(code) {
                Some(&up) if code != root => code = up,
                _ => break,
            }
        }
    }
    found
}

/// The wards (units with no unit below them) of `tree` without a check-in on `day`, grouped by
/// parent. `root_parent` names the group when the root is itself a ward (its parent lies above
/// the subtree). The check-ins must cover `day`.
pub fn zero_scan(tree: &Subtree<'_>, day: LocalDay, root_parent: Option<&Unit>) -> ZeroScanList {
    let parents: HashSet<&str> = tree
        .units
        .iter()
        .filter_map(|u| u.parent.as_deref())
        .collect();
    let venue_unit: HashMap<u64, &str> = tree
        .venues
        .iter()
        .map(|v| (v.id, v.unit_code.as_str()))
        .collect();
    let scanned: HashSet<&str> = tree
        .checkins
        .iter()
        .filter(|c| c.checked_in_at >= day.start() && c.checked_in_at < day.end())
        .filter_map(|c| venue_unit.get(&c.venue_id).copied())
        .collect();
    let mut codes: HashMap<&str, u64> = HashMap::new();
    for venue in tree.venues.iter().filter(|v| has_code(v, day)) {
        *codes.entry(venue.unit_code.as_str()).or_default() += 1;
    }
    let names: HashMap<&str, &str> = tree
        .units
        .iter()
        .chain(root_parent)
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    // By parent code, then ward code (units are sorted by code).
    let mut groups: Vec<ZeroScanGroup> = Vec::new();
    let mut silent: Vec<&Unit> = tree
        .units
        .iter()
        .filter(|u| !parents.contains(u.code.as_str()) && !scanned.contains(u.code.as_str()))
        .collect();
    silent.sort_by(|a, b| (&a.parent, &a.code).cmp(&(&b.parent, &b.code)));
    for ward in silent {
        let venues = codes.get(ward.code.as_str()).copied().unwrap_or(0);
        if groups.last().is_none_or(|g| g.parent_code != ward.parent) {
            let parent_name = ward.parent.as_deref().map_or(String::new(), |code| {
                names.get(code).map_or(code, |n| n).to_owned()
            });
            groups.push(ZeroScanGroup {
                parent_code: ward.parent.clone(),
                parent_name,
                venues: 0,
                units: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.venues += venues;
            group.units.push(ZeroScanUnit {
                unit_code: ward.code.clone(),
                name: ward.name.clone(),
                venues,
            });
        }
    }
    ZeroScanList {
        unit_code: tree.root.code.clone(),
        unit_name: tree.root.name.clone(),
        day: day.iso(),
        title: format!(
            "Danh sách đơn vị không có lượt quét mã QR ngày {} — {}",
            day.dmy(),
            tree.root.name
        ),
        total_units: groups.iter().map(|g| g.units.len() as u64).sum(),
        total_venues: groups.iter().map(|g| g.venues).sum(),
        groups,
    }
}
