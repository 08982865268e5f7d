//! The shared store: PostgreSQL through sqlx. Server processes keep no state of their own, so
//! several can run behind a load balancer on one database. Every statement commits on its own;
//! PostgreSQL groups the WAL flushes of concurrent commits itself.

use async_trait::async_trait;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::Row;
use uuid::Uuid;
use vaora_protocol::api::{
    AccessRecord, KeyStatus, ProgrammeStatus, PublishedKey, PurgeRecord, TokenInfo, Unit,
    VenueActivity,
};
use vaora_protocol::short_code::ShortCode;
use vaora_protocol::tracing::CaseQueryRecord;
use vaora_protocol::venue_code::{KeyId, TrustedKey};

use super::reports::{self, ReportCheckIn, ReportVenue, SilentVenueRow};
use super::staff::postgres as staff;
use super::{
    key_status_name, programme_from_json, programme_json, published_key, record, role_from,
    role_name, tracing, venue_kind, CheckInRow, InsertOutcome, NewCheckIn, NewToken, Storage,
    StoreError, StoredForm, VenueRow, CHECKINS_OF_SQL, PURGE_CHUNK, RECORD_SQL, UNIT_WITHIN_SQL,
    VENUE_ACTIVITY_SQL,
};
use super::{NewInvitation, StaffCheckOutRow, StaffEntered, VenuePresence};

/// Connections per server process; several processes share the database's limit.
const MAX_CONNECTIONS: u32 = 16;

/// Whether `location` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// SQL shared with SQLite, its `?N` placeholders written PostgreSQL's way (`$N`).
pub(super) fn numbered(sql: &str) -> String {
    (1..=9).fold(sql.to_owned(), |sql, n| {
        sql.replace(&format!("?{n}"), &format!("${n}"))
    })
}

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and brings the schema up to date (migrations are embedded in the binary and
    /// applied under PostgreSQL's advisory lock, so replicas starting together are safe).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|err| StoreError::Postgres(err.into()))?;
        Ok(Self { pool })
    }
}

fn venue_row(row: &PgRow) -> Result<VenueRow, StoreError> {
    let id: i64 = row.try_get("id")?;
    let short: String = row.try_get("short_code")?;
    let short_code = ShortCode::parse(&short)
        .map_err(|_| StoreError::Corrupt(format!("venue {id} short code")))?;
    Ok(VenueRow {
        id: id as u64,
        short_code,
        name: row.try_get("name")?,
        unit_code: row.try_get("unit_code")?,
        venue_code: row.try_get("venue_code")?,
        revoked_at: row.try_get("revoked_at")?,
        kind: venue_kind(row.try_get("kind")?),
        address: row.try_get("address")?,
        contact: row.try_get("contact")?,
    })
}

fn unit_row(row: &PgRow) -> Result<Unit, StoreError> {
    Ok(Unit {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        parent: row.try_get("parent")?,
    })
}

pub(super) fn record_row(row: &PgRow) -> Result<CheckInRow, StoreError> {
    let declaration: String = row.try_get("declaration")?;
    let kind: String = row.try_get("kind")?;
    let mut record = record(
        row.try_get("id")?,
        row.try_get("venue_id")?,
        row.try_get("name")?,
        row.try_get("unit_code")?,
        &declaration,
        row.try_get("client_time")?,
        row.try_get("checked_in_at")?,
        row.try_get("checked_out_at")?,
        &kind,
    )?;
    let entered_by: Option<String> = row.try_get("entered_by")?;
    record.entered_by = super::staff::entered_by(entered_by.as_deref())?;
    Ok(record)
}

/// Inserts a check-in and its person index in `tx`; `false` if its id was already stored.
pub(super) async fn insert_checkin_rows(
    tx: &mut PgConnection,
    checkin: &NewCheckIn,
) -> Result<bool, StoreError> {
    let declaration = checkin.declaration_json()?;
    // A concurrent insert of the same id waits on the primary key until the first commits,
    // then does nothing; the caller's read of the stored row sees the committed row either way.
    let inserted = sqlx::query(
        "INSERT INTO checkins (id, venue_id, declaration, client_time, checked_in_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
    )
    .bind(checkin.id)
    .bind(checkin.venue.id as i64)
    .bind(&declaration)
    .bind(checkin.client_time)
    .bind(checkin.received_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    for person in checkin.person_keys() {
        sqlx::query(
            "INSERT INTO checkin_people (person, checked_in_at, checkin_id, venue_id)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(person)
        .bind(checkin.received_at)
        .bind(checkin.id)
        .bind(checkin.venue.id as i64)
        .execute(&mut *tx)
        .await?;
    }
    Ok(true)
}

/// A replay or a conflict: what is stored under a check-in's id, compared with it.
pub(super) async fn existing_checkin(
    pool: &PgPool,
    checkin: &NewCheckIn,
) -> Result<InsertOutcome, StoreError> {
    let row =
        sqlx::query("SELECT venue_id, declaration, checked_in_at FROM checkins WHERE id = $1")
            .bind(checkin.id)
            .fetch_one(pool)
            .await?;
    let venue_id: i64 = row.try_get("venue_id")?;
    let stored: String = row.try_get("declaration")?;
    checkin.outcome_of_existing(
        false,
        venue_id as u64,
        &stored,
        row.try_get("checked_in_at")?,
    )
}

const TOKEN_COLUMNS: &str =
    "SELECT id, role, label, unit_code, venue_id, created_at, revoked_at FROM tokens";

fn token_info(row: &PgRow) -> Result<TokenInfo, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(TokenInfo {
        id: row.try_get::<i64, _>("id")? as u64,
        role: role_from(&role)?,
        label: row.try_get("label")?,
        unit_code: row.try_get("unit_code")?,
        venue_id: row
            .try_get::<Option<i64>, _>("venue_id")?
            .map(|id| id as u64),
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

const VENUE_COLUMNS: &str =
    "SELECT id, short_code, name, unit_code, venue_code, revoked_at, kind, address, contact
     FROM venues";

#[async_trait]
impl Storage for PostgresStore {
    async fn allocate_venue_id(&self) -> Result<u64, StoreError> {
        let id: i64 = sqlx::query_scalar("SELECT nextval('venue_ids')")
            .fetch_one(&self.pool)
            .await?;
        u64::try_from(id).map_err(|_| StoreError::Corrupt("venue id sequence".into()))
    }

    async fn insert_venue(&self, venue: VenueRow, created_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO venues (id, short_code, name, unit_code, venue_code, created_at, kind,
                 address, contact)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(venue.id as i64)
        .bind(venue.short_code.as_str())
        .bind(&venue.name)
        .bind(&venue.unit_code)
        .bind(&venue.venue_code)
        .bind(created_at)
        .bind(venue.kind.as_str())
        .bind(&venue.address)
        .bind(&venue.contact)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn first_venue(&self) -> Result<Option<VenueRow>, StoreError> {
        let row = sqlx::query(&format!("{VENUE_COLUMNS} ORDER BY id LIMIT 1"))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(venue_row).transpose()
    }

    async fn venue_by_id(&self, id: u64) -> Result<Option<VenueRow>, StoreError> {
        let row = sqlx::query(&format!("{VENUE_COLUMNS} WHERE id = $1"))
            .bind(id as i64)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(venue_row).transpose()
    }

    async fn venue_by_short_code(&self, code: ShortCode) -> Result<Option<VenueRow>, StoreError> {
        let row = sqlx::query(&format!("{VENUE_COLUMNS} WHERE short_code = $1"))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(venue_row).transpose()
    }

    async fn venue_registered_at(&self, id: u64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT created_at FROM venues WHERE id = $1")
                .bind(id as i64)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn insert_checkin(&self, checkin: NewCheckIn) -> Result<InsertOutcome, StoreError> {
        // The check-in and its person index commit together.
        let mut tx = self.pool.begin().await?;
        let inserted = insert_checkin_rows(&mut tx, &checkin).await?;
        tx.commit().await?;
        if inserted {
            return Ok(InsertOutcome::Created(checkin.receipt(checkin.received_at)));
        }
        existing_checkin(&self.pool, &checkin).await
    }

    async fn checkin_by_id(&self, id: Uuid) -> Result<Option<CheckInRow>, StoreError> {
        let row = sqlx::query(&format!("{RECORD_SQL} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record_row).transpose()
    }

    async fn checkins_of(
        &self,
        person: String,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        let rows = sqlx::query(&numbered(CHECKINS_OF_SQL))
            .bind(person)
            .bind(from)
            .bind(to)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_row).collect()
    }

    async fn checkins_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "{RECORD_SQL} WHERE c.venue_id = $1 AND c.checked_in_at < $3
             AND (c.checked_in_at >= $2 OR c.checked_out_at >= $2)
             ORDER BY c.checked_in_at, c.id LIMIT $4"
        ))
        .bind(venue as i64)
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_row).collect()
    }

    async fn record_accesses(&self, accesses: Vec<AccessRecord>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        tracing::postgres::insert_accesses(&mut tx, &accesses).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn checkin_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn revoke_venue(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        let changed =
            sqlx::query("UPDATE venues SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id as i64)
                .bind(at)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(changed == 1)
    }

    async fn keys(&self) -> Result<Vec<PublishedKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kid, public_key, status, since FROM signing_keys ORDER BY since, kid",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let kid: String = row.try_get("kid")?;
                let status: String = row.try_get("status")?;
                published_key(
                    &kid,
                    row.try_get("public_key")?,
                    &status,
                    row.try_get("since")?,
                )
            })
            .collect()
    }

    async fn activate_key(&self, key: TrustedKey, at: i64) -> Result<(), StoreError> {
        let kid = key.key_id.to_string();
        let mut tx = self.pool.begin().await?;
        // Replicas starting together with the same key serialise here.
        sqlx::query("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM signing_keys WHERE kid = $1")
                .bind(&kid)
                .fetch_optional(&mut *tx)
                .await?;
        if status.as_deref() == Some(key_status_name(KeyStatus::Revoked)) {
            return Err(StoreError::KeyRevoked);
        }
        sqlx::query(
            "UPDATE signing_keys SET status = 'retired', since = $2
             WHERE status = 'active' AND kid <> $1",
        )
        .bind(&kid)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, public_key, status, since) VALUES ($1, $2, 'active', $3)
             ON CONFLICT (kid) DO UPDATE SET status = 'active',
                 since = CASE WHEN signing_keys.status = 'active' THEN signing_keys.since ELSE $3 END",
        )
        .bind(&kid)
        .bind(&key.public_key)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_key(&self, kid: KeyId, at: i64) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE signing_keys SET status = 'revoked',
                 since = CASE WHEN status = 'revoked' THEN since ELSE $2 END
             WHERE kid = $1",
        )
        .bind(kid.to_string())
        .bind(at)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn publish_form(
        &self,
        version: u32,
        body: String,
        at: i64,
        above: u32,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO declaration_forms (version, body, published_at)
             SELECT $1, $2, $3
             WHERE $1 > GREATEST($4, COALESCE((SELECT MAX(version) FROM declaration_forms), 0))
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(i64::from(version))
        .bind(body)
        .bind(at)
        .bind(i64::from(above))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    async fn form(&self, version: Option<u32>) -> Result<Option<StoredForm>, StoreError> {
        let row =
            match version {
                Some(version) => sqlx::query(
                    "SELECT version, body, published_at FROM declaration_forms WHERE version = $1",
                )
                .bind(i64::from(version))
                .fetch_optional(&self.pool)
                .await?,
                None => {
                    sqlx::query(
                        "SELECT version, body, published_at FROM declaration_forms
                     ORDER BY version DESC LIMIT 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?
                }
            };
        row.map(|row| {
            let version: i64 = row.try_get("version")?;
            Ok(StoredForm {
                version: u32::try_from(version)
                    .map_err(|_| StoreError::Corrupt(format!("form version {version}")))?,
                body: row.try_get("body")?,
                published_at: row.try_get("published_at")?,
            })
        })
        .transpose()
    }

    async fn programme(&self) -> Result<ProgrammeStatus, StoreError> {
        let json: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = 'programme'")
                .fetch_optional(&self.pool)
                .await?;
        programme_from_json(json)
    }

    async fn set_programme(&self, status: ProgrammeStatus) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('programme', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(programme_json(&status)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn purge_checkins(&self, cutoff: i64, now: i64) -> Result<PurgeRecord, StoreError> {
        let mut deleted = 0u64;
        loop {
            let chunk = sqlx::query(
                "DELETE FROM checkins WHERE id IN (
                     SELECT id FROM checkins WHERE checked_in_at < $1 LIMIT $2)",
            )
            .bind(cutoff)
            .bind(PURGE_CHUNK)
            .execute(&self.pool)
            .await?
            .rows_affected();
            deleted += chunk;
            if chunk < PURGE_CHUNK as u64 {
                break;
            }
        }
        // Then the person index of the same check-ins (the same times), in chunks too.
        loop {
            let chunk = sqlx::query(
                "DELETE FROM checkin_people WHERE (person, checked_in_at, checkin_id) IN (
                     SELECT person, checked_in_at, checkin_id FROM checkin_people
                     WHERE checked_in_at < $1 LIMIT $2)",
            )
            .bind(cutoff)
            .bind(PURGE_CHUNK)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if chunk < PURGE_CHUNK as u64 {
                break;
            }
        }
        sqlx::query("INSERT INTO purges (ran_at, cutoff, deleted) VALUES ($1, $2, $3)")
            .bind(now)
            .bind(cutoff)
            .bind(deleted as i64)
            .execute(&self.pool)
            .await?;
        Ok(PurgeRecord {
            ran_at: now,
            cutoff,
            deleted,
        })
    }

    async fn purges(&self, limit: u32) -> Result<Vec<PurgeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT ran_at, cutoff, deleted FROM purges ORDER BY ran_at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PurgeRecord {
                    ran_at: row.try_get("ran_at")?,
                    cutoff: row.try_get("cutoff")?,
                    deleted: row.try_get::<i64, _>("deleted")? as u64,
                })
            })
            .collect()
    }

    async fn record_access(&self, access: AccessRecord) -> Result<(), StoreError> {
        self.record_accesses(vec![access]).await
    }

    async fn accesses(&self, checkin_id: Uuid) -> Result<Vec<AccessRecord>, StoreError> {
        let rows = sqlx::query(&numbered(tracing::ACCESSES_SQL))
            .bind(checkin_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AccessRecord {
                    at: row.try_get("at")?,
                    checkin_id,
                    actor: row.try_get("actor")?,
                    purpose: row.try_get("purpose")?,
                    case_reference: row.try_get("case_reference")?,
                })
            })
            .collect()
    }

    async fn replace_units(&self, units: Vec<Unit>) -> Result<(), StoreError> {
        let mut columns: [Vec<Option<String>>; 4] = Default::default();
        for unit in units {
            columns[0].push(Some(unit.code));
            columns[1].push(Some(unit.name));
            columns[2].push(Some(unit.kind));
            columns[3].push(unit.parent);
        }
        let [codes, names, kinds, parents] = columns;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM units").execute(&mut *tx).await?;
        // One statement for the whole set: thousands of rows, one round trip.
        sqlx::query(
            "INSERT INTO units (code, name, kind, parent)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[])",
        )
        .bind(codes)
        .bind(names)
        .bind(kinds)
        .bind(parents)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn units_under(&self, parent: Option<String>) -> Result<Vec<Unit>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name, kind, parent FROM units
             WHERE parent IS NOT DISTINCT FROM $1 ORDER BY code",
        )
        .bind(parent)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(unit_row).collect()
    }

    async fn unit(&self, code: String) -> Result<Option<Unit>, StoreError> {
        let row = sqlx::query("SELECT code, name, kind, parent FROM units WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(unit_row).transpose()
    }

    async fn unit_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn unit_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM units")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn check_out(&self, id: Uuid, at: i64) -> Result<Option<(i64, i64)>, StoreError> {
        let row = sqlx::query(
            "WITH updated AS (
                 UPDATE checkins SET checked_out_at = GREATEST($2, checked_in_at)
                 WHERE id = $1 AND checked_out_at IS NULL
                 RETURNING checked_in_at, checked_out_at)
             SELECT checked_in_at, checked_out_at FROM updated
             UNION ALL
             SELECT checked_in_at, checked_out_at FROM checkins
             WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM updated)",
        )
        .bind(id)
        .bind(at)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok((
                row.try_get(0)?,
                row.try_get::<Option<i64>, _>(1)?.unwrap_or(at),
            ))
        })
        .transpose()
    }

    async fn venue_activity(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<VenueActivity>, StoreError> {
        let rows = sqlx::query(&numbered(VENUE_ACTIVITY_SQL))
            .bind(unit)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let short: String = row.try_get("short_code")?;
                Ok(VenueActivity {
                    venue_id: id as u64,
                    name: row.try_get("name")?,
                    short_code: ShortCode::parse(&short)
                        .map_err(|_| StoreError::Corrupt(format!("venue {id} short code")))?,
                    unit_code: row.try_get("unit_code")?,
                    revoked: row.try_get("revoked")?,
                    checkins: row.try_get::<i64, _>("checkins")? as u64,
                })
            })
            .collect()
    }

    async fn unit_within(&self, unit: String, ancestor: String) -> Result<bool, StoreError> {
        if unit == ancestor {
            return Ok(true);
        }
        let sql = numbered(UNIT_WITHIN_SQL);
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(unit)
            .bind(ancestor)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    async fn insert_token(&self, hash: String, token: NewToken) -> Result<TokenInfo, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tokens (hash, role, label, unit_code, venue_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(hash)
        .bind(role_name(token.role))
        .bind(&token.label)
        .bind(&token.unit_code)
        .bind(token.venue_id.map(|id| id as i64))
        .bind(token.created_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(TokenInfo {
            id: id as u64,
            role: token.role,
            label: token.label,
            unit_code: token.unit_code,
            venue_id: token.venue_id,
            created_at: token.created_at,
            revoked_at: None,
        })
    }

    async fn token_by_hash(&self, hash: String) -> Result<Option<TokenInfo>, StoreError> {
        let row = sqlx::query(&format!("{TOKEN_COLUMNS} WHERE hash = $1"))
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_info).transpose()
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query(&format!("{TOKEN_COLUMNS} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_info).collect()
    }

    async fn revoke_token(&self, id: u64, at: i64) -> Result<bool, StoreError> {
        let changed =
            sqlx::query("UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id as i64)
                .bind(at)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(changed == 1)
    }

    // Venue staff (`staff::postgres`).
    async fn insert_staff_checkin(
        &self,
        checkin: NewCheckIn,
        entered: StaffEntered,
    ) -> Result<InsertOutcome, StoreError> {
        staff::insert_staff_checkin(&self.pool, &checkin, entered).await
    }

    async fn venue_presence(
        &self,
        venue: u64,
        open_since: i64,
        today: i64,
    ) -> Result<VenuePresence, StoreError> {
        staff::presence(&self.pool, venue, open_since, today).await
    }

    async fn close_venue_day(
        &self,
        venue: u64,
        open_since: i64,
        at: i64,
    ) -> Result<u64, StoreError> {
        staff::close_day(&self.pool, venue, open_since, at).await
    }

    async fn staff_checkout(&self, id: Uuid) -> Result<Option<StaffCheckOutRow>, StoreError> {
        staff::staff_checkout(&self.pool, id).await
    }

    async fn record_staff_checkout(
        &self,
        id: Uuid,
        venue: u64,
        checkin: Uuid,
        at: i64,
    ) -> Result<Option<StaffCheckOutRow>, StoreError> {
        staff::record_staff_checkout(&self.pool, id, venue, checkin, at).await
    }

    async fn insert_invitation(
        &self,
        hash: String,
        invitation: NewInvitation,
    ) -> Result<(), StoreError> {
        staff::insert_invitation(&self.pool, &hash, &invitation).await
    }

    async fn accept_invitation(
        &self,
        hash: String,
        now: i64,
        token_hash: String,
    ) -> Result<Option<TokenInfo>, StoreError> {
        staff::accept_invitation(&self.pool, &hash, now, &token_hash).await
    }

    // Case tracing (issue 6): SQL in `store::tracing`.

    async fn checkins_entered_at(
        &self,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        tracing::postgres::checkins_entered_at(&self.pool, venue, from, to, limit).await
    }

    async fn next_checkins(
        &self,
        queries: Vec<tracing::NextCheckIn>,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        tracing::postgres::next_checkins(&self.pool, &queries).await
    }

    async fn record_case_trace(
        &self,
        query: CaseQueryRecord,
        accesses: Vec<AccessRecord>,
    ) -> Result<(), StoreError> {
        tracing::postgres::record_case_trace(&self.pool, &query, &accesses).await
    }

    async fn case_queries(&self, limit: u32) -> Result<Vec<CaseQueryRecord>, StoreError> {
        tracing::postgres::case_queries(&self.pool, limit).await
    }

    // Authority reports.
    async fn units_within(&self, unit: String) -> Result<Vec<Unit>, StoreError> {
        reports::postgres::units_within(&self.pool, &unit).await
    }

    async fn report_venues(&self, unit: String) -> Result<Vec<ReportVenue>, StoreError> {
        reports::postgres::venues(&self.pool, &unit).await
    }

    async fn report_checkins(
        &self,
        unit: String,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError> {
        reports::postgres::checkins(&self.pool, &unit, from, to).await
    }

    async fn silent_venues(
        &self,
        unit: String,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError> {
        reports::postgres::silent_venues(&self.pool, &unit, since).await
    }
}

/// A database of its own on a PostgreSQL server, for tests and benchmarks: created empty,
/// dropped by [`ScratchDatabase::drop_now`].
pub struct ScratchDatabase {
    /// Where the store can connect.
    pub url: String,
    server_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates `<prefix>_<random>` on the server `server_url` points at (any database there).
    pub async fn create(server_url: &str, prefix: &str) -> Result<Self, StoreError> {
        use sqlx::Connection;
        let name = format!("{prefix}_{}", Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(server_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        Ok(Self {
            url: with_database(server_url, &name),
            server_url: server_url.to_owned(),
            name,
        })
    }

    /// Drops the database, closing whatever is still connected to it.
    pub async fn drop_now(self) {
        use sqlx::Connection;
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.server_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = sqlx::query(&drop).execute(&mut admin).await;
        }
    }
}

/// `url` with its database path replaced by `name` (query parameters kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|i| start + i))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_swapped_in_urls() {
        assert_eq!(
            with_database(
                "postgres://u:p@127.0.0.1:5433/postgres?sslmode=disable",
                "t1"
            ),
            "postgres://u:p@127.0.0.1:5433/t1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgresql://localhost", "t2"),
            "postgresql://localhost/t2"
        );
    }
}
