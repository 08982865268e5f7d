//! Tracing a case: the case's visits through the person index, then, per visit, the venue's
//! check-ins around it (an indexed range), kept when their stay overlaps the case's stay plus the
//! after-window. The rule is documented in `vaora_protocol::tracing`.

use std::collections::HashSet;

use vaora_protocol::api::{CheckInRecord, VenueKind, TRACE_MAX_CHECKINS};
use vaora_protocol::person_key::PersonKey;
use vaora_protocol::tracing::{CaseContact, CaseVisit, STAY_MAX_MINUTES};

use crate::store::tracing::NextCheckIn;
use crate::store::{Store, StoreError};

const MINUTE_MS: i64 = 60_000;
const STAY_MAX_MS: i64 = STAY_MAX_MINUTES as i64 * MINUTE_MS;

/// What a trace found, before it is audited and handed out.
#[derive(Debug, Default)]
pub struct Traced {
    pub visits: Vec<CaseVisit>,
    pub contacts: Vec<CaseContact>,
    pub truncated: bool,
}

/// The person keys of a check-in's declaration, as indexed.
fn keys_of(record: &CheckInRecord) -> Vec<String> {
    PersonKey::of_answers(&record.declaration.answers)
        .iter()
        .map(PersonKey::to_string)
        .collect()
}

/// When a stay ends: its check-out, else the venue's default stay or the person's next check-in
/// elsewhere, whichever is first; never more than [`STAY_MAX_MINUTES`].
pub fn stay_until(record: &CheckInRecord, next_elsewhere: Option<i64>) -> i64 {
    let start = record.receipt.checked_in_at;
    let cap = start + STAY_MAX_MS;
    match record.checked_out_at {
        Some(out) => out.clamp(start, cap),
        None => {
            let minutes = record
                .receipt
                .default_stay_minutes
                .unwrap_or_else(|| VenueKind::default().default_stay_minutes());
            let default_end = start + i64::from(minutes) * MINUTE_MS;
            next_elsewhere
                .map_or(default_end, |next| default_end.min(next))
                .clamp(start, cap)
        }
    }
}

/// The overlap of `[start, end)` with `[from, to)`, if not empty.
pub fn overlap(start: i64, end: i64, from: i64, to: i64) -> Option<(i64, i64)> {
    let (from, to) = (start.max(from), end.min(to));
    (to > from).then_some((from, to))
}

/// Whole minutes covering `ms`, rounded up.
fn minutes_up(ms: i64) -> u32 {
    u32::try_from((ms + MINUTE_MS - 1) / MINUTE_MS).unwrap_or(u32::MAX)
}

/// The next check-ins elsewhere of open stays (`None` for closed ones, not asked).
async fn ends_of(store: &Store, records: &[&CheckInRecord]) -> Result<Vec<i64>, StoreError> {
    let open: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].checked_out_at.is_none())
        .collect();
    let queries = open
        .iter()
        .map(|&i| NextCheckIn {
            people: keys_of(records[i]),
            venue: records[i].receipt.venue_id,
            after: records[i].receipt.checked_in_at,
        })
        .collect();
    let mut next = vec![None; records.len()];
    for (i, at) in open.into_iter().zip(store.next_checkins(queries).await?) {
        next[i] = at;
    }
    Ok(records
        .iter()
        .zip(next)
        .map(|(record, next)| stay_until(record, next))
        .collect())
}

/// The visits of the person `key` entered in `[from, to)` and everyone co-present with them,
/// longest overlap first.
pub async fn trace(
    store: &Store,
    key: &PersonKey,
    from: i64,
    to: i64,
    after_minutes: u32,
) -> Result<Traced, StoreError> {
    let limit = TRACE_MAX_CHECKINS as u32 + 1;
    let mut records = store.checkins_of(key.to_string(), from, to, limit).await?;
    let mut truncated = records.len() > TRACE_MAX_CHECKINS;
    records.truncate(TRACE_MAX_CHECKINS);
    let case_keys: HashSet<String> = records
        .iter()
        .flat_map(keys_of)
        .chain([key.to_string()])
        .collect();
    let case_ids: HashSet<_> = records.iter().map(|r| r.receipt.id).collect();
    let ends = ends_of(store, &records.iter().collect::<Vec<_>>()).await?;
    let visits: Vec<CaseVisit> = records
        .into_iter()
        .zip(ends)
        .map(|(record, stay_until)| CaseVisit { record, stay_until })
        .collect();

    let after_ms = i64::from(after_minutes) * MINUTE_MS;
    // Candidates whose stay, uncapped by a next check-in, overlaps a visit's exposure.
    let mut candidates: Vec<(usize, CheckInRecord)> = Vec::new();
    for (index, visit) in visits.iter().enumerate() {
        let start = visit.record.receipt.checked_in_at;
        let exposure_end = visit.stay_until + after_ms;
        let mut around = store
            .checkins_entered_at(
                visit.record.receipt.venue_id,
                start - STAY_MAX_MS,
                exposure_end,
                limit,
            )
            .await?;
        truncated |= around.len() > TRACE_MAX_CHECKINS;
        around.truncate(TRACE_MAX_CHECKINS);
        candidates.extend(
            around
                .into_iter()
                .filter(|other| !case_ids.contains(&other.receipt.id))
                .filter(|other| !keys_of(other).iter().any(|k| case_keys.contains(k)))
                .filter(|other| {
                    overlap(
                        other.receipt.checked_in_at,
                        stay_until(other, None),
                        start,
                        exposure_end,
                    )
                    .is_some()
                })
                .map(|other| (index, other)),
        );
    }
    let ends = ends_of(
        store,
        &candidates.iter().map(|(_, r)| r).collect::<Vec<_>>(),
    )
    .await?;
    let mut contacts: Vec<CaseContact> = candidates
        .into_iter()
        .zip(ends)
        .filter_map(|((index, record), end)| {
            let visit = &visits[index];
            let start = visit.record.receipt.checked_in_at;
            let (overlap_from, overlap_to) = overlap(
                record.receipt.checked_in_at,
                end,
                start,
                visit.stay_until + after_ms,
            )?;
            Some(CaseContact {
                case_checkin_id: visit.record.receipt.id,
                stay_until: end,
                overlap_from,
                overlap_to,
                overlap_minutes: minutes_up(overlap_to - overlap_from),
                record,
            })
        })
        .collect();
    contacts.sort_by(|a, b| {
        (b.overlap_to - b.overlap_from)
            .cmp(&(a.overlap_to - a.overlap_from))
            .then(a.overlap_from.cmp(&b.overlap_from))
            .then(a.record.receipt.id.cmp(&b.record.receipt.id))
    });
    truncated |= contacts.len() > TRACE_MAX_CHECKINS;
    contacts.truncate(TRACE_MAX_CHECKINS);
    Ok(Traced {
        visits,
        contacts,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use vaora_protocol::api::CheckInReceipt;
    use vaora_protocol::declaration::Declaration;

    fn stay(checked_in_at: i64, out: Option<i64>, default_minutes: u32) -> CheckInRecord {
        CheckInRecord {
            receipt: CheckInReceipt {
                id: Uuid::nil(),
                venue_id: 1,
                venue_name: "Chợ".into(),
                unit_code: "01".into(),
                checked_in_at,
                default_stay_minutes: Some(default_minutes),
            },
            declaration: Declaration {
                form_version: 1,
                answers: Default::default(),
            },
            client_time: None,
            checked_out_at: out,
            entered_by: None,
        }
    }

    #[test]
    fn an_open_stay_lasts_the_default_or_until_the_next_check_in_elsewhere() {
        let open = stay(0, None, 60);
        assert_eq!(stay_until(&open, None), 60 * MINUTE_MS);
        assert_eq!(stay_until(&open, Some(10 * MINUTE_MS)), 10 * MINUTE_MS);
        assert_eq!(stay_until(&open, Some(90 * MINUTE_MS)), 60 * MINUTE_MS);
        assert_eq!(
            stay_until(&stay(0, Some(5), 60), Some(1)),
            5,
            "a check-out wins"
        );
        assert_eq!(
            stay_until(&stay(0, Some(3 * STAY_MAX_MS), 60), None),
            STAY_MAX_MS,
            "a forgotten check-out counts for a day at most"
        );
    }

    #[test]
    fn touching_intervals_do_not_overlap() {
        assert_eq!(overlap(0, 10, 10, 20), None);
        assert_eq!(overlap(0, 11, 10, 20), Some((10, 11)));
        assert_eq!(overlap(12, 30, 10, 20), Some((12, 20)));
        assert_eq!(minutes_up(1), 1);
        assert_eq!(minutes_up(MINUTE_MS), 1);
        assert_eq!(minutes_up(MINUTE_MS + 1), 2);
    }
}
