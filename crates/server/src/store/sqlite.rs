//! The embedded store: one SQLite file in WAL mode. Every write goes to one writer thread that
//! commits whatever has queued up meanwhile as one transaction (group commit): under a burst of
//! check-ins one fsync covers hundreds of them, and none is acknowledged before its commit is on
//! disk (`synchronous = FULL`). Reads use their own connections, which WAL never blocks.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use tokio::sync::oneshot;
use uuid::Uuid;
use vaora_protocol::api::{
    AccessRecord, KeyStatus, ProgrammeStatus, PublishedKey, PurgeRecord, TokenInfo, Unit,
    VenueActivity,
};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::tracing::CaseQueryRecord;
use vaora_protocol::venue_code::{KeyId, TrustedKey};

use super::reports::{self, ReportCheckIn, ReportVenue, SilentVenueRow};
use super::staff::sqlite as staff;
use super::{
    key_status_name, programme_from_json, programme_json, published_key, record, role_from,
    role_name, tracing, venue_kind, CheckInRow, InsertOutcome, NewCheckIn, NewToken, Storage,
    StoreError, StoredForm, VenueRow, CHECKINS_OF_SQL, PURGE_CHUNK, RECORD_SQL, UNIT_WITHIN_SQL,
    VENUE_ACTIVITY_SQL,
};
use super::{NewInvitation, StaffCheckOutRow, StaffEntered, VenuePresence};

/// Most writes in one transaction: bounds the latency a write waits behind the others.
const MAX_BATCH: usize = 1024;

/// The schema, one step per release that changed it; `PRAGMA user_version` counts the steps
/// applied. Step 1 is written so that databases from before the counter existed pass through it.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS venues (
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
    CREATE TABLE IF NOT EXISTS counters (
        name  TEXT PRIMARY KEY,
        next  INTEGER NOT NULL
    );",
    "ALTER TABLE venues ADD COLUMN revoked_at INTEGER;
    CREATE TABLE signing_keys (
        kid         TEXT PRIMARY KEY,
        public_key  TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
        since       INTEGER NOT NULL
    );
    CREATE TABLE settings (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );",
    "CREATE INDEX checkins_by_time ON checkins(checked_in_at);
    CREATE TABLE purges (
        id       INTEGER PRIMARY KEY,
        ran_at   INTEGER NOT NULL,
        cutoff   INTEGER NOT NULL,
        deleted  INTEGER NOT NULL
    );
    CREATE TABLE accesses (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,
        checkin_id  TEXT NOT NULL,
        actor       TEXT NOT NULL,
        purpose     TEXT NOT NULL
    );
    CREATE INDEX accesses_by_checkin ON accesses(checkin_id, at);",
    "CREATE TABLE units (
        code    TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        kind    TEXT NOT NULL,
        parent  TEXT
    );
    CREATE INDEX units_by_parent ON units(parent, code);",
    "ALTER TABLE checkins ADD COLUMN checked_out_at INTEGER;
    CREATE INDEX venues_by_unit ON venues(unit_code);",
    "CREATE TABLE tokens (
        id          INTEGER PRIMARY KEY,
        hash        TEXT NOT NULL UNIQUE,
        role        TEXT NOT NULL,
        label       TEXT NOT NULL,
        unit_code   TEXT,
        venue_id    INTEGER,
        created_at  INTEGER NOT NULL,
        revoked_at  INTEGER
    );",
    "CREATE TABLE declaration_forms (
        version       INTEGER PRIMARY KEY,
        body          TEXT NOT NULL,
        published_at  INTEGER NOT NULL
    );",
    "ALTER TABLE venues ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
    ALTER TABLE venues ADD COLUMN address TEXT NOT NULL DEFAULT '';
    ALTER TABLE venues ADD COLUMN contact TEXT NOT NULL DEFAULT '';",
    // Who each check-in is for, by person key, with its venue and time: a person's visits
    // from this index alone (tracing, a kiosk's exit scan).
    "CREATE TABLE checkin_people (
        person         TEXT NOT NULL,
        checked_in_at  INTEGER NOT NULL,
        checkin_id     TEXT NOT NULL,
        venue_id       INTEGER NOT NULL,
        PRIMARY KEY (person, checked_in_at, checkin_id)
    ) WITHOUT ROWID;
    CREATE INDEX checkin_people_by_time ON checkin_people(checked_in_at);",
    // Venue staff: who entered a check-in, staff exits, invitations.
    super::staff::sqlite::MIGRATION,
    // Case tracing: an access's case reference, and the log of case queries.
    "ALTER TABLE accesses ADD COLUMN case_reference TEXT;
    CREATE TABLE case_queries (
        id              INTEGER PRIMARY KEY,
        at              INTEGER NOT NULL,
        actor           TEXT NOT NULL,
        case_reference  TEXT NOT NULL,
        identifier      TEXT NOT NULL,
        from_ms         INTEGER NOT NULL,
        to_ms           INTEGER NOT NULL,
        after_minutes   INTEGER NOT NULL,
        visits          INTEGER NOT NULL,
        contacts        INTEGER NOT NULL
    );
    CREATE INDEX case_queries_by_time ON case_queries(at);",
    // A check-in's people, for its visitor in the authority's reports.
    "CREATE INDEX checkin_people_by_checkin ON checkin_people(checkin_id, person);",
];

/// Applies the steps this database has not had yet, each in its own transaction.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", step + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Runs inside the batch's transaction (in a savepoint of its own) and returns how to deliver
/// its result once the batch is committed (`true`) or not (`false`).
type Job = Box<dyn FnOnce(&mut Transaction<'_>) -> Deliver + Send>;
type Deliver = Box<dyn FnOnce(bool) + Send>;

/// A job running `f`, whose result goes to `reply` after the commit.
fn job<T: Send + 'static>(
    f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    reply: oneshot::Sender<Result<T, StoreError>>,
) -> Write {
    Write::Job(Box::new(move |tx| {
        let result = in_savepoint(tx, f);
        Box::new(move |committed| {
            let _ = reply.send(if committed {
                result
            } else {
                Err(StoreError::Unavailable)
            });
        })
    }))
}

/// A write for the writer thread, with where to send its result.
enum Write {
    /// Rare writes (administration), as a closure.
    Job(Job),
    AllocateVenueId(oneshot::Sender<Result<u64, StoreError>>),
    Venue(VenueRow, i64, oneshot::Sender<Result<(), StoreError>>),
    CheckIn(
        Box<NewCheckIn>,
        oneshot::Sender<Result<InsertOutcome, StoreError>>,
    ),
}

/// The SQLite store; cheap to share.
pub struct SqliteStore {
    writes: mpsc::Sender<Write>,
    readers: Arc<[Mutex<Connection>]>,
    next_reader: AtomicUsize,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, applies the schema, starts the writer.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut writer = connect(path)?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut writer)?;
        let count = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
        let readers = (0..count)
            .map(|_| connect(path).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        let (writes, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("vaora-sqlite-writer".into())
            .spawn(move || write_loop(writer, &queue))
            .map_err(|_| StoreError::Unavailable)?;
        Ok(Self {
            writes,
            readers: readers.into(),
            next_reader: AtomicUsize::new(0),
        })
    }

    async fn write<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Write,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writes
            .send(make(reply))
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    /// One statement through the writer thread; the number of rows it changed, once committed.
    async fn execute(
        &self,
        sql: &'static str,
        args: Vec<rusqlite::types::Value>,
    ) -> Result<usize, StoreError> {
        self.write(|sender| {
            job(
                move |conn| Ok(conn.execute(sql, rusqlite::params_from_iter(args))?),
                sender,
            )
        })
        .await
    }

    /// Runs a read on one of the reader connections, off the async runtime.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        let index = self.next_reader.fetch_add(1, Ordering::Relaxed) % readers.len();
        tokio::task::spawn_blocking(move || {
            let conn = readers[index].lock().map_err(|_| StoreError::Unavailable)?;
            f(&conn)
        })
        .await
        .map_err(|_| StoreError::Unavailable)?
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The writer thread: waits for one write, takes every other one already queued, runs them in
/// one transaction (each in its own savepoint, so one failing write fails alone), commits, and
/// only then answers them all. Ends when the store is dropped.
fn write_loop(mut conn: Connection, queue: &mpsc::Receiver<Write>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, batch);
    }
}

/// A write's result, held until the commit that makes it true.
enum Done {
    Job(Deliver),
    VenueId(
        oneshot::Sender<Result<u64, StoreError>>,
        Result<u64, StoreError>,
    ),
    Venue(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
    CheckIn(
        oneshot::Sender<Result<InsertOutcome, StoreError>>,
        Result<InsertOutcome, StoreError>,
    ),
}

fn commit_batch(conn: &mut Connection, batch: Vec<Write>) {
    let mut done = Vec::with_capacity(batch.len());
    let committed = conn
        .transaction()
        .map_err(StoreError::from)
        .and_then(|mut tx| {
            for write in batch {
                done.push(apply(&mut tx, write));
            }
            tx.commit().map_err(StoreError::from)
        });
    for result in done {
        // A receiver that gave up (client went away) is no error of ours.
        match (result, &committed) {
            (Done::Job(deliver), committed) => deliver(committed.is_ok()),
            (Done::VenueId(reply, value), Ok(())) => drop(reply.send(value)),
            (Done::Venue(reply, value), Ok(())) => drop(reply.send(value)),
            (Done::CheckIn(reply, value), Ok(())) => drop(reply.send(value)),
            (Done::VenueId(reply, _), Err(_)) => drop(reply.send(Err(StoreError::Unavailable))),
            (Done::Venue(reply, _), Err(_)) => drop(reply.send(Err(StoreError::Unavailable))),
            (Done::CheckIn(reply, _), Err(_)) => drop(reply.send(Err(StoreError::Unavailable))),
        }
    }
}

/// Runs one write in a savepoint of the batch's transaction.
fn apply(tx: &mut Transaction<'_>, write: Write) -> Done {
    match write {
        Write::Job(job) => Done::Job(job(tx)),
        Write::AllocateVenueId(reply) => Done::VenueId(reply, in_savepoint(tx, allocate_venue_id)),
        Write::Venue(venue, created_at, reply) => Done::Venue(
            reply,
            in_savepoint(tx, |conn| insert_venue(conn, &venue, created_at)),
        ),
        Write::CheckIn(checkin, reply) => Done::CheckIn(
            reply,
            in_savepoint(tx, |conn| insert_checkin(conn, &checkin)),
        ),
    }
}

fn in_savepoint<T>(
    tx: &mut Transaction<'_>,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let savepoint = tx.savepoint()?;
    let result = f(&savepoint)?;
    savepoint.commit()?;
    Ok(result)
}

fn allocate_venue_id(conn: &Connection) -> Result<u64, StoreError> {
    // Starts after any venue inserted before the counter existed.
    let next: i64 = conn.query_row(
        "INSERT INTO counters (name, next)
             VALUES ('venue_id', (SELECT COALESCE(MAX(id), 0) + 2 FROM venues))
         ON CONFLICT(name) DO UPDATE SET next = next + 1
         RETURNING next - 1",
        [],
        |row| row.get(0),
    )?;
    u64::try_from(next).map_err(|_| StoreError::Corrupt("venue id counter".into()))
}

fn insert_venue(conn: &Connection, venue: &VenueRow, created_at: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO venues (id, short_code, name, unit_code, venue_code, created_at, kind,
             address, contact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            venue.id as i64,
            venue.short_code.as_str(),
            venue.name,
            venue.unit_code,
            venue.venue_code,
            created_at,
            venue.kind.as_str(),
            venue.address,
            venue.contact
        ],
    )?;
    Ok(())
}

fn insert_checkin(conn: &Connection, checkin: &NewCheckIn) -> Result<InsertOutcome, StoreError> {
    let declaration = checkin.declaration_json()?;
    let id = checkin.id.to_string();
    let inserted = conn
        .prepare_cached(
            "INSERT INTO checkins (id, venue_id, declaration, client_time, checked_in_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![
            id,
            checkin.venue.id as i64,
            declaration,
            checkin.client_time,
            checkin.received_at
        ])?;
    if inserted == 1 {
        let mut index = conn.prepare_cached(
            "INSERT INTO checkin_people (person, checked_in_at, checkin_id, venue_id)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for person in checkin.person_keys() {
            index.execute(params![
                person,
                checkin.received_at,
                id,
                checkin.venue.id as i64
            ])?;
        }
        return Ok(InsertOutcome::Created(checkin.receipt(checkin.received_at)));
    }
    let (venue_id, stored, checked_in_at): (i64, String, i64) = conn
        .prepare_cached("SELECT venue_id, declaration, checked_in_at FROM checkins WHERE id = ?1")?
        .query_row(params![id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    checkin.outcome_of_existing(false, venue_id as u64, &stored, checked_in_at)
}

const VENUE_COLUMNS: &str =
    "SELECT id, short_code, name, unit_code, venue_code, revoked_at, kind, address, contact
     FROM venues";

fn venue_where(
    conn: &Connection,
    condition: &str,
    arg: Option<&dyn rusqlite::ToSql>,
) -> Result<Option<VenueRow>, StoreError> {
    let sql = format!("{VENUE_COLUMNS} {condition}");
    let mut statement = conn.prepare_cached(&sql)?;
    let row = match arg {
        Some(arg) => statement.query_row([arg], raw_venue).optional()?,
        None => statement.query_row([], raw_venue).optional()?,
    };
    row.map(venue_row).transpose()
}

/// A venue row as read (`VENUE_COLUMNS`), before its short code is parsed.
struct RawVenue {
    id: i64,
    short_code: String,
    row: VenueRow,
}

fn raw_venue(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawVenue> {
    let kind: String = row.get(6)?;
    Ok(RawVenue {
        id: row.get(0)?,
        short_code: row.get(1)?,
        row: VenueRow {
            id: 0,
            short_code: ShortCode::from_random([0; 5]),
            name: row.get(2)?,
            unit_code: row.get(3)?,
            venue_code: row.get(4)?,
            revoked_at: row.get(5)?,
            kind: venue_kind(&kind),
            address: row.get(7)?,
            contact: row.get(8)?,
        },
    })
}

fn venue_row(raw: RawVenue) -> Result<VenueRow, StoreError> {
    let short_code = ShortCode::parse(&raw.short_code)
        .map_err(|_| StoreError::Corrupt(format!("venue {} short code", raw.id)))?;
    Ok(VenueRow {
        id: raw.id as u64,
        short_code,
        ..raw.row
    })
}

#[async_trait]
impl Storage for SqliteStore {
    async fn allocate_venue_id(&self) -> Result<u64, StoreError> {
        self.write(Write::AllocateVenueId).await
    }

    async fn insert_venue(&self, venue: VenueRow, created_at: i64) -> Result<(), StoreError> {
        self.write(|reply| Write::Venue(venue, created_at, reply))
            .await
    }

    async fn first_venue(&self) -> Result<Option<VenueRow>, StoreError> {
        self.read(|conn| venue_where(conn, "ORDER BY id LIMIT 1", None))
            .await
    }

    async fn venue_by_id(&self, id: u64) -> Result<Option<VenueRow>, StoreError> {
        self.read(move |conn| venue_where(conn, "WHERE id = ?1", Some(&(id as i64))))
            .await
    }

    async fn venue_by_short_code(&self, code: ShortCode) -> Result<Option<VenueRow>, StoreError> {
        self.read(move |conn| venue_where(conn, "WHERE short_code = ?1", Some(&code.as_str())))
            .await
    }

    async fn venue_registered_at(&self, id: u64) -> Result<Option<i64>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT created_at FROM venues WHERE id = ?1")?
                .query_row(params![id as i64], |row| row.get(0))
                .optional()?)
        })
        .await
    }

    async fn insert_checkin(&self, checkin: NewCheckIn) -> Result<InsertOutcome, StoreError> {
        self.write(|reply| Write::CheckIn(Box::new(checkin), reply))
            .await
    }

    async fn checkin_by_id(&self, id: Uuid) -> Result<Option<CheckInRow>, StoreError> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&format!("{RECORD_SQL} WHERE c.id = ?1"))?
                .query_row(params![id.to_string()], raw_record)
                .optional()?;
            row.map(record_row).transpose()
        })
        .await
    }

    async fn checkins_of(
        &self,
        person: String,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(CHECKINS_OF_SQL)?;
            let rows = statement
                .query_map(params![person, from, to, limit], raw_record)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(record_row).collect()
        })
        .await
    }

    async fn checkins_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "{RECORD_SQL} WHERE c.venue_id = ?1 AND c.checked_in_at < ?3
                 AND (c.checked_in_at >= ?2 OR c.checked_out_at >= ?2)
                 ORDER BY c.checked_in_at, c.id LIMIT ?4"
            ))?;
            let rows = statement.query_map(params![venue as i64, from, to, limit], raw_record)?;
            rows.map(|row| record_row(row?)).collect()
        })
        .await
    }

    async fn record_accesses(&self, accesses: Vec<AccessRecord>) -> Result<(), StoreError> {
        self.write(|sender| {
            job(
                move |conn| tracing::sqlite::insert_accesses(conn, &accesses),
                sender,
            )
        })
        .await
    }

    async fn checkin_count(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM checkins", [], |row| row.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn revoke_venue(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "UPDATE venues SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
                vec![(id as i64).into(), at.into()],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn keys(&self) -> Result<Vec<PublishedKey>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT kid, public_key, status, since FROM signing_keys ORDER BY since, kid",
            )?;
            let rows = statement.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (kid, public_key, status, since) = row?;
                published_key(&kid, public_key, &status, since)
            })
            .collect()
        })
        .await
    }

    async fn activate_key(&self, key: TrustedKey, at: i64) -> Result<(), StoreError> {
        self.write(|sender| {
            job(
                move |conn| {
                    let kid = key.key_id.to_string();
                    let status: Option<String> = conn
                        .query_row(
                            "SELECT status FROM signing_keys WHERE kid = ?1",
                            params![kid],
                            |row| row.get(0),
                        )
                        .optional()?;
                    if status.as_deref() == Some(key_status_name(KeyStatus::Revoked)) {
                        return Err(StoreError::KeyRevoked);
                    }
                    conn.execute(
                        "UPDATE signing_keys SET status = 'retired', since = ?2
                         WHERE status = 'active' AND kid <> ?1",
                        params![kid, at],
                    )?;
                    conn.execute(
                        "INSERT INTO signing_keys (kid, public_key, status, since)
                         VALUES (?1, ?2, 'active', ?3)
                         ON CONFLICT(kid) DO UPDATE SET status = 'active',
                             since = CASE WHEN status = 'active' THEN since ELSE ?3 END",
                        params![kid, key.public_key, at],
                    )?;
                    Ok(())
                },
                sender,
            )
        })
        .await
    }

    async fn revoke_key(&self, kid: KeyId, at: i64) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "UPDATE signing_keys SET status = 'revoked',
                     since = CASE WHEN status = 'revoked' THEN since ELSE ?2 END
                 WHERE kid = ?1",
                vec![kid.to_string().into(), at.into()],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn publish_form(
        &self,
        version: u32,
        body: String,
        at: i64,
        above: u32,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .execute(
                "INSERT INTO declaration_forms (version, body, published_at)
                 SELECT ?1, ?2, ?3
                 WHERE ?1 > MAX(?4, COALESCE((SELECT MAX(version) FROM declaration_forms), 0))",
                vec![version.into(), body.into(), at.into(), above.into()],
            )
            .await?;
        Ok(inserted == 1)
    }

    async fn form(&self, version: Option<u32>) -> Result<Option<StoredForm>, StoreError> {
        self.read(move |conn| {
            let row = |row: &rusqlite::Row<'_>| {
                Ok(StoredForm {
                    version: row.get(0)?,
                    body: row.get(1)?,
                    published_at: row.get(2)?,
                })
            };
            let form = match version {
                Some(version) => conn
                    .query_row(
                        "SELECT version, body, published_at FROM declaration_forms
                         WHERE version = ?1",
                        [version],
                        row,
                    )
                    .optional()?,
                None => conn
                    .query_row(
                        "SELECT version, body, published_at FROM declaration_forms
                         ORDER BY version DESC LIMIT 1",
                        [],
                        row,
                    )
                    .optional()?,
            };
            Ok(form)
        })
        .await
    }

    async fn programme(&self) -> Result<ProgrammeStatus, StoreError> {
        self.read(|conn| {
            let json: Option<String> = conn
                .query_row(
                    "SELECT value FROM settings WHERE name = 'programme'",
                    [],
                    |row| row.get(0),
                )
                .optional()?;
            programme_from_json(json)
        })
        .await
    }

    async fn set_programme(&self, status: ProgrammeStatus) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO settings (name, value) VALUES ('programme', ?1)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            vec![programme_json(&status)?.into()],
        )
        .await
        .map(drop)
    }

    async fn purge_checkins(&self, cutoff: i64, now: i64) -> Result<PurgeRecord, StoreError> {
        let mut deleted = 0u64;
        loop {
            // One chunk per write, so queued check-ins get their turn in between.
            let chunk = self
                .write(|sender| {
                    job(
                        move |conn| {
                            let n = conn.execute(
                                "DELETE FROM checkins WHERE rowid IN (
                                     SELECT rowid FROM checkins WHERE checked_in_at < ?1 LIMIT ?2)",
                                params![cutoff, PURGE_CHUNK],
                            )?;
                            Ok(n as u64)
                        },
                        sender,
                    )
                })
                .await?;
            deleted += chunk;
            if chunk < PURGE_CHUNK as u64 {
                break;
            }
        }
        // Then the person index of the same check-ins (the same times), in chunks too.
        loop {
            let chunk = self
                .write(|sender| {
                    job(
                        move |conn| {
                            let n = conn.execute(
                                "DELETE FROM checkin_people
                                 WHERE (person, checked_in_at, checkin_id) IN (
                                     SELECT person, checked_in_at, checkin_id FROM checkin_people
                                     WHERE checked_in_at < ?1 LIMIT ?2)",
                                params![cutoff, PURGE_CHUNK],
                            )?;
                            Ok(n as u64)
                        },
                        sender,
                    )
                })
                .await?;
            if chunk < PURGE_CHUNK as u64 {
                break;
            }
        }
        let record = PurgeRecord {
            ran_at: now,
            cutoff,
            deleted,
        };
        let row = record.clone();
        self.write(|sender| {
            job(
                move |conn| {
                    conn.execute(
                        "INSERT INTO purges (ran_at, cutoff, deleted) VALUES (?1, ?2, ?3)",
                        params![row.ran_at, row.cutoff, row.deleted as i64],
                    )?;
                    Ok(())
                },
                sender,
            )
        })
        .await?;
        Ok(record)
    }

    async fn purges(&self, limit: u32) -> Result<Vec<PurgeRecord>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT ran_at, cutoff, deleted FROM purges ORDER BY ran_at DESC, id DESC LIMIT ?1",
            )?;
            let rows = statement.query_map(params![limit], |row| {
                Ok(PurgeRecord {
                    ran_at: row.get(0)?,
                    cutoff: row.get(1)?,
                    deleted: row.get::<_, i64>(2)? as u64,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn record_access(&self, access: AccessRecord) -> Result<(), StoreError> {
        self.record_accesses(vec![access]).await
    }

    async fn accesses(&self, checkin_id: Uuid) -> Result<Vec<AccessRecord>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(tracing::ACCESSES_SQL)?;
            let rows = statement.query_map(params![checkin_id.to_string()], |row| {
                Ok(AccessRecord {
                    at: row.get(0)?,
                    checkin_id,
                    actor: row.get(1)?,
                    purpose: row.get(2)?,
                    case_reference: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn replace_units(&self, units: Vec<Unit>) -> Result<(), StoreError> {
        self.write(|sender| {
            job(
                move |conn| {
                    conn.execute("DELETE FROM units", [])?;
                    let mut insert = conn.prepare_cached(
                        "INSERT INTO units (code, name, kind, parent) VALUES (?1, ?2, ?3, ?4)",
                    )?;
                    for unit in &units {
                        insert.execute(params![unit.code, unit.name, unit.kind, unit.parent])?;
                    }
                    Ok(())
                },
                sender,
            )
        })
        .await
    }

    async fn units_under(&self, parent: Option<String>) -> Result<Vec<Unit>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT code, name, kind, parent FROM units WHERE parent IS ?1 ORDER BY code",
            )?;
            let rows = statement.query_map(params![parent], unit_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn unit(&self, code: String) -> Result<Option<Unit>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT code, name, kind, parent FROM units WHERE code = ?1")?
                .query_row(params![code], unit_row)
                .optional()?)
        })
        .await
    }

    async fn unit_count(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            let n: i64 = conn.query_row("SELECT COUNT(*) FROM units", [], |row| row.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn unit_codes(&self) -> Result<Vec<String>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached("SELECT code FROM units")?;
            let rows = statement.query_map([], |row| row.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn check_out(&self, id: Uuid, at: i64) -> Result<Option<(i64, i64)>, StoreError> {
        self.write(|sender| {
            job(
                move |conn| {
                    conn.execute(
                        "UPDATE checkins SET checked_out_at = MAX(?2, checked_in_at)
                         WHERE id = ?1 AND checked_out_at IS NULL",
                        params![id.to_string(), at],
                    )?;
                    Ok(conn
                        .query_row(
                            "SELECT checked_in_at, checked_out_at FROM checkins WHERE id = ?1",
                            params![id.to_string()],
                            |row| Ok((row.get(0)?, row.get(1)?)),
                        )
                        .optional()?)
                },
                sender,
            )
        })
        .await
    }

    async fn venue_activity(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<VenueActivity>, StoreError> {
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(VENUE_ACTIVITY_SQL)?;
            let rows = statement.query_map(params![unit, from, to], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            })?;
            rows.map(|row| {
                let (id, name, short, unit_code, revoked, checkins) = row?;
                Ok(VenueActivity {
                    venue_id: id as u64,
                    name,
                    short_code: ShortCode::parse(&short)
                        .map_err(|_| StoreError::Corrupt(format!("venue {id} short code")))?,
                    unit_code,
                    revoked,
                    checkins: checkins as u64,
                })
            })
            .collect()
        })
        .await
    }

    async fn unit_within(&self, unit: String, ancestor: String) -> Result<bool, StoreError> {
        if unit == ancestor {
            return Ok(true);
        }
        self.read(move |conn| {
            let n: i64 = conn
                .prepare_cached(UNIT_WITHIN_SQL)?
                .query_row(params![unit, ancestor], |row| row.get(0))?;
            Ok(n > 0)
        })
        .await
    }

    async fn insert_token(&self, hash: String, token: NewToken) -> Result<TokenInfo, StoreError> {
        self.write(|sender| {
            job(
                move |conn| {
                    conn.execute(
                        "INSERT INTO tokens (hash, role, label, unit_code, venue_id, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            hash,
                            role_name(token.role),
                            token.label,
                            token.unit_code,
                            token.venue_id.map(|id| id as i64),
                            token.created_at
                        ],
                    )?;
                    Ok(TokenInfo {
                        id: conn.last_insert_rowid() as u64,
                        role: token.role,
                        label: token.label,
                        unit_code: token.unit_code,
                        venue_id: token.venue_id,
                        created_at: token.created_at,
                        revoked_at: None,
                    })
                },
                sender,
            )
        })
        .await
    }

    async fn token_by_hash(&self, hash: String) -> Result<Option<TokenInfo>, StoreError> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&format!("{TOKEN_COLUMNS} WHERE hash = ?1"))?
                .query_row(params![hash], raw_token)
                .optional()?;
            row.map(token_info).transpose()
        })
        .await
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!("{TOKEN_COLUMNS} ORDER BY id"))?;
            let rows = statement.query_map([], raw_token)?;
            rows.map(|row| token_info(row?)).collect()
        })
        .await
    }

    async fn revoke_token(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
                vec![(id as i64).into(), at.into()],
            )
            .await?;
        Ok(changed == 1)
    }

    // Venue staff (`staff::sqlite`).
    async fn insert_staff_checkin(
        &self,
        checkin: NewCheckIn,
        entered: StaffEntered,
    ) -> Result<InsertOutcome, StoreError> {
        self.write(|sender| {
            job(
                move |conn| {
                    let outcome = insert_checkin(conn, &checkin)?;
                    staff::mark_entered(conn, &outcome, entered)?;
                    Ok(outcome)
                },
                sender,
            )
        })
        .await
    }

    async fn venue_presence(
        &self,
        venue: u64,
        open_since: i64,
        today: i64,
    ) -> Result<VenuePresence, StoreError> {
        self.read(move |conn| staff::presence(conn, venue, open_since, today))
            .await
    }

    async fn close_venue_day(
        &self,
        venue: u64,
        open_since: i64,
        at: i64,
    ) -> Result<u64, StoreError> {
        self.write(|sender| {
            job(
                move |conn| staff::close_day(conn, venue, open_since, at),
                sender,
            )
        })
        .await
    }

    async fn staff_checkout(&self, id: Uuid) -> Result<Option<StaffCheckOutRow>, StoreError> {
        self.read(move |conn| staff::staff_checkout(conn, id)).await
    }

    async fn record_staff_checkout(
        &self,
        id: Uuid,
        venue: u64,
        checkin: Uuid,
        at: i64,
    ) -> Result<Option<StaffCheckOutRow>, StoreError> {
        self.write(|sender| {
            job(
                move |conn| staff::record_staff_checkout(conn, id, venue, checkin, at),
                sender,
            )
        })
        .await
    }

    async fn insert_invitation(
        &self,
        hash: String,
        invitation: NewInvitation,
    ) -> Result<(), StoreError> {
        self.write(|sender| {
            job(
                move |conn| staff::insert_invitation(conn, &hash, &invitation),
                sender,
            )
        })
        .await
    }

    async fn accept_invitation(
        &self,
        hash: String,
        now: i64,
        token_hash: String,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.write(|sender| {
            job(
                move |conn| staff::accept_invitation(conn, &hash, now, &token_hash),
                sender,
            )
        })
        .await
    }

    // Case tracing (issue 6): SQL in `store::tracing`.

    async fn checkins_entered_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        self.read(move |conn| tracing::sqlite::checkins_entered_at(conn, venue, from, to, limit))
            .await
    }

    async fn next_checkins(
        &self,
        queries: Vec<tracing::NextCheckIn>,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        self.read(move |conn| tracing::sqlite::next_checkins(conn, &queries))
            .await
    }

    async fn record_case_trace(
        &self,
        query: CaseQueryRecord,
        accesses: Vec<AccessRecord>,
    ) -> Result<(), StoreError> {
        self.write(|sender| {
            job(
                move |conn| tracing::sqlite::record_case_trace(conn, &query, &accesses),
                sender,
            )
        })
        .await
    }

    async fn case_queries(&self, limit: u32) -> Result<Vec<CaseQueryRecord>, StoreError> {
        self.read(move |conn| tracing::sqlite::case_queries(conn, limit))
            .await
    }

    // Authority reports.
    async fn units_within(&self, unit: String) -> Result<Vec<Unit>, StoreError> {
        self.read(move |conn| reports::sqlite::units_within(conn, &unit))
            .await
    }

    async fn report_venues(&self, unit: String) -> Result<Vec<ReportVenue>, StoreError> {
        self.read(move |conn| reports::sqlite::venues(conn, &unit))
            .await
    }

    async fn report_checkins(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError> {
        self.read(move |conn| reports::sqlite::checkins(conn, &unit, from, to))
            .await
    }

    async fn silent_venues(
        &self,
        unit: String,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError> {
        self.read(move |conn| reports::sqlite::silent_venues(conn, &unit, since))
            .await
    }
}

fn unit_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        code: row.get(0)?,
        name: row.get(1)?,
        kind: row.get(2)?,
        parent: row.get(3)?,
    })
}

const TOKEN_COLUMNS: &str =
    "SELECT id, role, label, unit_code, venue_id, created_at, revoked_at FROM tokens";

type RawToken = (
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
);

fn raw_token(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawToken> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn token_info(
    (id, role, label, unit_code, venue_id, created_at, revoked_at): RawToken,
) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: id as u64,
        role: role_from(&role)?,
        label,
        unit_code,
        venue_id: venue_id.map(|id| id as u64),
        created_at,
        revoked_at,
    })
}

pub(super) type RawRecord = (
    String,
    i64,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    String,
    Option<String>,
);

pub(super) fn raw_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
    ))
}

pub(super) fn record_row(
    (
        id,
        venue_id,
        venue_name,
        unit_code,
        declaration,
        client_time,
        checked_in_at,
        checked_out_at,
        kind,
        entered_by,
    ): RawRecord,
) -> Result<CheckInRow, StoreError> {
    let id = Uuid::parse_str(&id).map_err(|_| StoreError::Corrupt("check-in id".into()))?;
    let mut row = record(
        id,
        venue_id,
        venue_name,
        unit_code,
        &declaration,
        client_time,
        checked_in_at,
        checked_out_at,
        &kind,
    )?;
    row.entered_by = super::staff::entered_by(entered_by.as_deref())?;
    Ok(row)
}
