//! The suite against the reference server's router (served on loopback, real stores): every
//! check passes; and against a deliberately broken variant that stores a retried check-in again
//! instead of answering the original, the idempotency checks fail.

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;
use vaora_conformance::{run, Outcome, Target};
use vaora_protocol::api::{
    AccessRecord, ProgrammeStatus, PublishedKey, PurgeRecord, TokenInfo, Unit, VenueActivity,
};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::venue_code::VenueSigner;
use vaora_protocol::venue_code::{KeyId, TrustedKey};
use vaora_server::app::{router, AppState};
use vaora_server::store::postgres::ScratchDatabase;
use vaora_server::store::reports::{ReportCheckIn, ReportVenue, SilentVenueRow};
use vaora_server::store::{
    self, CheckInRow, InsertOutcome, NewCheckIn, NewInvitation, NewToken, StaffCheckOutRow,
    StaffEntered, Storage, Store, StoreError, StoredForm, VenuePresence, VenueRow,
};

const TOKEN: &str = "conformance-test-token";
/// The portal the reference server under test lets embed the widget.
const PORTAL: &str = "https://portal.example.vn";

fn target(base_url: &str) -> Target {
    Target::new(base_url, TOKEN).with_cors_origin(PORTAL)
}

/// Serves the reference router on `store` and returns its base URL.
async fn serve(store: Store) -> String {
    let state = AppState::new(store, VenueSigner::generate(), TOKEN, "http://vaora.test")
        .with_cors_origins(vec![axum::http::HeaderValue::from_static(PORTAL)]);
    let active = state.signer.trusted_key();
    state
        .trust
        .activate(&state.store, active, vaora_server::app::now_ms())
        .await
        .expect("activate the signing key");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(state, None)).await;
    });
    format!("http://{addr}")
}

async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vaora.sqlite");
    let store = store::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("open sqlite");
    (store, dir)
}

fn failures(outcomes: &[Outcome]) -> Vec<(&'static str, String)> {
    outcomes
        .iter()
        .filter_map(|o| o.result.clone().err().map(|why| (o.name, why)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_passes_every_check_on_sqlite() {
    let (store, _dir) = sqlite().await;
    let outcomes = run(&target(&serve(store).await)).await;
    assert!(outcomes.len() >= 27, "the whole suite ran");
    // This one without a unit list (the PostgreSQL one has one): unit answers are not checked.
    let skipped: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.skipped.is_some())
        .map(|o| o.name)
        .collect();
    assert_eq!(skipped, ["unit_answer_in_list"]);
    assert_eq!(failures(&outcomes), []);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_passes_every_check_on_postgres() {
    let Some(url) = std::env::var("VAORA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("conformance: PostgreSQL not tested (VAORA_TEST_DATABASE_URL unset)");
        return;
    };
    let database = ScratchDatabase::create(&url, "vaora_conformance")
        .await
        .expect("create a database on VAORA_TEST_DATABASE_URL");
    let store = store::open(&database.url).await.expect("open postgres");
    // This one with a unit set (the 3-level shape), as a deployment has.
    let units = vaora_server::units::parse_csv(
        "code,name,type,parent\n01,Thành phố Hà Nội,thành phố,\n282,Huyện Mỹ Đức,huyện,01\n\
         10477,Xã Đồng Tâm,xã,282\n",
    )
    .expect("units");
    store.replace_units(units).await.expect("load units");
    let outcomes = run(&target(&serve(store).await)).await;
    database.drop_now().await;
    assert_eq!(failures(&outcomes), []);
}

/// A store that forgets idempotency: every retry is stored as one more row.
struct DuplicatesOnRetry(Store);

#[async_trait]
impl Storage for DuplicatesOnRetry {
    async fn allocate_venue_id(&self) -> Result<u64, StoreError> {
        self.0.allocate_venue_id().await
    }
    async fn insert_venue(&self, venue: VenueRow, created_at: i64) -> Result<(), StoreError> {
        self.0.insert_venue(venue, created_at).await
    }
    async fn first_venue(&self) -> Result<Option<VenueRow>, StoreError> {
        self.0.first_venue().await
    }
    async fn venue_by_id(&self, id: u64) -> Result<Option<VenueRow>, StoreError> {
        self.0.venue_by_id(id).await
    }
    async fn venue_by_short_code(&self, code: ShortCode) -> Result<Option<VenueRow>, StoreError> {
        self.0.venue_by_short_code(code).await
    }
    async fn insert_checkin(&self, checkin: NewCheckIn) -> Result<InsertOutcome, StoreError> {
        // Every request becomes a new row (under an id of its own), answered as new.
        let requested = checkin.id;
        let stored = self
            .0
            .insert_checkin(NewCheckIn {
                id: Uuid::new_v4(),
                ..checkin
            })
            .await?;
        Ok(match stored {
            InsertOutcome::Created(mut receipt) | InsertOutcome::Replayed(mut receipt) => {
                receipt.id = requested;
                InsertOutcome::Created(receipt)
            }
            InsertOutcome::Conflict => InsertOutcome::Conflict,
        })
    }
    async fn checkin_by_id(&self, id: Uuid) -> Result<Option<CheckInRow>, StoreError> {
        self.0.checkin_by_id(id).await
    }
    async fn checkin_count(&self) -> Result<u64, StoreError> {
        self.0.checkin_count().await
    }
    async fn revoke_venue(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        self.0.revoke_venue(id, at).await
    }
    async fn keys(&self) -> Result<Vec<PublishedKey>, StoreError> {
        self.0.keys().await
    }
    async fn activate_key(&self, key: TrustedKey, at: i64) -> Result<(), StoreError> {
        self.0.activate_key(key, at).await
    }
    async fn revoke_key(&self, kid: KeyId, at: i64) -> Result<bool, StoreError> {
        self.0.revoke_key(kid, at).await
    }
    async fn programme(&self) -> Result<ProgrammeStatus, StoreError> {
        self.0.programme().await
    }
    async fn set_programme(&self, status: ProgrammeStatus) -> Result<(), StoreError> {
        self.0.set_programme(status).await
    }
    async fn purge_checkins(&self, cutoff: i64, now: i64) -> Result<PurgeRecord, StoreError> {
        self.0.purge_checkins(cutoff, now).await
    }
    async fn purges(&self, limit: u32) -> Result<Vec<PurgeRecord>, StoreError> {
        self.0.purges(limit).await
    }
    async fn record_access(&self, access: AccessRecord) -> Result<(), StoreError> {
        self.0.record_access(access).await
    }
    async fn accesses(&self, checkin_id: Uuid) -> Result<Vec<AccessRecord>, StoreError> {
        self.0.accesses(checkin_id).await
    }
    async fn replace_units(&self, units: Vec<Unit>) -> Result<(), StoreError> {
        self.0.replace_units(units).await
    }
    async fn units_under(&self, parent: Option<String>) -> Result<Vec<Unit>, StoreError> {
        self.0.units_under(parent).await
    }
    async fn unit(&self, code: String) -> Result<Option<Unit>, StoreError> {
        self.0.unit(code).await
    }
    async fn unit_count(&self) -> Result<u64, StoreError> {
        self.0.unit_count().await
    }
    async fn unit_codes(&self) -> Result<Vec<String>, StoreError> {
        self.0.unit_codes().await
    }
    async fn check_out(&self, id: Uuid, at: i64) -> Result<Option<(i64, i64)>, StoreError> {
        self.0.check_out(id, at).await
    }
    async fn venue_activity(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<VenueActivity>, StoreError> {
        self.0.venue_activity(unit, from, to).await
    }
    async fn checkins_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.0.checkins_at(venue, from, to, limit).await
    }
    async fn checkins_of(
        &self,
        person: String,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.0.checkins_of(person, from, to, limit).await
    }
    async fn record_accesses(&self, accesses: Vec<AccessRecord>) -> Result<(), StoreError> {
        self.0.record_accesses(accesses).await
    }
    async fn unit_within(&self, unit: String, ancestor: String) -> Result<bool, StoreError> {
        self.0.unit_within(unit, ancestor).await
    }
    async fn insert_token(&self, hash: String, token: NewToken) -> Result<TokenInfo, StoreError> {
        self.0.insert_token(hash, token).await
    }
    async fn token_by_hash(&self, hash: String) -> Result<Option<TokenInfo>, StoreError> {
        self.0.token_by_hash(hash).await
    }
    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.0.tokens().await
    }
    async fn revoke_token(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        self.0.revoke_token(id, at).await
    }
    async fn publish_form(
        &self,
        version: u32,
        body: String,
        at: i64,
        above: u32,
    ) -> Result<bool, StoreError> {
        self.0.publish_form(version, body, at, above).await
    }
    async fn form(&self, version: Option<u32>) -> Result<Option<StoredForm>, StoreError> {
        self.0.form(version).await
    }
    async fn venue_registered_at(&self, id: u64) -> Result<Option<i64>, StoreError> {
        self.0.venue_registered_at(id).await
    }

    // Venue staff.
    async fn insert_staff_checkin(
        &self,
        checkin: NewCheckIn,
        entered: StaffEntered,
    ) -> Result<InsertOutcome, StoreError> {
        self.0.insert_staff_checkin(checkin, entered).await
    }
    async fn venue_presence(
        &self,
        venue: u64,
        open_since: i64,
        today: i64,
    ) -> Result<VenuePresence, StoreError> {
        self.0.venue_presence(venue, open_since, today).await
    }
    async fn close_venue_day(
        &self,
        venue: u64,
        open_since: i64,
        at: i64,
    ) -> Result<u64, StoreError> {
        self.0.close_venue_day(venue, open_since, at).await
    }
    async fn staff_checkout(&self, id: Uuid) -> Result<Option<StaffCheckOutRow>, StoreError> {
        self.0.staff_checkout(id).await
    }
    async fn record_staff_checkout(
        &self,
        id: Uuid,
        venue: u64,
        checkin: Uuid,
        at: i64,
    ) -> Result<Option<StaffCheckOutRow>, StoreError> {
        self.0.record_staff_checkout(id, venue, checkin, at).await
    }
    async fn insert_invitation(
        &self,
        hash: String,
        invitation: NewInvitation,
    ) -> Result<(), StoreError> {
        self.0.insert_invitation(hash, invitation).await
    }
    async fn accept_invitation(
        &self,
        hash: String,
        now: i64,
        token_hash: String,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.0.accept_invitation(hash, now, token_hash).await
    }

    // Case tracing (issue 6).
    async fn checkins_entered_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.0.checkins_entered_at(venue, from, to, limit).await
    }
    async fn next_checkins(
        &self,
        queries: Vec<vaora_server::store::tracing::NextCheckIn>,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        self.0.next_checkins(queries).await
    }
    async fn record_case_trace(
        &self,
        query: vaora_protocol::tracing::CaseQueryRecord,
        accesses: Vec<AccessRecord>,
    ) -> Result<(), StoreError> {
        self.0.record_case_trace(query, accesses).await
    }
    async fn case_queries(
        &self,
        limit: u32,
    ) -> Result<Vec<vaora_protocol::tracing::CaseQueryRecord>, StoreError> {
        self.0.case_queries(limit).await
    }

    // Authority reports.
    async fn units_within(&self, unit: String) -> Result<Vec<Unit>, StoreError> {
        self.0.units_within(unit).await
    }
    async fn report_venues(&self, unit: String) -> Result<Vec<ReportVenue>, StoreError> {
        self.0.report_venues(unit).await
    }
    async fn report_checkins(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError> {
        self.0.report_checkins(unit, from, to).await
    }
    async fn silent_venues(
        &self,
        unit: String,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError> {
        self.0.silent_venues(unit, since).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stores_duplicates_on_retry_fails() {
    let (store, _dir) = sqlite().await;
    let broken: Store = Arc::new(DuplicatesOnRetry(store.clone()));
    let outcomes = run(&target(&serve(broken).await)).await;
    let failed: Vec<&str> = failures(&outcomes)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(
        failed.contains(&"check_in_and_replay"),
        "a retry stored again must fail the replay check: {failed:?}"
    );
    assert!(
        failed.contains(&"concurrent_retries_store_once"),
        "{failed:?}"
    );
    // Everything unrelated to idempotency still passes: the suite pins the fault down.
    assert!(
        outcomes
            .iter()
            .filter(|o| o.name == "health" || o.name == "forged_venue_codes")
            .all(|o| o.result.is_ok()),
        "{failed:?}"
    );
    assert!(
        store.checkin_count().await.expect("count") > 1 + 16,
        "the broken server really stored duplicates"
    );
}
