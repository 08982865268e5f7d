//! Storage behind one trait, [`Storage`], with two implementations: [`sqlite`] (embedded, one
//! machine; group commit) and [`postgres`] (shared by stateless server replicas). Handlers only
//! see [`Store`].

pub mod postgres;
pub mod reports;
pub mod sqlite;
pub mod staff;
#[cfg(test)]
mod suite;
pub mod tracing;

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;
use vaora_protocol::api::VenueKind;
use vaora_protocol::api::{
    AccessRecord, CheckInReceipt, KeyStatus, ProgrammeStatus, PublishedKey, PurgeRecord, Role,
    TokenInfo, Unit, VenueActivity,
};
use vaora_protocol::declaration::Declaration;
use vaora_protocol::person_key::PersonKey;
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::tracing::CaseQueryRecord;
use vaora_protocol::venue_code::{KeyId, TrustedKey};

use reports::{ReportCheckIn, ReportVenue, SilentVenueRow};
pub use staff::{NewInvitation, StaffCheckOutRow, StaffEntered, VenuePresence};

/// A venue as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenueRow {
    pub id: u64,
    pub short_code: ShortCode,
    pub name: String,
    pub unit_code: String,
    pub venue_code: String,
    /// When the venue was withdrawn (unix ms); its code is refused from then on.
    pub revoked_at: Option<i64>,
    pub kind: VenueKind,
    /// Street address (may be empty).
    pub address: String,
    /// Whom the authority calls or writes to (may be empty); never public.
    pub contact: String,
}

/// The kind stored under `name` (`other` for a name this version does not know).
pub(crate) fn venue_kind(name: &str) -> VenueKind {
    VenueKind::from_name(name).unwrap_or_default()
}

/// A check-in to store: the venue it was verified against, and the normalised declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCheckIn {
    pub id: Uuid,
    pub venue: VenueRow,
    pub declaration: Declaration,
    pub client_time: Option<i64>,
    /// Server time, unix ms.
    pub received_at: i64,
}

impl NewCheckIn {
    /// The declaration as stored; a replay is "the same" when these bytes are equal.
    fn declaration_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(&self.declaration).map_err(|err| StoreError::Corrupt(err.to_string()))
    }

    /// Whom the check-in is for, as the `checkin_people` index keys them.
    fn person_keys(&self) -> Vec<String> {
        PersonKey::of_answers(&self.declaration.answers)
            .iter()
            .map(PersonKey::to_string)
            .collect()
    }

    fn receipt(&self, checked_in_at: i64) -> CheckInReceipt {
        CheckInReceipt {
            id: self.id,
            venue_id: self.venue.id,
            venue_name: self.venue.name.clone(),
            unit_code: self.venue.unit_code.clone(),
            checked_in_at,
            default_stay_minutes: Some(self.venue.kind.default_stay_minutes()),
        }
    }

    /// Given what is stored under this id, was this a replay or a conflict?
    fn outcome_of_existing(
        &self,
        inserted: bool,
        stored_venue: u64,
        stored_declaration: &str,
        checked_in_at: i64,
    ) -> Result<InsertOutcome, StoreError> {
        if stored_venue != self.venue.id || stored_declaration != self.declaration_json()? {
            return Ok(InsertOutcome::Conflict);
        }
        let receipt = self.receipt(checked_in_at);
        Ok(if inserted {
            InsertOutcome::Created(receipt)
        } else {
            InsertOutcome::Replayed(receipt)
        })
    }
}

/// A stored check-in, for authorised reads (the protocol's wire type).
pub use vaora_protocol::api::CheckInRecord as CheckInRow;

/// What happened to a check-in insert.
#[derive(Debug, PartialEq)]
pub enum InsertOutcome {
    /// A new row, durable when this is returned.
    Created(CheckInReceipt),
    /// The same id with the same content was already stored: the original answer.
    Replayed(CheckInReceipt),
    /// The same id was stored with different content.
    Conflict,
}

/// Storage failures (never carry personal data).
#[derive(Debug)]
pub enum StoreError {
    Sqlite(rusqlite::Error),
    Postgres(sqlx::Error),
    Corrupt(String),
    /// The key a server was started with has been revoked.
    KeyRevoked,
    /// The store's writer or pool is gone (shutting down, or a thread died).
    Unavailable,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(err) => write!(f, "sqlite: {err}"),
            Self::Postgres(err) => write!(f, "postgres: {err}"),
            Self::Corrupt(what) => write!(f, "corrupt row: {what}"),
            Self::KeyRevoked => {
                write!(f, "this signing key has been revoked: start with a new one")
            }
            Self::Unavailable => write!(f, "store unavailable"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Sqlite(err)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        Self::Postgres(err)
    }
}

/// Everything the server keeps. Implementations must make a `Created` check-in durable before
/// returning it: an acknowledged check-in survives a crash of the process.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// A venue id never handed out before (safe across server replicas).
    async fn allocate_venue_id(&self) -> Result<u64, StoreError>;
    /// Inserts a venue whose id came from [`Storage::allocate_venue_id`].
    async fn insert_venue(&self, venue: VenueRow, created_at: i64) -> Result<(), StoreError>;
    /// Any venue, oldest first (the demo venue on start).
    async fn first_venue(&self) -> Result<Option<VenueRow>, StoreError>;
    async fn venue_by_id(&self, id: u64) -> Result<Option<VenueRow>, StoreError>;
    /// A venue by the short code printed under its QR.
    async fn venue_by_short_code(&self, code: ShortCode) -> Result<Option<VenueRow>, StoreError>;
    /// When a venue was registered (unix ms; its poster's issue date), `None` for no such venue.
    async fn venue_registered_at(&self, id: u64) -> Result<Option<i64>, StoreError>;
    /// Stores a check-in once per id: a replay with identical content returns the original
    /// receipt, a replay with different content is a conflict.
    async fn insert_checkin(&self, checkin: NewCheckIn) -> Result<InsertOutcome, StoreError>;
    /// One check-in with its declaration (personal data: callers must be authorised).
    async fn checkin_by_id(&self, id: Uuid) -> Result<Option<CheckInRow>, StoreError>;
    /// Number of stored check-ins (tests, the start banner, the crash test).
    async fn checkin_count(&self) -> Result<u64, StoreError>;
    /// Withdraws a venue; `false` if there is no such venue. Revoking twice keeps the first time.
    async fn revoke_venue(&self, id: u64, at: i64) -> Result<bool, StoreError>;

    /// Every signing key this backend has used, oldest first.
    async fn keys(&self) -> Result<Vec<PublishedKey>, StoreError>;
    /// Makes `key` the active signing key (a server starting with it): inserted if new, and every
    /// other active key becomes retired. Fails with [`StoreError::KeyRevoked`] for a revoked key.
    async fn activate_key(&self, key: TrustedKey, at: i64) -> Result<(), StoreError>;
    /// Revokes a key; `false` if there is no such key.
    async fn revoke_key(&self, kid: KeyId, at: i64) -> Result<bool, StoreError>;

    /// The programme's state as last set (the default, active, if never).
    async fn programme(&self) -> Result<ProgrammeStatus, StoreError>;
    async fn set_programme(&self, status: ProgrammeStatus) -> Result<(), StoreError>;

    /// Deletes every check-in received before `cutoff` (unix ms), in chunks so check-ins keep
    /// flowing meanwhile, and records the purge. Returns what it recorded.
    async fn purge_checkins(&self, cutoff: i64, now: i64) -> Result<PurgeRecord, StoreError>;
    /// The latest `limit` purges, newest first.
    async fn purges(&self, limit: u32) -> Result<Vec<PurgeRecord>, StoreError>;
    /// Appends to the audit log; done before the personal data is handed out.
    async fn record_access(&self, access: AccessRecord) -> Result<(), StoreError>;
    /// Every recorded read of one check-in, oldest first.
    async fn accesses(&self, checkin_id: Uuid) -> Result<Vec<AccessRecord>, StoreError>;

    /// Replaces the whole set of administrative units (already checked by `units::parse_csv`)
    /// in one transaction.
    async fn replace_units(&self, units: Vec<Unit>) -> Result<(), StoreError>;
    /// The units under `parent` (the top level for `None`), by code.
    async fn units_under(&self, parent: Option<String>) -> Result<Vec<Unit>, StoreError>;
    async fn unit(&self, code: String) -> Result<Option<Unit>, StoreError>;
    /// How many units are loaded.
    async fn unit_count(&self) -> Result<u64, StoreError>;
    /// The code of every loaded unit, in no particular order (for the in-memory check of unit
    /// answers, `unit_codes::UnitCodes`).
    async fn unit_codes(&self) -> Result<Vec<String>, StoreError>;

    /// Records the check-out of a stored check-in (the first time wins): `(checked_in_at,
    /// checked_out_at)`, or `None` for an unknown id.
    async fn check_out(&self, id: Uuid, at: i64) -> Result<Option<(i64, i64)>, StoreError>;
    /// Every venue in `unit` or below it, with its check-ins in `[from, to)`, fewest first.
    async fn venue_activity(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<VenueActivity>, StoreError>;
    /// Visits at `venue` overlapping `[from, to)`: entered before `to` and either entered at or
    /// after `from` or left at or after it. Oldest first, at most `limit`.
    async fn checkins_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError>;
    /// The check-ins of the person with key `person` (`PersonKey`'s text) received in
    /// `[from, to)`, oldest first, at most `limit`.
    async fn checkins_of(
        &self,
        person: String,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError>;
    /// Appends several reads to the audit log at once (a trace).
    async fn record_accesses(&self, accesses: Vec<AccessRecord>) -> Result<(), StoreError>;
    /// Whether `unit` is `ancestor` or lies below it.
    async fn unit_within(&self, unit: String, ancestor: String) -> Result<bool, StoreError>;

    /// Stores a new token by the SHA-256 of its secret; the id is the store's.
    async fn insert_token(&self, hash: String, token: NewToken) -> Result<TokenInfo, StoreError>;
    /// The token whose secret hashes to `hash` (revoked ones too: the caller refuses them).
    async fn token_by_hash(&self, hash: String) -> Result<Option<TokenInfo>, StoreError>;
    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;
    /// `false` if there is no such token.
    async fn revoke_token(&self, id: u64, at: i64) -> Result<bool, StoreError>;

    /// Stores declaration form `version` (its JSON) if it is above every stored version and
    /// above `above`; `false` if not.
    async fn publish_form(
        &self,
        version: u32,
        body: String,
        at: i64,
        above: u32,
    ) -> Result<bool, StoreError>;
    /// The JSON of declaration form `version`, or of the latest one when `None`, with its
    /// version and when it was published.
    async fn form(&self, version: Option<u32>) -> Result<Option<StoredForm>, StoreError>;

    // Venue staff (`staff`: kiosk and paper check-ins, exits, closing the day, invitations).
    /// [`Storage::insert_checkin`] for a check-in staff entered, stored with how and by whom
    /// (in the same transaction); a replay keeps what was first stored.
    async fn insert_staff_checkin(
        &self,
        checkin: NewCheckIn,
        entered: StaffEntered,
    ) -> Result<InsertOutcome, StoreError>;
    /// The people inside `venue` (check-ins since `open_since` without a check-out) and its
    /// check-ins since `today`.
    async fn venue_presence(
        &self,
        venue: u64,
        open_since: i64,
        today: i64,
    ) -> Result<VenuePresence, StoreError>;
    /// Checks out every open check-in at `venue` since `open_since` at `at` (never before its
    /// check-in); how many.
    async fn close_venue_day(
        &self,
        venue: u64,
        open_since: i64,
        at: i64,
    ) -> Result<u64, StoreError>;
    /// The staff exit recorded under request `id`, if any.
    async fn staff_checkout(&self, id: Uuid) -> Result<Option<StaffCheckOutRow>, StoreError>;
    /// Checks out `checkin` at `venue` at `at` (the first check-out wins) and records it under
    /// request `id`; a recorded `id` answers what was first recorded. `None`: no such check-in
    /// at that venue.
    async fn record_staff_checkout(
        &self,
        id: Uuid,
        venue: u64,
        checkin: Uuid,
        at: i64,
    ) -> Result<Option<StaffCheckOutRow>, StoreError>;
    /// Stores an invitation by the SHA-256 of its code.
    async fn insert_invitation(
        &self,
        hash: String,
        invitation: NewInvitation,
    ) -> Result<(), StoreError>;
    /// Uses the invitation whose code hashes to `hash`, if unused and not expired at `now`:
    /// stores a venue-staff token (by `token_hash`) for its venue, once.
    async fn accept_invitation(
        &self,
        hash: String,
        now: i64,
        token_hash: String,
    ) -> Result<Option<TokenInfo>, StoreError>;
    // Case tracing (issue 6): SQL in `store::tracing`.

    /// Check-ins at `venue` entered in `[from, to)`, oldest first, at most `limit` (an indexed
    /// range, unlike [`Storage::checkins_at`]'s overlap).
    async fn checkins_entered_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError>;
    /// For each query, when its person next checked in at another venue, if they did.
    async fn next_checkins(
        &self,
        queries: Vec<tracing::NextCheckIn>,
    ) -> Result<Vec<Option<i64>>, StoreError>;
    /// Logs a case query and every check-in it hands out, in one transaction, before the answer
    /// leaves.
    async fn record_case_trace(
        &self,
        query: CaseQueryRecord,
        accesses: Vec<AccessRecord>,
    ) -> Result<(), StoreError>;
    /// The latest `limit` case queries, newest first.
    async fn case_queries(&self, limit: u32) -> Result<Vec<CaseQueryRecord>, StoreError>;
    // Authority reports: the rows `crate::reports` computes its figures from (`store::reports`).
    /// `unit` and every unit below it, by code (empty for a unit not loaded).
    async fn units_within(&self, unit: String) -> Result<Vec<Unit>, StoreError>;
    /// Every venue in `unit` or below it, withdrawn ones too.
    async fn report_venues(&self, unit: String) -> Result<Vec<ReportVenue>, StoreError>;
    /// The check-ins received in `[from, to)` at venues in `unit` or below it, each with its
    /// visitor, in no particular order.
    async fn report_checkins(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError>;
    /// Venues in `unit` or below it registered at or before `since`, not withdrawn, without a
    /// check-in since then; oldest registration first.
    async fn silent_venues(
        &self,
        unit: String,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError>;
}

/// A token to store (checked by the caller).
#[derive(Clone, Debug)]
pub struct NewToken {
    pub role: Role,
    pub label: String,
    pub unit_code: Option<String>,
    pub venue_id: Option<u64>,
    pub created_at: i64,
}

/// A published declaration form as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredForm {
    pub version: u32,
    /// The form as JSON (`vaora_protocol::form::DeclarationForm`).
    pub body: String,
    pub published_at: i64,
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Officer => "officer",
        Role::Tracer => "tracer",
        Role::VenueStaff => "venue_staff",
    }
}

fn role_from(name: &str) -> Result<Role, StoreError> {
    match name {
        "admin" => Ok(Role::Admin),
        "officer" => Ok(Role::Officer),
        "tracer" => Ok(Role::Tracer),
        "venue_staff" => Ok(Role::VenueStaff),
        other => Err(StoreError::Corrupt(format!("role {other:?}"))),
    }
}

/// A check-in with its venue, for [`Storage::checkin_by_id`] and [`Storage::checkins_at`].
const RECORD_SQL: &str = "SELECT c.id, c.venue_id, v.name, v.unit_code, c.declaration,
       c.client_time, c.checked_in_at, c.checked_out_at, v.kind, c.entered_by
FROM checkins c JOIN venues v ON v.id = c.venue_id";

/// Builds a record from its columns; the declaration is stored JSON. The receipt is the one the
/// client was given: its default stay comes from the venue's kind, as at check-in.
#[allow(clippy::too_many_arguments)]
fn record(
    id: Uuid,
    venue_id: i64,
    venue_name: String,
    unit_code: String,
    declaration: &str,
    client_time: Option<i64>,
    checked_in_at: i64,
    checked_out_at: Option<i64>,
    venue_kind_name: &str,
) -> Result<CheckInRow, StoreError> {
    Ok(CheckInRow {
        receipt: CheckInReceipt {
            id,
            venue_id: venue_id as u64,
            venue_name,
            unit_code,
            checked_in_at,
            default_stay_minutes: Some(venue_kind(venue_kind_name).default_stay_minutes()),
        },
        declaration: serde_json::from_str(declaration)
            .map_err(|_| StoreError::Corrupt(format!("check-in {id} declaration")))?,
        client_time,
        checked_out_at,
        entered_by: None,
    })
}

/// A person's check-ins through the person index; `?1` person key, `?2`/`?3` the period, `?4`
/// the limit.
const CHECKINS_OF_SQL: &str = "SELECT c.id, c.venue_id, v.name, v.unit_code, c.declaration,
       c.client_time, c.checked_in_at, c.checked_out_at, v.kind, c.entered_by
FROM checkin_people p
JOIN checkins c ON c.id = p.checkin_id
JOIN venues v ON v.id = c.venue_id
WHERE p.person = ?1 AND p.checked_in_at >= ?2 AND p.checked_in_at < ?3
ORDER BY p.checked_in_at, p.checkin_id LIMIT ?4";

/// Whether `?1` is `?2` or lies below it, walking up the parents.
const UNIT_WITHIN_SQL: &str = "
WITH RECURSIVE up(code, parent) AS (
    SELECT code, parent FROM units WHERE code = CAST(?1 AS TEXT)
    UNION ALL
    SELECT u.code, u.parent FROM units u JOIN up ON u.code = up.parent
)
SELECT COUNT(*) FROM up WHERE code = CAST(?2 AS TEXT)";

/// Venues in a unit's subtree with their check-in counts; `?1` unit, `?2`/`?3` the period
/// (SQLite and PostgreSQL both take it, with their own placeholders).
const VENUE_ACTIVITY_SQL: &str = "
WITH RECURSIVE subtree(code) AS (
    SELECT CAST(?1 AS TEXT)
    UNION ALL
    SELECT u.code FROM units u JOIN subtree s ON u.parent = s.code
)
SELECT v.id, v.name, v.short_code, v.unit_code, v.revoked_at IS NOT NULL AS revoked,
       COUNT(c.id) AS checkins
FROM venues v
LEFT JOIN checkins c ON c.venue_id = v.id AND c.checked_in_at >= ?2 AND c.checked_in_at < ?3
WHERE v.unit_code IN (SELECT code FROM subtree)
GROUP BY v.id, v.name, v.short_code, v.unit_code, v.revoked_at
ORDER BY checkins, v.id";

/// Check-ins deleted per transaction by a purge.
const PURGE_CHUNK: i64 = 5_000;

/// A key row's status as stored (`active`, `retired`, `revoked`).
fn key_status_name(status: KeyStatus) -> &'static str {
    match status {
        KeyStatus::Active => "active",
        KeyStatus::Retired => "retired",
        KeyStatus::Revoked => "revoked",
    }
}

fn key_status_from(name: &str) -> Result<KeyStatus, StoreError> {
    match name {
        "active" => Ok(KeyStatus::Active),
        "retired" => Ok(KeyStatus::Retired),
        "revoked" => Ok(KeyStatus::Revoked),
        other => Err(StoreError::Corrupt(format!("key status {other:?}"))),
    }
}

fn published_key(
    kid: &str,
    public_key: String,
    status: &str,
    since: i64,
) -> Result<PublishedKey, StoreError> {
    Ok(PublishedKey {
        kid: kid
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("key id {kid:?}")))?,
        public_key,
        status: key_status_from(status)?,
        since,
    })
}

fn programme_json(status: &ProgrammeStatus) -> Result<String, StoreError> {
    serde_json::to_string(status).map_err(|err| StoreError::Corrupt(err.to_string()))
}

fn programme_from_json(json: Option<String>) -> Result<ProgrammeStatus, StoreError> {
    json.map_or(Ok(ProgrammeStatus::default()), |json| {
        serde_json::from_str(&json).map_err(|_| StoreError::Corrupt("programme status".into()))
    })
}

/// The store handlers share.
pub type Store = Arc<dyn Storage>;

/// Opens the store `location` names: a `postgres://` (or `postgresql://`) URL, else a SQLite
/// file path (created on first run).
pub async fn open(location: &str) -> Result<Store, StoreError> {
    if postgres::is_url(location) {
        Ok(Arc::new(postgres::PostgresStore::connect(location).await?))
    } else {
        Ok(Arc::new(sqlite::SqliteStore::open(std::path::Path::new(
            location,
        ))?))
    }
}
