use vaora_outbox::{Backoff, Kind, Outbox, Outcome};
use vaora_protocol::form::Answer;
use vaora_protocol::personal_code::{vaora_personal_code, PersonalCodeError};
use vaora_protocol::Declaration;

use super::*;

const NATIONAL: &str = "001099012345|NGUYEN VAN AN|1990-05-17|0||";
/// The same person's chip ID card.
const CARD: &str =
    "001099012345|123456789|Nguyễn Văn An|17051990|Nam|Số 1 Tràng Tiền, Hà Nội|01012021";
const OTHER: &str = "079088001122|TRAN THI BINH|1988-02-01|0||";

fn id(n: u8) -> Uuid {
    Uuid::from_bytes([n; 16])
}

/// Queues what `decide` asked for, as the widget does.
fn queue(outbox: &mut Outbox, scan: &Scan, now: i64) {
    let (id, kind, body) = match scan {
        Scan::Entry { request, .. } => (
            request.id,
            Kind::StaffCheckIn,
            serde_json::to_string(request).expect("json"),
        ),
        Scan::Exit { request, after, .. } => (
            request.id,
            Kind::StaffCheckOut { after: *after },
            serde_json::to_string(request).expect("json"),
        ),
        _ => return,
    };
    assert!(outbox.enqueue_as("", "staff-token", id, kind, body, now));
}

#[test]
fn a_code_held_in_view_is_one_scan_until_it_has_been_away() {
    let mut debounce = Debounce::new(3_000);
    assert!(debounce.is_new(NATIONAL, 0));
    // Read on every frame while it is held up: still the same scan.
    for at in (100..6_000).step_by(100) {
        assert!(!debounce.is_new(NATIONAL, at), "at {at}");
    }
    // Taken away for 3 s, then shown again: a new scan.
    assert!(debounce.is_new(NATIONAL, 9_000));
    // Another person's code right after is always new, and so is the first one again.
    assert!(debounce.is_new(OTHER, 9_100));
    assert!(debounce.is_new(NATIONAL, 9_200));
}

#[test]
fn an_entry_queues_a_scanned_check_in_with_the_masked_person() {
    let scan = decide(Direction::Entry, NATIONAL, id(1), 5_000, &[], 0);
    let Scan::Entry { person, request } = scan else {
        panic!("an entry: {scan:?}");
    };
    assert_eq!(person.name, "N. V. AN");
    assert_eq!(person.id_number.as_deref(), Some("••••••012345"));
    assert_eq!(request.id, id(1));
    assert_eq!(request.client_time, Some(5_000));
    assert_eq!(
        request.entry,
        StaffEntry::Scanned {
            code: NATIONAL.into()
        }
    );
}

#[test]
fn anything_but_a_personal_code_is_refused_with_its_reason() {
    assert_eq!(
        decide(
            Direction::Entry,
            "https://example.com/menu",
            id(1),
            0,
            &[],
            0
        ),
        Scan::Invalid(PersonalCodeError::Unrecognized)
    );
    assert!(matches!(
        decide(
            Direction::Exit,
            "001099012345|NGUYEN VAN AN|1990-13-40|0||",
            id(1),
            0,
            &[],
            0
        ),
        Scan::Invalid(PersonalCodeError::BirthDate)
    ));
}

#[test]
fn a_person_inside_is_refused_a_second_entry_by_any_of_their_codes_until_they_leave() {
    let mut outbox = Outbox::new(Backoff::default());
    let entry = decide(
        Direction::Entry,
        NATIONAL,
        id(1),
        1_000,
        outbox.entries(),
        0,
    );
    queue(&mut outbox, &entry, 1_000);
    // Their chip ID card names the same ID number.
    let again = decide(Direction::Entry, CARD, id(2), 2_000, outbox.entries(), 0);
    assert!(
        matches!(&again, Scan::AlreadyInside { person } if person.name == "N. V. AN"),
        "{again:?}"
    );
    // Someone else gets in.
    let other = decide(Direction::Entry, OTHER, id(3), 2_000, outbox.entries(), 0);
    assert!(matches!(other, Scan::Entry { .. }));
    // Leaving waits for the entry this kiosk queued.
    let exit = decide(Direction::Exit, CARD, id(4), 3_000, outbox.entries(), 0);
    let Scan::Exit { after, request, .. } = &exit else {
        panic!("an exit: {exit:?}");
    };
    assert_eq!((*after, request.left_at), (Some(id(1)), Some(3_000)));
    queue(&mut outbox, &exit, 3_000);
    // Out, they may come back in.
    let back = decide(
        Direction::Entry,
        NATIONAL,
        id(5),
        4_000,
        outbox.entries(),
        0,
    );
    assert!(matches!(back, Scan::Entry { .. }), "{back:?}");
}

#[test]
fn a_refused_entry_or_a_closed_day_does_not_count_as_inside() {
    let mut outbox = Outbox::new(Backoff::default());
    let entry = decide(
        Direction::Entry,
        NATIONAL,
        id(1),
        1_000,
        outbox.entries(),
        0,
    );
    queue(&mut outbox, &entry, 1_000);
    // The day was closed after the entry was queued: nobody is inside any more.
    let next_day = decide(
        Direction::Entry,
        NATIONAL,
        id(2),
        9_000,
        outbox.entries(),
        5_000,
    );
    assert!(matches!(next_day, Scan::Entry { .. }));
    outbox.next_due(1_000).expect("due");
    outbox.record(
        id(1),
        Outcome::Rejected("personal_code_invalid".into()),
        1_100,
    );
    let retry = decide(
        Direction::Entry,
        NATIONAL,
        id(3),
        2_000,
        outbox.entries(),
        0,
    );
    assert!(matches!(retry, Scan::Entry { .. }), "{retry:?}");
    // An exit of someone this kiosk has no entry for waits for nothing.
    let exit = decide(Direction::Exit, OTHER, id(4), 2_000, outbox.entries(), 0);
    assert!(matches!(exit, Scan::Exit { after: None, .. }));
}

#[test]
fn a_paper_entry_and_a_vaora_code_are_the_same_person_by_phone() {
    let mut answers = vaora_protocol::form::Answers::new();
    answers.insert("full_name".into(), Answer::Text("Lê Thị Hoa".into()));
    answers.insert("phone".into(), Answer::Text("0912 345 678".into()));
    let declaration = Declaration {
        form_version: 1,
        answers,
    };
    let paper = StaffCheckInRequest {
        id: id(1),
        entry: StaffEntry::Paper {
            declaration: declaration.clone(),
        },
        client_time: Some(1_000),
    };
    let mut outbox = Outbox::new(Backoff::default());
    outbox.enqueue_as(
        "",
        "staff-token",
        id(1),
        Kind::StaffCheckIn,
        serde_json::to_string(&paper).expect("json"),
        1_000,
    );
    let code = vaora_personal_code(&declaration);
    let scan = decide(Direction::Exit, &code, id(2), 2_000, outbox.entries(), 0);
    assert!(
        matches!(&scan, Scan::Exit { after: Some(first), person, .. }
            if *first == id(1) && person.name == "L. T. HOA"),
        "{scan:?}"
    );
}

#[test]
fn the_count_inside_adds_what_the_server_has_not_had_yet() {
    let mut outbox = Outbox::new(Backoff::default());
    for (n, code) in [(1, NATIONAL), (2, OTHER)] {
        let scan = decide(Direction::Entry, code, id(n), 1_000, outbox.entries(), 0);
        queue(&mut outbox, &scan, 1_000);
    }
    assert_eq!(inside_now(10, outbox.entries()), 12);
    let exit = decide(Direction::Exit, NATIONAL, id(3), 2_000, outbox.entries(), 0);
    queue(&mut outbox, &exit, 2_000);
    assert_eq!(inside_now(10, outbox.entries()), 11);
    // Delivered: the server's own count has it from now on.
    outbox.next_due(2_000).expect("due");
    outbox.record(id(1), Outcome::Delivered, 2_100);
    assert_eq!(inside_now(11, outbox.entries()), 11);
    // An exit the server has not had, of someone it no longer counts: never below zero.
    let mut exits_only = Outbox::new(Backoff::default());
    let exit = decide(Direction::Exit, OTHER, id(4), 2_000, &[], 0);
    queue(&mut exits_only, &exit, 2_000);
    assert_eq!(inside_now(0, exits_only.entries()), 0);
}
