//! One test suite, run against both stores: SQLite always, PostgreSQL when
//! `VAORA_TEST_DATABASE_URL` names a server where the tests may create databases (`cargo xtask
//! test` starts one and sets it; it fails rather than skip if it cannot).

use std::sync::Arc;

use uuid::Uuid;
use vaora_protocol::api::VenueKind;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::form::Answer;
use vaora_protocol::short_code::ShortCode;

use super::postgres::ScratchDatabase;
use super::{open, InsertOutcome, NewCheckIn, Store, StoreError, VenueRow};

/// A store under test and what keeps it alive (a temp dir, or a database dropped at the end).
struct Subject {
    name: &'static str,
    store: Store,
    _keep: Box<dyn std::any::Any + Send>,
}

async fn subjects() -> Vec<Subject> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vaora.sqlite");
    let sqlite = Subject {
        name: "sqlite",
        store: open(path.to_str().expect("utf-8 temp path"))
            .await
            .expect("open sqlite"),
        _keep: Box::new(dir),
    };
    let mut all = vec![sqlite];
    match std::env::var("VAORA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => all.push(postgres_subject(&url).await),
        _ => eprintln!("store suite: PostgreSQL not tested (VAORA_TEST_DATABASE_URL unset)"),
    }
    all
}

/// A fresh database on the server at `url`, dropped when the subject is.
async fn postgres_subject(url: &str) -> Subject {
    let database = ScratchDatabase::create(url, "vaora_test")
        .await
        .expect("create a database on VAORA_TEST_DATABASE_URL");
    let store = open(&database.url).await.expect("open postgres");
    Subject {
        name: "postgres",
        store,
        _keep: Box::new(DropDatabase(Some(database))),
    }
}

struct DropDatabase(Option<ScratchDatabase>);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        // Dropped inside a test's runtime: a helper thread with its own runtime does the work.
        let Some(database) = self.0.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(database.drop_now());
            }
        })
        .join();
    }
}

async fn venue(store: &Store, name: &str, random: u8) -> VenueRow {
    venue_of_kind(store, name, random, VenueKind::Market).await
}

async fn venue_of_kind(store: &Store, name: &str, random: u8, kind: VenueKind) -> VenueRow {
    let venue = VenueRow {
        id: store.allocate_venue_id().await.expect("venue id"),
        short_code: ShortCode::from_random([random, 2, 3, 4, 5]),
        name: name.into(),
        unit_code: "01".into(),
        venue_code: format!("CODE-{name}"),
        revoked_at: None,
        kind,
        address: format!("{name}, Đại Nghĩa"),
        contact: "0912345678".into(),
    };
    store
        .insert_venue(venue.clone(), 1_700_000_000_000)
        .await
        .expect("insert venue");
    venue
}

fn declaration(full_name: &str) -> Declaration {
    Declaration {
        form_version: 1,
        answers: [
            ("full_name", Answer::Text(full_name.into())),
            ("phone", Answer::Text("0912345678".into())),
            ("consent", Answer::Bool(true)),
        ]
        .into_iter()
        .map(|(id, answer)| (id.to_owned(), answer))
        .collect(),
    }
}

fn checkin(id: Uuid, venue: &VenueRow, full_name: &str, received_at: i64) -> NewCheckIn {
    NewCheckIn {
        id,
        venue: venue.clone(),
        declaration: declaration(full_name),
        client_time: Some(received_at - 5),
        received_at,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn venues_get_distinct_ids_and_are_found_by_id_and_short_code() {
    for subject in subjects().await {
        let store = &subject.store;
        assert_eq!(store.first_venue().await.expect("first"), None);
        let market = venue(store, "Chợ Mỹ Đức", 1).await;
        let clinic = venue(store, "Trạm y tế", 2).await;
        assert!(clinic.id > market.id, "{}: ids increase", subject.name);
        let found = store.venue_by_id(clinic.id).await.expect("by id");
        assert_eq!(found.as_ref(), Some(&clinic), "{}", subject.name);
        let found = store
            .venue_by_short_code(market.short_code.clone())
            .await
            .expect("by short code");
        assert_eq!(found.as_ref(), Some(&market), "{}", subject.name);
        assert_eq!(store.first_venue().await.expect("first"), Some(market));
        assert_eq!(store.venue_by_id(9_999).await.expect("by id"), None);
        let registered = store.venue_registered_at(clinic.id).await.expect("when");
        assert_eq!(registered, Some(1_700_000_000_000), "{}", subject.name);
        let registered = store.venue_registered_at(9_999).await.expect("when");
        assert_eq!(registered, None, "{}", subject.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_answers_the_original_receipt_and_a_changed_one_conflicts() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let other = venue(store, "Trường", 2).await;
        let id = Uuid::new_v4();
        let InsertOutcome::Created(first) = store
            .insert_checkin(checkin(id, &market, "Nguyễn Văn A", 1_000))
            .await
            .expect("insert")
        else {
            panic!("{}: the first insert creates", subject.name);
        };
        assert_eq!(first.checked_in_at, 1_000);
        // Retried later: the stored time is answered, not the retry's.
        let replay = store
            .insert_checkin(checkin(id, &market, "Nguyễn Văn A", 9_000))
            .await
            .expect("replay");
        assert_eq!(
            replay,
            InsertOutcome::Replayed(first.clone()),
            "{}",
            subject.name
        );
        for changed in [
            checkin(id, &market, "Trần Thị B", 9_000),
            checkin(id, &other, "Nguyễn Văn A", 9_000),
        ] {
            let outcome = store.insert_checkin(changed).await.expect("conflict");
            assert_eq!(outcome, InsertOutcome::Conflict, "{}", subject.name);
        }
        let row = store
            .checkin_by_id(id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(row.receipt, first);
        assert_eq!(row.declaration, declaration("Nguyễn Văn A"));
        assert_eq!(row.client_time, Some(995));
        assert_eq!(store.checkin_count().await.expect("count"), 1);
        assert_eq!(
            store.checkin_by_id(Uuid::new_v4()).await.expect("read"),
            None
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_of_one_check_in_store_it_once() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let id = Uuid::new_v4();
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let store = Arc::clone(store);
                let checkin = checkin(id, &market, "Nguyễn Văn A", 1_000);
                tokio::spawn(async move { store.insert_checkin(checkin).await })
            })
            .collect();
        let mut created = 0;
        for task in tasks {
            match task.await.expect("task").expect("insert") {
                InsertOutcome::Created(_) => created += 1,
                InsertOutcome::Replayed(_) => {}
                InsertOutcome::Conflict => panic!("{}: identical retries conflict", subject.name),
            }
        }
        assert_eq!(created, 1, "{}: exactly one retry creates", subject.name);
        assert_eq!(store.checkin_count().await.expect("count"), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_check_ins_is_all_stored_and_one_bad_write_fails_alone() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let unregistered = VenueRow {
            id: 424_242,
            ..market.clone()
        };
        let mut tasks = Vec::new();
        for n in 0..300 {
            let store = Arc::clone(store);
            // One write in the burst names a venue that does not exist (a foreign-key error).
            let at = if n == 150 { &unregistered } else { &market };
            let checkin = checkin(Uuid::new_v4(), at, &format!("Người {n}"), 1_000 + n);
            tasks.push(tokio::spawn(
                async move { store.insert_checkin(checkin).await },
            ));
        }
        let mut failed = Vec::new();
        for (n, task) in tasks.into_iter().enumerate() {
            match task.await.expect("task") {
                Ok(InsertOutcome::Created(_)) => {}
                Ok(other) => panic!("{}: check-in {n}: {other:?}", subject.name),
                Err(StoreError::Sqlite(_) | StoreError::Postgres(_)) => failed.push(n),
                Err(err) => panic!("{}: check-in {n}: {err}", subject.name),
            }
        }
        assert_eq!(failed, [150], "{}", subject.name);
        assert_eq!(store.checkin_count().await.expect("count"), 299);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_everything_across_a_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vaora.sqlite");
    let location = path.to_str().expect("utf-8 temp path");
    let id = Uuid::new_v4();
    let first_venue = {
        let store = open(location).await.expect("open");
        let market = venue(&store, "Chợ", 1).await;
        store
            .insert_checkin(checkin(id, &market, "Nguyễn Văn A", 1_000))
            .await
            .expect("insert");
        market
    };
    let store = open(location).await.expect("reopen");
    assert_eq!(store.checkin_count().await.expect("count"), 1);
    assert!(store.checkin_by_id(id).await.expect("read").is_some());
    let next = store.allocate_venue_id().await.expect("id");
    assert!(next > first_venue.id, "ids are never handed out twice");
}

/// Two provinces; the first with a district and a commune below it: 01 > 282 > 10477, and 02.
async fn load_small_tree(store: &Store) {
    let unit = |code: &str, parent: Option<&str>| vaora_protocol::api::Unit {
        code: code.into(),
        name: format!("Unit {code}"),
        kind: "x".into(),
        parent: parent.map(str::to_owned),
    };
    store
        .replace_units(vec![
            unit("01", None),
            unit("282", Some("01")),
            unit("10477", Some("282")),
            unit("02", None),
        ])
        .await
        .expect("units");
}

fn trusted(seed: u8) -> vaora_protocol::venue_code::TrustedKey {
    vaora_protocol::venue_code::TrustedKey::new(&[seed; 32])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_retire_and_revoke() {
    use vaora_protocol::api::KeyStatus::{Active, Retired, Revoked};
    for subject in subjects().await {
        let store = &subject.store;
        let statuses = |keys: Vec<vaora_protocol::api::PublishedKey>| {
            keys.into_iter()
                .map(|k| (k.kid, k.status, k.since))
                .collect::<Vec<_>>()
        };
        let (old, new) = (trusted(1), trusted(2));
        store
            .activate_key(old.clone(), 100)
            .await
            .expect("first key");
        store
            .activate_key(old.clone(), 150)
            .await
            .expect("restart, same key");
        assert_eq!(
            statuses(store.keys().await.expect("keys")),
            [(old.key_id, Active, 100)],
            "{}: a restart keeps the key active since its first start",
            subject.name
        );
        store
            .activate_key(new.clone(), 200)
            .await
            .expect("rotation");
        assert_eq!(
            statuses(store.keys().await.expect("keys")),
            [(old.key_id, Retired, 200), (new.key_id, Active, 200)],
            "{}",
            subject.name
        );
        assert!(store.revoke_key(old.key_id, 300).await.expect("revoke"));
        assert!(store.revoke_key(old.key_id, 400).await.expect("again"));
        assert!(!store
            .revoke_key(trusted(9).key_id, 300)
            .await
            .expect("unknown"));
        let keys = statuses(store.keys().await.expect("keys"));
        assert!(keys.contains(&(old.key_id, Revoked, 300)), "{keys:?}");
        assert!(
            matches!(
                store.activate_key(old, 500).await,
                Err(StoreError::KeyRevoked)
            ),
            "{}: a revoked key never signs again",
            subject.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn venues_are_revoked_once_and_the_programme_switches_off_and_on() {
    use vaora_protocol::api::{LocalizedText, ProgrammeState, ProgrammeStatus};
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        assert!(store.revoke_venue(market.id, 1_000).await.expect("revoke"));
        assert!(store.revoke_venue(market.id, 2_000).await.expect("again"));
        assert!(!store.revoke_venue(9_999, 1_000).await.expect("unknown"));
        let found = store.venue_by_id(market.id).await.expect("read");
        assert_eq!(
            found.and_then(|v| v.revoked_at),
            Some(1_000),
            "{}: the first revocation time stays",
            subject.name
        );

        assert_eq!(
            store.programme().await.expect("programme"),
            ProgrammeStatus::default()
        );
        let off = ProgrammeStatus {
            state: ProgrammeState::SwitchedOff,
            message: Some(LocalizedText {
                vi: "Chương trình đã kết thúc. Có thể gỡ mã QR.".into(),
                en: "The programme has ended. Posters can come down.".into(),
            }),
            since: 5_000,
        };
        store.set_programme(off.clone()).await.expect("switch off");
        assert_eq!(store.programme().await.expect("programme"), off);
        let on = ProgrammeStatus {
            since: 6_000,
            ..ProgrammeStatus::default()
        };
        store.set_programme(on.clone()).await.expect("switch on");
        assert_eq!(store.programme().await.expect("programme"), on);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaration_forms_are_published_only_upwards_and_read_by_version() {
    for subject in subjects().await {
        let store = &subject.store;
        let name = subject.name;
        assert_eq!(store.form(None).await.expect("latest"), None, "{name}");
        // Version 1 is the reference form the server serves without storing it.
        let body = |v: u32| format!("{{\"version\":{v}}}");
        assert!(
            !store.publish_form(1, body(1), 1_000, 1).await.expect("v1"),
            "{name}"
        );
        assert!(
            store.publish_form(3, body(3), 2_000, 1).await.expect("v3"),
            "{name}"
        );
        assert!(
            !store.publish_form(2, body(2), 3_000, 1).await.expect("v2"),
            "{name}"
        );
        assert!(
            !store
                .publish_form(3, body(3), 3_000, 1)
                .await
                .expect("v3 again"),
            "{name}"
        );
        assert!(
            store.publish_form(4, body(4), 4_000, 1).await.expect("v4"),
            "{name}"
        );
        let latest = store.form(None).await.expect("latest").expect("a form");
        assert_eq!((latest.version, latest.published_at), (4, 4_000), "{name}");
        assert_eq!(latest.body, body(4), "{name}");
        let third = store.form(Some(3)).await.expect("v3").expect("stored");
        assert_eq!((third.version, third.body), (3, body(3)), "{name}");
        assert_eq!(store.form(Some(2)).await.expect("v2"), None, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_file_from_before_migrations_is_brought_up_to_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite");
    {
        // The schema as the first release created it, with one venue, user_version 0.
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch(
            "CREATE TABLE venues (id INTEGER PRIMARY KEY, short_code TEXT NOT NULL UNIQUE,
                 name TEXT NOT NULL, unit_code TEXT NOT NULL, venue_code TEXT NOT NULL,
                 created_at INTEGER NOT NULL);
             CREATE TABLE checkins (id TEXT PRIMARY KEY, venue_id INTEGER NOT NULL
                 REFERENCES venues(id), declaration TEXT NOT NULL, client_time INTEGER,
                 checked_in_at INTEGER NOT NULL);
             INSERT INTO venues VALUES (7, '01234567', 'Chợ cũ', '01', 'CODE', 1);",
        )
        .expect("old schema");
    }
    let store = open(path.to_str().expect("utf-8 temp path"))
        .await
        .expect("open and migrate");
    let old = store.venue_by_id(7).await.expect("read").expect("kept");
    assert_eq!((old.name.as_str(), old.revoked_at), ("Chợ cũ", None));
    assert_eq!(store.allocate_venue_id().await.expect("id"), 8);
    store
        .activate_key(trusted(3), 1)
        .await
        .expect("the key table exists");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_deletes_only_old_check_ins_and_is_recorded() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let (old, recent) = (Uuid::new_v4(), Uuid::new_v4());
        for (id, at) in [(old, 1_000), (recent, 9_000)] {
            store
                .insert_checkin(checkin(id, &market, "Nguyễn Văn A", at))
                .await
                .expect("insert");
        }
        let first = store.purge_checkins(5_000, 10_000).await.expect("purge");
        assert_eq!(
            (first.cutoff, first.deleted),
            (5_000, 1),
            "{}",
            subject.name
        );
        assert_eq!(store.checkin_by_id(old).await.expect("read"), None);
        assert!(store.checkin_by_id(recent).await.expect("read").is_some());
        let second = store.purge_checkins(5_000, 20_000).await.expect("again");
        assert_eq!(
            second.deleted, 0,
            "{}: nothing left to delete",
            subject.name
        );
        assert_eq!(
            store.purges(10).await.expect("purges"),
            [second, first],
            "{}: newest first",
            subject.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_check_ins_are_found_by_phone_or_id_and_purged_with_them() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let clinic = venue(store, "Trạm y tế", 2).await;
        let with_id = |id: Uuid, venue: &VenueRow, phone: &str, at: i64| {
            let mut checkin = checkin(id, venue, "Lê Văn Tám", at);
            let answers = &mut checkin.declaration.answers;
            answers.insert("phone".into(), Answer::Text(phone.into()));
            answers.insert("id_number".into(), Answer::Text("001099012345".into()));
            checkin
        };
        let (first, second, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for checkin in [
            with_id(second, &clinic, "+84 912 345 678", 3_000),
            with_id(first, &market, "0912345678", 1_000),
            checkin(other, &market, "Người khác", 2_000),
        ] {
            store.insert_checkin(checkin).await.expect("insert");
        }
        // A replay indexes nothing twice.
        store
            .insert_checkin(with_id(first, &market, "0912345678", 1_000))
            .await
            .expect("replay");
        let ids = |rows: Vec<super::CheckInRow>| -> Vec<Uuid> {
            rows.iter().map(|row| row.receipt.id).collect()
        };
        let by_id = store
            .checkins_of("id:001099012345".into(), 0, 10_000, 10)
            .await
            .expect("by id");
        assert_eq!(
            ids(by_id),
            [first, second],
            "{}: oldest first",
            subject.name
        );
        let by_phone = store
            .checkins_of("phone:0912345678".into(), 0, 10_000, 10)
            .await
            .expect("by phone");
        // The suite's plain declaration has the same phone: three check-ins.
        assert_eq!(ids(by_phone), [first, other, second], "{}", subject.name);
        let window = store
            .checkins_of("id:001099012345".into(), 1_001, 3_000, 10)
            .await
            .expect("window");
        assert!(window.is_empty(), "{}: [from, to)", subject.name);
        let limited = store
            .checkins_of("phone:0912345678".into(), 0, 10_000, 1)
            .await
            .expect("limit");
        assert_eq!(ids(limited), [first], "{}", subject.name);

        store.purge_checkins(2_500, 10_000).await.expect("purge");
        let left = store
            .checkins_of("phone:0912345678".into(), 0, 10_000, 10)
            .await
            .expect("after purge");
        assert_eq!(ids(left), [second], "{}", subject.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_of_personal_data_are_logged_per_check_in() {
    use vaora_protocol::api::AccessRecord;
    for subject in subjects().await {
        let store = &subject.store;
        let (one, other) = (Uuid::new_v4(), Uuid::new_v4());
        let access = |checkin_id, at, purpose: &str| AccessRecord {
            at,
            checkin_id,
            actor: "admin".into(),
            purpose: purpose.into(),
            case_reference: None,
        };
        for record in [
            access(one, 2, "ca bệnh BN-1024"),
            access(other, 1, "kiểm tra"),
            access(one, 3, "truy vết F1"),
        ] {
            store.record_access(record).await.expect("record");
        }
        assert_eq!(
            store.accesses(one).await.expect("log"),
            [
                access(one, 2, "ca bệnh BN-1024"),
                access(one, 3, "truy vết F1")
            ],
            "{}",
            subject.name
        );
        assert_eq!(store.accesses(Uuid::new_v4()).await.expect("log"), []);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_out_is_recorded_once() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let id = Uuid::new_v4();
        store
            .insert_checkin(checkin(id, &market, "Nguyễn Văn A", 1_000))
            .await
            .expect("insert");
        assert_eq!(
            store.check_out(id, 5_000).await.expect("out"),
            Some((1_000, 5_000))
        );
        assert_eq!(
            store.check_out(id, 9_000).await.expect("again"),
            Some((1_000, 5_000)),
            "{}: the first check-out stays",
            subject.name
        );
        assert_eq!(
            store
                .check_out(Uuid::new_v4(), 5_000)
                .await
                .expect("unknown"),
            None
        );
        // A device clock behind the server's never puts the exit before the entry.
        let early = Uuid::new_v4();
        store
            .insert_checkin(checkin(early, &market, "Trần Thị B", 8_000))
            .await
            .expect("insert");
        assert_eq!(
            store.check_out(early, 7_000).await.expect("out"),
            Some((8_000, 8_000))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_says_the_venue_kinds_default_stay_when_created_replayed_and_read() {
    for subject in subjects().await {
        let store = &subject.store;
        let school = venue_of_kind(store, "Trường", 3, VenueKind::School).await;
        let id = Uuid::new_v4();
        let InsertOutcome::Created(created) = store
            .insert_checkin(checkin(id, &school, "Nguyễn Văn A", 1_000))
            .await
            .expect("insert")
        else {
            panic!("{}: the first insert creates", subject.name);
        };
        assert_eq!(created.default_stay_minutes, Some(480), "{}", subject.name);
        let replayed = store
            .insert_checkin(checkin(id, &school, "Nguyễn Văn A", 2_000))
            .await
            .expect("replay");
        assert_eq!(replayed, InsertOutcome::Replayed(created.clone()));
        let row = store.checkin_by_id(id).await.expect("read").expect("row");
        assert_eq!(row.receipt, created, "{}", subject.name);
        let traced = store
            .checkins_at(school.id, 0, 10_000, 10)
            .await
            .expect("trace");
        assert_eq!(traced.len(), 1);
        assert_eq!(traced[0].receipt, created, "{}", subject.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_loaded_unit_code_is_listed() {
    for subject in subjects().await {
        let store = &subject.store;
        assert_eq!(
            store.unit_codes().await.expect("none yet"),
            Vec::<String>::new()
        );
        load_small_tree(store).await;
        let mut codes = store.unit_codes().await.expect("codes");
        codes.sort();
        assert_eq!(codes, ["01", "02", "10477", "282"], "{}", subject.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_covers_a_unit_and_everything_below_it() {
    for subject in subjects().await {
        let store = &subject.store;
        load_small_tree(store).await;
        let in_unit = |name: &str, code: &str, random: u8| VenueRow {
            id: 0,
            short_code: ShortCode::from_random([random, 9, 9, 9, 9]),
            name: name.into(),
            unit_code: code.into(),
            venue_code: format!("CODE-{name}"),
            revoked_at: None,
            kind: VenueKind::Other,
            address: String::new(),
            contact: String::new(),
        };
        let mut venues = Vec::new();
        for (name, code, random) in [
            ("Chợ", "10477", 1),
            ("Trạm y tế", "282", 2),
            ("Xa", "02", 3),
            ("Trường", "10477", 4),
        ] {
            let mut venue = in_unit(name, code, random);
            venue.id = store.allocate_venue_id().await.expect("id");
            store.insert_venue(venue.clone(), 0).await.expect("venue");
            venues.push(venue);
        }
        for (venue, at) in [
            (&venues[0], 1_500),
            (&venues[0], 1_700),
            (&venues[1], 1_600),
            (&venues[0], 9_999),
            (&venues[2], 1_500),
        ] {
            store
                .insert_checkin(checkin(Uuid::new_v4(), venue, "Nguyễn Văn A", at))
                .await
                .expect("check-in");
        }
        store.revoke_venue(venues[3].id, 1).await.expect("revoke");
        let report = store
            .venue_activity("01".into(), 1_000, 2_000)
            .await
            .expect("report");
        let seen: Vec<(&str, u64, bool)> = report
            .iter()
            .map(|v| (v.name.as_str(), v.checkins, v.revoked))
            .collect();
        assert_eq!(
            seen,
            [
                ("Trường", 0, true),
                ("Trạm y tế", 1, false),
                ("Chợ", 2, false)
            ],
            "{}: fewest first, the other province left out, the period respected",
            subject.name
        );
        let commune = store
            .venue_activity("10477".into(), 1_000, 2_000)
            .await
            .expect("report");
        assert_eq!(commune.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_found_by_hash_and_revoked_and_units_nest() {
    use super::NewToken;
    use vaora_protocol::api::Role;
    for subject in subjects().await {
        let store = &subject.store;
        let officer = store
            .insert_token(
                "hash-1".into(),
                NewToken {
                    role: Role::Officer,
                    label: "UBND phường".into(),
                    unit_code: Some("282".into()),
                    venue_id: None,
                    created_at: 10,
                },
            )
            .await
            .expect("insert");
        let found = store.token_by_hash("hash-1".into()).await.expect("read");
        assert_eq!(found.as_ref(), Some(&officer), "{}", subject.name);
        assert_eq!(
            store.token_by_hash("nope".into()).await.expect("read"),
            None
        );
        assert!(store.revoke_token(officer.id, 20).await.expect("revoke"));
        assert!(!store.revoke_token(999, 20).await.expect("unknown"));
        let listed = store.tokens().await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].revoked_at, Some(20));

        load_small_tree(store).await;
        for (code, ancestor, within) in [
            ("10477", "01", true),
            ("10477", "282", true),
            ("282", "282", true),
            ("01", "282", false),
            ("02", "01", false),
            ("99999", "01", false),
        ] {
            assert_eq!(
                store
                    .unit_within(code.into(), ancestor.into())
                    .await
                    .expect("within"),
                within,
                "{}: {code} within {ancestor}",
                subject.name
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_overlapping_a_period_are_found_for_tracing() {
    for subject in subjects().await {
        let store = &subject.store;
        let market = venue(store, "Chợ", 1).await;
        let other = venue(store, "Trường", 2).await;
        let at = |id: Uuid, place: &VenueRow, time: i64| checkin(id, place, "Nguyễn Văn A", time);
        let (before_left_late, before_left_early, inside, after, elsewhere) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        for (id, place, time) in [
            (before_left_late, &market, 500),
            (before_left_early, &market, 400),
            (inside, &market, 1_500),
            (after, &market, 2_000),
            (elsewhere, &other, 1_500),
        ] {
            store
                .insert_checkin(at(id, place, time))
                .await
                .expect("insert");
        }
        store.check_out(before_left_late, 1_200).await.expect("out");
        store.check_out(before_left_early, 900).await.expect("out");
        let found: Vec<Uuid> = store
            .checkins_at(market.id, 1_000, 2_000, 100)
            .await
            .expect("trace")
            .into_iter()
            .map(|row| row.receipt.id)
            .collect();
        assert_eq!(found, [before_left_late, inside], "{}", subject.name);
        let capped = store
            .checkins_at(market.id, 0, 3_000, 2)
            .await
            .expect("trace");
        assert_eq!(capped.len(), 2);
        let read = store
            .checkin_by_id(before_left_late)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(read.checked_out_at, Some(1_200));
    }
}

// Venue staff: a module of its own (`suite/staff.rs`).
#[path = "../../tests/common/report_dataset.rs"]
mod report_dataset;
mod staff;

/// The rows behind the reports, on each store, give exactly the figures the generated dataset's
/// definitions give: dashboards with their trends and zero-scan lists at every level, from the
/// city down to a ward without venues, and the silent venues.
#[tokio::test]
async fn reports_give_the_known_figures_of_a_generated_dataset() {
    use crate::local_day::LocalDay;
    use crate::reports::{dashboard, zero_scan, Subtree, TREND_DAYS};

    for subject in subjects().await {
        let store = &subject.store;
        let mut data = report_dataset::generate();
        data.load(store).await;
        let day = LocalDay::parse(report_dataset::DAY).expect("day");
        for code in ["01", "001", "002", "282", "00001", "10480", "02"] {
            let root = store.unit(code.into()).await.expect("read").expect("unit");
            let units = store.units_within(code.into()).await.expect("units");
            let venues = store.report_venues(code.into()).await.expect("venues");
            let window = store
                .report_checkins(code.into(), day.minus(TREND_DAYS - 1).start(), day.end())
                .await
                .expect("check-ins");
            let tree = Subtree {
                root: &root,
                units: &units,
                venues: &venues,
                checkins: &window,
            };
            assert_eq!(
                dashboard(&tree, day),
                data.dashboard(code),
                "{} dashboard of {code}",
                subject.name
            );
            let today = store
                .report_checkins(code.into(), day.start(), day.end())
                .await
                .expect("check-ins");
            let parent = match &root.parent {
                Some(parent) => store.unit(parent.clone()).await.expect("read"),
                None => None,
            };
            let tree = Subtree {
                checkins: &today,
                ..tree
            };
            assert_eq!(
                zero_scan(&tree, day, parent.as_ref()),
                data.zero_scan(code),
                "{} zero-scan list of {code}",
                subject.name
            );
        }

        // The dataset has what it claims: a silent district, a ward without venues, visitors
        // fewer than check-ins.
        let city = data.zero_scan("01");
        let silent = city
            .groups
            .iter()
            .find(|g| g.parent_code.as_deref() == Some(report_dataset::SILENT_DISTRICT))
            .expect("the silent district is listed");
        assert_eq!(silent.units.len(), 2);
        assert!(city
            .groups
            .iter()
            .flat_map(|g| &g.units)
            .any(|u| u.unit_code == report_dataset::EMPTY_WARD && u.venues == 0));
        let figures = data.figures("01");
        assert!(
            figures.visitors < figures.checkins && figures.visitors > 5,
            "{figures:?}"
        );

        // Silent since the day began: registered by then, not withdrawn, no check-in since.
        let since = report_dataset::DAY_START;
        let found: Vec<u64> = store
            .silent_venues("001".into(), since)
            .await
            .expect("silent")
            .iter()
            .map(|row| row.venue.id)
            .collect();
        let mut expected: Vec<&report_dataset::GenVenue> = data
            .venues
            .iter()
            .enumerate()
            .filter(|(index, v)| {
                ["001", "00001", "00004", "00006"].contains(&v.unit)
                    && v.created_at <= since
                    && v.revoked_at.is_none()
                    && !data
                        .checkins
                        .iter()
                        .any(|c| c.venue == *index && c.at >= since)
            })
            .map(|(_, v)| v)
            .collect();
        expected.sort_by_key(|v| (v.created_at, v.id));
        assert!(!expected.is_empty());
        assert_eq!(
            found,
            expected.iter().map(|v| v.id).collect::<Vec<_>>(),
            "{}",
            subject.name
        );
    }
}
