//! The visits this device made and how each ends: a tap on "Check out", a rescan of the same
//! venue's code, the venue's default stay running out, or checking in somewhere else. The
//! check-outs decided here go into the outbox with the time the person left.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{DAY_MS, KEEP_DAYS};

/// The stay assumed when the server did not say how long visits to a venue last.
pub const FALLBACK_STAY_MINUTES: u32 = 120;

/// Why a visit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The visitor tapped "Check out".
    Button,
    /// The visitor scanned the same venue's code again on the way out.
    Rescan,
    /// The venue's default stay ran out.
    Stay,
    /// The same person checked in somewhere else.
    Elsewhere,
}

/// The end of a visit, as queued for the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOut {
    /// The check-out request's own id in the outbox.
    pub id: Uuid,
    /// When the person left (unix ms), sent as `left_at`.
    pub at: i64,
    pub reason: Reason,
}

/// One visit: a person's check-in at a venue and, once it ended, its check-out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// The check-in's id, generated on the device (the protocol's idempotency key).
    pub checkin_id: Uuid,
    pub person_id: Uuid,
    /// The person's name when they checked in, for "My visits".
    pub person_name: String,
    pub venue_id: u64,
    pub venue_name: String,
    /// The API the check-in went to (empty: the page's origin); its check-out goes there too.
    #[serde(default)]
    pub endpoint: String,
    /// When they checked in: the device's clock until the server's receipt says.
    pub checked_in_at: i64,
    /// The venue's default stay from the receipt, once delivered.
    #[serde(default)]
    pub stay_minutes: Option<u32>,
    #[serde(default)]
    pub checkout: Option<CheckOut>,
}

impl Visit {
    pub fn is_open(&self) -> bool {
        self.checkout.is_none()
    }

    /// When the visit ends by itself if nobody checks out.
    pub fn stay_ends_at(&self) -> i64 {
        let minutes = self.stay_minutes.unwrap_or(FALLBACK_STAY_MINUTES);
        self.checked_in_at + i64::from(minutes) * 60_000
    }

    /// The short code the confirmation shows (a guard can read it aloud): the check-in id's
    /// first six hex digits, as `7F3-A9C`.
    pub fn short_code(&self) -> String {
        short_code(self.checkin_id)
    }
}

/// The check-in code shown on the confirmation for check-in `id`.
pub fn short_code(id: Uuid) -> String {
    let hex = id.simple().to_string().to_ascii_uppercase();
    format!("{}-{}", &hex[..3], &hex[3..6])
}

/// A check-out decided by [`Visits`]: `checkin` is to be checked out as `checkout` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closing {
    pub checkin: Uuid,
    pub checkout: CheckOut,
}

/// Every visit the device keeps, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visits {
    visits: Vec<Visit>,
}

impl Visits {
    /// The visits read back from storage, in any order.
    pub fn from_stored(mut stored: Vec<Visit>) -> Visits {
        stored.sort_by_key(|v| (v.checked_in_at, v.checkin_id));
        Visits { visits: stored }
    }

    pub fn all(&self) -> &[Visit] {
        &self.visits
    }

    pub fn get(&self, checkin: Uuid) -> Option<&Visit> {
        self.visits.iter().find(|v| v.checkin_id == checkin)
    }

    /// Newest first, for "My visits".
    pub fn newest_first(&self) -> impl Iterator<Item = &Visit> {
        self.visits.iter().rev()
    }

    /// The open visit of `person` at `venue`, if they are there: scanning that venue again
    /// offers to check out.
    pub fn open_at(&self, venue: u64, person: Uuid) -> Option<&Visit> {
        self.visits
            .iter()
            .rev()
            .find(|v| v.is_open() && v.venue_id == venue && v.person_id == person)
    }

    /// Open visits at `venue` of anyone on this device.
    pub fn open_at_venue(&self, venue: u64) -> Vec<&Visit> {
        self.visits
            .iter()
            .filter(|v| v.is_open() && v.venue_id == venue)
            .collect()
    }

    /// Records a new check-in. The same person's open visits end now (they are elsewhere);
    /// those check-outs come back to be queued, each with an id from `new_id`. Recording the
    /// same check-in twice changes nothing.
    pub fn check_in(&mut self, visit: Visit, mut new_id: impl FnMut() -> Uuid) -> Vec<Closing> {
        if self.get(visit.checkin_id).is_some() {
            return Vec::new();
        }
        let at = visit.checked_in_at;
        let mut closed = Vec::new();
        for open in self
            .visits
            .iter_mut()
            .filter(|v| v.is_open() && v.person_id == visit.person_id)
        {
            let checkout = CheckOut {
                id: new_id(),
                at: at.max(open.checked_in_at),
                reason: Reason::Elsewhere,
            };
            open.checkout = Some(checkout);
            closed.push(Closing {
                checkin: open.checkin_id,
                checkout,
            });
        }
        self.visits.push(visit);
        closed
    }

    /// Ends visit `checkin` at `at` (never before it began) for `reason`, if it is open.
    pub fn check_out(
        &mut self,
        checkin: Uuid,
        at: i64,
        reason: Reason,
        id: Uuid,
    ) -> Option<Closing> {
        let visit = self
            .visits
            .iter_mut()
            .find(|v| v.checkin_id == checkin && v.is_open())?;
        let checkout = CheckOut {
            id,
            at: at.max(visit.checked_in_at),
            reason,
        };
        visit.checkout = Some(checkout);
        Some(Closing { checkin, checkout })
    }

    /// Ends every visit whose default stay ran out by `now`, at the moment it ran out.
    pub fn end_overdue(&mut self, now: i64, mut new_id: impl FnMut() -> Uuid) -> Vec<Closing> {
        let mut closed = Vec::new();
        for visit in self.visits.iter_mut().filter(|v| v.is_open()) {
            let ends = visit.stay_ends_at();
            if ends <= now {
                let checkout = CheckOut {
                    id: new_id(),
                    at: ends,
                    reason: Reason::Stay,
                };
                visit.checkout = Some(checkout);
                closed.push(Closing {
                    checkin: visit.checkin_id,
                    checkout,
                });
            }
        }
        closed
    }

    /// When the next open visit's stay runs out, to wake then.
    pub fn next_stay_end(&self) -> Option<i64> {
        self.visits
            .iter()
            .filter(|v| v.is_open())
            .map(Visit::stay_ends_at)
            .min()
    }

    /// The server stored check-in `checkin`: its receipt's time and the venue's stay replace
    /// the device's guesses.
    pub fn delivered(&mut self, checkin: Uuid, checked_in_at: i64, stay_minutes: Option<u32>) {
        if let Some(visit) = self.visits.iter_mut().find(|v| v.checkin_id == checkin) {
            visit.checked_in_at = checked_in_at;
            if stay_minutes.is_some() {
                visit.stay_minutes = stay_minutes;
            }
            if let Some(checkout) = &mut visit.checkout {
                checkout.at = checkout.at.max(checked_in_at);
            }
        }
    }

    /// Forgets visits that ended (or began, if never ended) more than [`KEEP_DAYS`] ago:
    /// the device keeps no longer than the server does. Returns the check-in ids forgotten.
    pub fn prune(&mut self, now: i64) -> Vec<Uuid> {
        let cutoff = now - KEEP_DAYS * DAY_MS;
        let mut gone = Vec::new();
        self.visits.retain(|v| {
            let last = v.checkout.map_or(v.checked_in_at, |c| c.at);
            let keep = last >= cutoff;
            if !keep {
                gone.push(v.checkin_id);
            }
            keep
        });
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut next = 100u8;
        move || {
            next += 1;
            id(next)
        }
    }

    fn visit(checkin: u8, person: u8, venue: u64, at: i64) -> Visit {
        Visit {
            checkin_id: id(checkin),
            person_id: id(person),
            person_name: "Ánh".into(),
            venue_id: venue,
            venue_name: format!("Venue {venue}"),
            endpoint: String::new(),
            checked_in_at: at,
            stay_minutes: None,
            checkout: None,
        }
    }

    #[test]
    fn checking_in_elsewhere_checks_the_same_person_out_then() {
        let mut visits = Visits::default();
        assert!(visits.check_in(visit(1, 1, 10, 0), ids()).is_empty());
        // Another person of this device stays where they are.
        assert!(visits.check_in(visit(2, 2, 10, MINUTE), ids()).is_empty());
        let closed = visits.check_in(visit(3, 1, 20, 30 * MINUTE), ids());
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].checkin, id(1));
        assert_eq!(closed[0].checkout.at, 30 * MINUTE);
        assert_eq!(closed[0].checkout.reason, Reason::Elsewhere);
        assert!(!visits.get(id(1)).unwrap().is_open());
        assert!(visits.get(id(2)).unwrap().is_open());
        assert!(visits.open_at(20, id(1)).is_some());
    }

    #[test]
    fn the_same_check_in_twice_is_recorded_once() {
        let mut visits = Visits::default();
        visits.check_in(visit(1, 1, 10, 0), ids());
        assert!(visits.check_in(visit(1, 1, 10, 0), ids()).is_empty());
        assert_eq!(visits.all().len(), 1);
        assert!(visits.get(id(1)).unwrap().is_open(), "not closed by itself");
    }

    #[test]
    fn a_rescan_or_button_checks_out_once_and_never_before_the_check_in() {
        let mut visits = Visits::default();
        visits.check_in(visit(1, 1, 10, 10 * MINUTE), ids());
        let closed = visits
            .check_out(id(1), 5 * MINUTE, Reason::Rescan, id(50))
            .unwrap();
        assert_eq!(closed.checkout.at, 10 * MINUTE);
        assert_eq!(
            visits.check_out(id(1), 20 * MINUTE, Reason::Button, id(51)),
            None
        );
        assert_eq!(visits.open_at(10, id(1)), None);
    }

    #[test]
    fn the_default_stay_ends_a_visit_when_it_ran_out() {
        let mut visits = Visits::default();
        visits.check_in(visit(1, 1, 10, 0), ids());
        visits.check_in(visit(2, 2, 11, 0), ids());
        visits.delivered(id(1), 0, Some(30));
        assert_eq!(visits.next_stay_end(), Some(30 * MINUTE));
        assert!(visits.end_overdue(29 * MINUTE, ids()).is_empty());
        let closed = visits.end_overdue(200 * MINUTE, ids());
        assert_eq!(closed.len(), 2);
        assert_eq!(closed[0].checkout.at, 30 * MINUTE, "the venue's stay");
        assert_eq!(
            closed[1].checkout.at,
            i64::from(FALLBACK_STAY_MINUTES) * MINUTE,
            "no stay from the server: the fallback"
        );
        assert!(closed.iter().all(|c| c.checkout.reason == Reason::Stay));
        assert_eq!(visits.next_stay_end(), None);
    }

    #[test]
    fn the_receipt_replaces_the_devices_clock() {
        let mut visits = Visits::default();
        visits.check_in(visit(1, 1, 10, 1_000), ids());
        visits.check_out(id(1), 1_500, Reason::Button, id(9));
        visits.delivered(id(1), 2_000, None);
        let v = visits.get(id(1)).unwrap();
        assert_eq!(v.checked_in_at, 2_000);
        assert_eq!(
            v.checkout.unwrap().at,
            2_000,
            "a check-out never precedes its check-in"
        );
    }

    #[test]
    fn old_visits_are_forgotten_after_the_keeping_period() {
        let mut visits = Visits::default();
        visits.check_in(visit(1, 1, 10, 0), ids());
        visits.check_out(id(1), MINUTE, Reason::Button, id(9));
        let later = KEEP_DAYS * DAY_MS;
        visits.check_in(visit(2, 1, 11, later), ids());
        assert!(visits.prune(later).is_empty());
        assert_eq!(visits.prune(later + 2 * MINUTE), vec![id(1)]);
        assert_eq!(visits.all().len(), 1);
    }

    #[test]
    fn short_codes_are_the_ids_first_hex_digits() {
        let visit = visit(0xab, 1, 10, 0);
        assert_eq!(visit.short_code(), "ABA-BAB");
    }

    #[test]
    fn newest_first_for_my_visits() {
        let visits = Visits::from_stored(vec![visit(2, 1, 11, 50), visit(1, 1, 10, 10)]);
        let order: Vec<_> = visits.newest_first().map(|v| v.checkin_id).collect();
        assert_eq!(order, vec![id(2), id(1)]);
    }
}
