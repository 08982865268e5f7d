//! Storage behind one trait, [`Storage`], with two implementations: [`sqlite`] (embedded, one
//! machine; group commit) and [`postgres`] (shared by stateless server replicas). Handlers only
//! see [`Store`].

pub mod postgres;
pub mod sqlite;
#[cfg(test)]
mod suite;

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;
use vaora_protocol::api::CheckInReceipt;
use vaora_protocol::declaration::Declaration;
use vaora_protocol::short_code::ShortCode;

/// A venue as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenueRow {
    pub id: u64,
    pub short_code: ShortCode,
    pub name: String,
    pub unit_code: String,
    pub venue_code: String,
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

    fn receipt(&self, checked_in_at: i64) -> CheckInReceipt {
        CheckInReceipt {
            id: self.id,
            venue_id: self.venue.id,
            venue_name: self.venue.name.clone(),
            unit_code: self.venue.unit_code.clone(),
            checked_in_at,
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
    /// The store's writer or pool is gone (shutting down, or a thread died).
    Unavailable,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(err) => write!(f, "sqlite: {err}"),
            Self::Postgres(err) => write!(f, "postgres: {err}"),
            Self::Corrupt(what) => write!(f, "corrupt row: {what}"),
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
    /// Stores a check-in once per id: a replay with identical content returns the original
    /// receipt, a replay with different content is a conflict.
    async fn insert_checkin(&self, checkin: NewCheckIn) -> Result<InsertOutcome, StoreError>;
    /// One check-in with its declaration (personal data: callers must be authorised).
    async fn checkin_by_id(&self, id: Uuid) -> Result<Option<CheckInRow>, StoreError>;
    /// Number of stored check-ins (tests, the start banner, the crash test).
    async fn checkin_count(&self) -> Result<u64, StoreError>;
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
