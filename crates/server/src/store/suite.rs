//! One test suite, run against both stores: SQLite always, PostgreSQL when
//! `VAORA_TEST_DATABASE_URL` names a server where the tests may create databases (`cargo xtask
//! test` starts one and sets it; it fails rather than skip if it cannot).

use std::sync::Arc;

use uuid::Uuid;
use vaora_protocol::declaration::{Declaration, Symptoms};
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
    let venue = VenueRow {
        id: store.allocate_venue_id().await.expect("venue id"),
        short_code: ShortCode::from_random([random, 2, 3, 4, 5]),
        name: name.into(),
        unit_code: "01".into(),
        venue_code: format!("CODE-{name}"),
    };
    store
        .insert_venue(venue.clone(), 1_700_000_000_000)
        .await
        .expect("insert venue");
    venue
}

fn declaration(full_name: &str) -> Declaration {
    Declaration {
        full_name: full_name.into(),
        phone: "0912345678".into(),
        birth_year: 1990,
        symptoms: Symptoms::default(),
        exposure: false,
        consent: true,
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
