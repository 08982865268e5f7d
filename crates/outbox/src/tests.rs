use std::collections::HashSet;

use super::*;

fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

fn queued(ids: &[u8]) -> Outbox {
    let mut outbox = Outbox::default();
    for &n in ids {
        assert!(outbox.enqueue(id(n), Kind::CheckIn, format!("{{\"n\":{n}}}"), 1_000));
    }
    outbox
}

#[test]
fn requests_go_oldest_first_one_at_a_time_and_are_counted_until_delivered() {
    let mut outbox = queued(&[1, 2]);
    assert_eq!(outbox.pending(), 2);
    let first = outbox.next_due(1_000).expect("due");
    assert_eq!((first.id, first.body.as_str()), (id(1), "{\"n\":1}"));
    assert_eq!(outbox.next_due(1_000).map(|e| e.id), Some(id(2)));
    assert_eq!(outbox.next_due(1_000), None, "both are being sent");
    outbox.record(id(1), Outcome::Delivered, 1_100);
    assert_eq!(outbox.pending(), 1);
    outbox.record(id(2), Outcome::Delivered, 1_100);
    assert_eq!(outbox.pending(), 0);
    assert_eq!(outbox.wake_at(), None);
}

#[test]
fn queuing_the_same_id_twice_keeps_one_request() {
    let mut outbox = queued(&[1]);
    assert!(!outbox.enqueue(id(1), Kind::CheckIn, "{\"other\":1}".into(), 2_000));
    assert_eq!(outbox.entries().len(), 1);
    assert_eq!(
        outbox.entries()[0].body,
        "{\"n\":1}",
        "the first body stays"
    );
}

#[test]
fn a_failed_send_waits_longer_each_time_up_to_the_cap() {
    let mut outbox = queued(&[1]);
    let backoff = Backoff::default();
    let mut now = 1_000;
    let mut waits = Vec::new();
    for failures in 1..=12 {
        let entry = outbox.next_due(now).expect("due");
        outbox.record(entry.id, Outcome::Retry, now);
        let due = outbox.wake_at().expect("waiting");
        let wait = due - now;
        assert_eq!(wait, backoff.delay_ms(id(1), failures));
        assert_eq!(outbox.next_due(due - 1), None, "not before it is due");
        waits.push(wait);
        now = due;
    }
    // Jitter keeps each wait within [base/2, base): growth is visible on the bases.
    for (failures, wait) in (1..).zip(&waits) {
        let base = (2_000_i64 << (failures - 1).min(30)).min(300_000);
        assert!(
            (base / 2..base).contains(wait),
            "{failures}: {wait} of {base}"
        );
    }
    assert_eq!(outbox.entries()[0].failures, 12);
}

#[test]
fn jitter_spreads_phones_that_failed_together() {
    let backoff = Backoff::default();
    let waits: HashSet<i64> = (0..50).map(|n| backoff.delay_ms(id(n), 3)).collect();
    assert!(waits.len() > 40, "{} distinct waits of 50", waits.len());
    assert_eq!(backoff.delay_ms(id(7), 3), backoff.delay_ms(id(7), 3));
}

#[test]
fn coming_back_online_sends_at_once() {
    let mut outbox = queued(&[1]);
    let entry = outbox.next_due(1_000).expect("due");
    outbox.record(entry.id, Outcome::Retry, 1_000);
    assert_eq!(outbox.next_due(1_500), None);
    outbox.online(1_500);
    assert_eq!(outbox.next_due(1_500).map(|e| e.id), Some(id(1)));
}

#[test]
fn a_refused_request_is_not_sent_again_nor_its_check_out() {
    let mut outbox = queued(&[1]);
    outbox.enqueue(id(2), Kind::CheckOut { checkin: id(1) }, "{}".into(), 1_000);
    let entry = outbox.next_due(1_000).expect("due");
    outbox.record(entry.id, Outcome::Rejected("venue_revoked".into()), 1_200);
    assert_eq!(outbox.next_due(10_000_000), None);
    assert_eq!(outbox.pending(), 0);
    assert!(matches!(
        &outbox.entries()[0].state,
        State::Rejected { code, .. } if code == "venue_revoked"
    ));
    assert!(matches!(
        &outbox.entries()[1].state,
        State::Rejected { code, .. } if code == "checkin_rejected"
    ));
}

#[test]
fn a_check_out_waits_for_its_check_in() {
    let mut outbox = queued(&[1]);
    outbox.enqueue(id(2), Kind::CheckOut { checkin: id(1) }, "{}".into(), 1_000);
    let checkin = outbox.next_due(1_000).expect("the check-in");
    assert_eq!(checkin.id, id(1));
    assert_eq!(
        outbox.next_due(1_000),
        None,
        "not while the check-in is unanswered"
    );
    outbox.record(id(1), Outcome::Retry, 1_000);
    assert_eq!(
        outbox.next_due(1_000),
        None,
        "nor while it waits to be sent again"
    );
    outbox.online(1_000);
    outbox.next_due(1_000).expect("the check-in again");
    outbox.record(id(1), Outcome::Delivered, 1_100);
    assert_eq!(outbox.next_due(1_100).map(|e| e.id), Some(id(2)));
}

#[test]
fn a_kiosk_exit_waits_for_the_entry_it_queued_and_carries_the_staff_token() {
    let mut outbox = Outbox::new(Backoff::default());
    outbox.enqueue_as(
        "",
        "vaora_staff",
        id(1),
        Kind::StaffCheckIn,
        "{}".into(),
        1_000,
    );
    outbox.enqueue_as(
        "",
        "vaora_staff",
        id(2),
        Kind::StaffCheckOut { after: Some(id(1)) },
        "{}".into(),
        1_000,
    );
    // An exit of someone this kiosk did not let in waits for nothing.
    outbox.enqueue_as(
        "",
        "vaora_staff",
        id(3),
        Kind::StaffCheckOut { after: None },
        "{}".into(),
        1_000,
    );
    let entry = outbox.next_due(1_000).expect("the entry");
    assert_eq!((entry.id, entry.token.as_str()), (id(1), "vaora_staff"));
    outbox.record(id(1), Outcome::Retry, 1_000);
    assert_eq!(outbox.next_due(1_000).map(|e| e.id), Some(id(3)));
    outbox.record(id(3), Outcome::Delivered, 1_000);
    assert_eq!(outbox.next_due(1_000), None, "the exit waits for its entry");
    outbox.online(1_000);
    outbox.next_due(1_000).expect("the entry again");
    outbox.record(
        id(1),
        Outcome::Rejected("personal_code_invalid".into()),
        1_100,
    );
    assert!(matches!(
        &outbox.entry(id(2)).expect("queued").state,
        State::Rejected { code, .. } if code == "checkin_rejected"
    ));
    let json = serde_json::to_value(outbox.entry(id(2))).expect("json");
    assert_eq!(json["kind"], "staff_check_out");
    assert_eq!(json["token"], "vaora_staff");
    let plain = serde_json::to_value(queued(&[9]).entry(id(9))).expect("json");
    assert!(plain.get("token").is_none(), "a visitor's request has none");
}

#[test]
fn after_a_reload_what_was_being_sent_is_sent_again() {
    let mut outbox = queued(&[1]);
    outbox.next_due(1_000).expect("due");
    // The page dies here; the queue was saved with the request marked as sending.
    let saved = serde_json::to_string(&outbox).expect("serialises");
    let mut restored: Outbox = serde_json::from_str(&saved).expect("restores");
    assert_eq!(restored, outbox);
    assert_eq!(restored.next_due(5_000), None);
    restored.recover(5_000);
    assert_eq!(restored.next_due(5_000).map(|e| e.id), Some(id(1)));
}

#[test]
fn the_saved_form_is_plain_json() {
    let mut outbox = queued(&[1]);
    outbox.enqueue(id(2), Kind::CheckOut { checkin: id(1) }, "{}".into(), 1_000);
    let json: serde_json::Value = serde_json::to_value(&outbox).expect("json");
    let first = &json["entries"][0];
    assert_eq!(first["kind"], "check_in");
    assert_eq!(first["state"], "pending");
    assert_eq!(first["due_at"], 1_000);
    assert_eq!(json["entries"][1]["kind"], "check_out");
    assert_eq!(json["entries"][1]["checkin"], id(1).to_string());
}

#[test]
fn settled_requests_are_pruned_except_a_check_in_a_check_out_waits_for() {
    let mut outbox = queued(&[1, 2]);
    outbox.enqueue(id(3), Kind::CheckOut { checkin: id(1) }, "{}".into(), 1_000);
    for n in [1, 2] {
        outbox.next_due(1_000);
        outbox.record(id(n), Outcome::Delivered, 2_000);
    }
    outbox.prune(3_000);
    let left: Vec<Uuid> = outbox.entries().iter().map(|e| e.id).collect();
    assert_eq!(left, [id(1), id(3)]);
    // Once pruned, a check-in no longer holds its check-out back.
    outbox.next_due(3_000).expect("the check-out");
    outbox.record(id(3), Outcome::Delivered, 3_100);
    outbox.prune(4_000);
    assert!(outbox.entries().is_empty());
}

#[test]
fn statuses_map_to_outcomes() {
    assert_eq!(Outcome::of_status(Some(201), None), Outcome::Delivered);
    assert_eq!(Outcome::of_status(Some(200), None), Outcome::Delivered);
    for retry in [None, Some(408), Some(429), Some(500), Some(503)] {
        assert_eq!(
            Outcome::of_status(retry, Some("x")),
            Outcome::Retry,
            "{retry:?}"
        );
    }
    assert_eq!(
        Outcome::of_status(Some(400), Some("validation_failed")),
        Outcome::Rejected("validation_failed".into())
    );
    assert_eq!(
        Outcome::of_status(Some(410), None),
        Outcome::Rejected("rejected".into())
    );
}

/// A server that stores each id once, behind a network that drops requests and answers at
/// random, and a page that is reloaded at random: every queued visit ends up stored exactly
/// once, and nothing is lost.
#[test]
fn over_a_lossy_network_and_reloads_every_visit_is_stored_exactly_once() {
    let mut seed = 0x9e37_79b9_u32;
    let mut roll = move |n: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed % n
    };
    let mut outbox = Outbox::default();
    let mut stored: Vec<Uuid> = Vec::new();
    let mut now = 0;
    let visits: Vec<Uuid> = (0..40).map(|n| Uuid::from_u128(1_000 + n)).collect();
    for (n, visit) in visits.iter().enumerate() {
        outbox.enqueue(*visit, Kind::CheckIn, format!("{n}"), now);
    }
    for _ in 0..20_000 {
        now += 500;
        match roll(10) {
            0 => {
                // A reload: only what was saved survives.
                let saved = serde_json::to_string(&outbox).expect("save");
                outbox = serde_json::from_str(&saved).expect("restore");
                outbox.recover(now);
            }
            1 => outbox.online(now),
            _ => {}
        }
        let Some(entry) = outbox.next_due(now) else {
            continue;
        };
        match roll(4) {
            // Lost on the way: the server never saw it.
            0 => outbox.record(entry.id, Outcome::Retry, now),
            // Stored, but the answer was lost.
            1 => {
                if !stored.contains(&entry.id) {
                    stored.push(entry.id);
                }
                outbox.record(entry.id, Outcome::Retry, now);
            }
            // Stored (or already stored: same id) and answered.
            _ => {
                if !stored.contains(&entry.id) {
                    stored.push(entry.id);
                }
                outbox.record(entry.id, Outcome::Delivered, now);
            }
        }
    }
    assert_eq!(outbox.pending(), 0, "everything was delivered in the end");
    let mut stored_sorted = stored.clone();
    stored_sorted.sort();
    let mut expected = visits.clone();
    expected.sort();
    assert_eq!(
        stored_sorted, expected,
        "every visit stored, once (the server keeps one per id)"
    );
}
