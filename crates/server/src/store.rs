//! SQLite storage: venues and check-ins. One connection behind a mutex, used from blocking
//! tasks; WAL so readers never wait for the writer.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
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

/// A stored check-in, for authorised reads.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CheckInRow {
    pub receipt: CheckInReceipt,
    pub declaration: Declaration,
    pub client_time: Option<i64>,
}

/// What happened to a check-in insert.
#[derive(Debug, PartialEq)]
pub enum InsertOutcome {
    /// A new row.
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
    Corrupt(String),
    Poisoned,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(err) => write!(f, "sqlite: {err}"),
            Self::Corrupt(what) => write!(f, "corrupt row: {what}"),
            Self::Poisoned => write!(f, "store lock poisoned"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Sqlite(err)
    }
}

/// The database handle shared by request handlers.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS venues (
    id          INTEGER PRIMARY KEY,
    short_code  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    venue_code  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS checkins (
    id            TEXT PRIMARY KEY,
    venue_id      INTEGER NOT NULL REFERENCES venues(id),
    declaration   TEXT NOT NULL,
    client_time   INTEGER,
    checked_in_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkins_by_venue_time ON checkins(venue_id, checked_in_at);
";

impl Store {
    /// Opens (creating if needed) the database file and applies the schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().map_err(|_| StoreError::Poisoned)?;
        f(&mut conn)
    }

    /// Inserts a venue; the caller chose its id and signed its code.
    pub fn insert_venue(&self, venue: &VenueRow, created_at: i64) -> Result<(), StoreError> {
        self.with_conn(|conn| {
            conn.execute(
                "INSERT INTO venues (id, short_code, name, unit_code, venue_code, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    venue.id as i64,
                    venue.short_code.as_str(),
                    venue.name,
                    venue.unit_code,
                    venue.venue_code,
                    created_at
                ],
            )?;
            Ok(())
        })
    }

    /// The next free venue id.
    pub fn next_venue_id(&self) -> Result<u64, StoreError> {
        self.with_conn(|conn| {
            let max: Option<i64> =
                conn.query_row("SELECT MAX(id) FROM venues", [], |row| row.get(0))?;
            Ok(max.map_or(1, |id| id as u64 + 1))
        })
    }

    /// Any venue, oldest first (used to show the demo venue on start).
    pub fn first_venue(&self) -> Result<Option<VenueRow>, StoreError> {
        self.venue_where("1 = 1 ORDER BY id LIMIT 1", params![])
    }

    /// A venue by id.
    pub fn venue_by_id(&self, id: u64) -> Result<Option<VenueRow>, StoreError> {
        self.venue_where("id = ?1", params![id as i64])
    }

    /// A venue by the short code printed under its QR.
    pub fn venue_by_short_code(&self, code: &ShortCode) -> Result<Option<VenueRow>, StoreError> {
        self.venue_where("short_code = ?1", params![code.as_str()])
    }

    fn venue_where(
        &self,
        condition: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Option<VenueRow>, StoreError> {
        let sql = format!(
            "SELECT id, short_code, name, unit_code, venue_code FROM venues WHERE {condition}"
        );
        self.with_conn(|conn| {
            let row = conn
                .query_row(&sql, args, |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                })
                .optional()?;
            row.map(|(id, short, name, unit_code, venue_code)| {
                let short_code = ShortCode::parse(&short)
                    .map_err(|_| StoreError::Corrupt(format!("venue {id} short code")))?;
                Ok(VenueRow {
                    id: id as u64,
                    short_code,
                    name,
                    unit_code,
                    venue_code,
                })
            })
            .transpose()
        })
    }

    /// Stores a check-in once per id: a replay with identical content returns the original
    /// receipt, a replay with different content is a conflict.
    pub fn insert_checkin(
        &self,
        venue: &VenueRow,
        id: uuid::Uuid,
        declaration: &Declaration,
        client_time: Option<i64>,
        now_ms: i64,
    ) -> Result<InsertOutcome, StoreError> {
        let declaration_json = serde_json::to_string(declaration)
            .map_err(|err| StoreError::Corrupt(err.to_string()))?;
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            let inserted = tx.execute(
                "INSERT INTO checkins (id, venue_id, declaration, client_time, checked_in_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
                params![
                    id.to_string(),
                    venue.id as i64,
                    declaration_json,
                    client_time,
                    now_ms
                ],
            )?;
            let (stored_venue, stored_declaration, checked_in_at): (i64, String, i64) = tx
                .query_row(
                    "SELECT venue_id, declaration, checked_in_at FROM checkins WHERE id = ?1",
                    params![id.to_string()],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )?;
            tx.commit()?;
            if stored_venue as u64 != venue.id || stored_declaration != declaration_json {
                return Ok(InsertOutcome::Conflict);
            }
            let receipt = CheckInReceipt {
                id,
                venue_id: venue.id,
                venue_name: venue.name.clone(),
                unit_code: venue.unit_code.clone(),
                checked_in_at,
            };
            Ok(if inserted == 1 {
                InsertOutcome::Created(receipt)
            } else {
                InsertOutcome::Replayed(receipt)
            })
        })
    }

    /// One check-in with its declaration (personal data: callers must be authorised).
    pub fn checkin_by_id(&self, id: uuid::Uuid) -> Result<Option<CheckInRow>, StoreError> {
        self.with_conn(|conn| {
            let row = conn
                .query_row(
                    "SELECT c.venue_id, v.name, v.unit_code, c.declaration, c.client_time,
                            c.checked_in_at
                     FROM checkins c JOIN venues v ON v.id = c.venue_id WHERE c.id = ?1",
                    params![id.to_string()],
                    |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, String>(3)?,
                            row.get::<_, Option<i64>>(4)?,
                            row.get::<_, i64>(5)?,
                        ))
                    },
                )
                .optional()?;
            row.map(
                |(venue_id, venue_name, unit_code, declaration, client_time, checked_in_at)| {
                    let declaration = serde_json::from_str(&declaration)
                        .map_err(|_| StoreError::Corrupt(format!("check-in {id} declaration")))?;
                    Ok(CheckInRow {
                        receipt: CheckInReceipt {
                            id,
                            venue_id: venue_id as u64,
                            venue_name,
                            unit_code,
                            checked_in_at,
                        },
                        declaration,
                        client_time,
                    })
                },
            )
            .transpose()
        })
    }

    /// Number of stored check-ins (for tests and the start banner).
    pub fn checkin_count(&self) -> Result<u64, StoreError> {
        self.with_conn(|conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM checkins", [], |row| row.get(0))?;
            Ok(n as u64)
        })
    }
}
