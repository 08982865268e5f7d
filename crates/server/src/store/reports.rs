//! The reads behind the authority's reports (`crate::reports`): a unit's subtree, its venues,
//! their check-ins with each one's visitor, and the silent venues. One SQL text per read, shared
//! by both stores; the figures are computed from these rows in Rust, the same for both.

use rusqlite::{params, Connection};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::Row;
use vaora_protocol::api::Unit;
use vaora_protocol::short_code::ShortCode;

use super::{venue_kind, StoreError, VenueRow};

/// A venue as the reports count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportVenue {
    pub id: u64,
    pub unit_code: String,
    /// Registered at, unix ms.
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A check-in as the reports count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportCheckIn {
    pub venue_id: u64,
    pub checked_in_at: i64,
    /// Its smallest person key, or its own id when its declaration gives none.
    pub visitor: String,
}

/// A venue without check-ins lately, with what the follow-up needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilentVenueRow {
    pub venue: VenueRow,
    pub registered_at: i64,
    pub last_checkin_at: Option<i64>,
}

/// `?1` and every unit below it.
const SUBTREE: &str = "WITH RECURSIVE subtree(code, name, kind, parent) AS (
    SELECT code, name, kind, parent FROM units WHERE code = CAST(?1 AS TEXT)
    UNION ALL
    SELECT u.code, u.name, u.kind, u.parent FROM units u JOIN subtree s ON u.parent = s.code
)";

const UNITS_SQL: &str = "SELECT code, name, kind, parent FROM subtree ORDER BY code";

/// Venues in the subtree, and in `?1` itself even when it is not a loaded unit.
const VENUES_SQL: &str = "SELECT v.id, v.unit_code, v.created_at, v.revoked_at FROM venues v
WHERE v.unit_code = CAST(?1 AS TEXT) OR v.unit_code IN (SELECT code FROM subtree)";

/// Their check-ins in `[?2, ?3)`; the visitor through the person index (`id:` sorts before
/// `phone:`).
const CHECKINS_SQL: &str = "SELECT c.venue_id, c.checked_in_at,
       COALESCE((SELECT MIN(p.person) FROM checkin_people p WHERE p.checkin_id = c.id),
                CAST(c.id AS TEXT)) AS visitor
FROM venues v
JOIN checkins c ON c.venue_id = v.id AND c.checked_in_at >= ?2 AND c.checked_in_at < ?3
WHERE v.unit_code = CAST(?1 AS TEXT) OR v.unit_code IN (SELECT code FROM subtree)";

/// Venues registered at or before `?2`, not withdrawn, with no check-in since `?2`.
const SILENT_SQL: &str = "SELECT v.id, v.short_code, v.name, v.unit_code, v.venue_code,
       v.revoked_at, v.kind, v.address, v.contact, v.created_at,
       (SELECT MAX(c.checked_in_at) FROM checkins c WHERE c.venue_id = v.id) AS last_checkin_at
FROM venues v
WHERE (v.unit_code = CAST(?1 AS TEXT) OR v.unit_code IN (SELECT code FROM subtree))
  AND v.revoked_at IS NULL AND v.created_at <= ?2
  AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.venue_id = v.id AND c.checked_in_at >= ?2)
ORDER BY v.created_at, v.id";

fn sql(body: &str) -> String {
    format!("{SUBTREE}\n{body}")
}

fn short_code(id: i64, text: &str) -> Result<ShortCode, StoreError> {
    ShortCode::parse(text).map_err(|_| StoreError::Corrupt(format!("venue {id} short code")))
}

/// SQLite's side, on a reader connection.
pub(super) mod sqlite {
    use super::*;

    pub fn units_within(conn: &Connection, unit: &str) -> Result<Vec<Unit>, StoreError> {
        let mut statement = conn.prepare_cached(&sql(UNITS_SQL))?;
        let rows = statement.query_map(params![unit], |row| {
            Ok(Unit {
                code: row.get(0)?,
                name: row.get(1)?,
                kind: row.get(2)?,
                parent: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn venues(conn: &Connection, unit: &str) -> Result<Vec<ReportVenue>, StoreError> {
        let mut statement = conn.prepare_cached(&sql(VENUES_SQL))?;
        let rows = statement.query_map(params![unit], |row| {
            Ok(ReportVenue {
                id: row.get::<_, i64>(0)? as u64,
                unit_code: row.get(1)?,
                created_at: row.get(2)?,
                revoked_at: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn checkins(
        conn: &Connection,
        unit: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError> {
        let mut statement = conn.prepare_cached(&sql(CHECKINS_SQL))?;
        let rows = statement.query_map(params![unit, from, to], |row| {
            Ok(ReportCheckIn {
                venue_id: row.get::<_, i64>(0)? as u64,
                checked_in_at: row.get(1)?,
                visitor: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn silent_venues(
        conn: &Connection,
        unit: &str,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError> {
        let mut statement = conn.prepare_cached(&sql(SILENT_SQL))?;
        let rows = statement.query_map(params![unit, since], |row| {
            let kind: String = row.get(6)?;
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                VenueRow {
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
                row.get::<_, i64>(9)?,
                row.get::<_, Option<i64>>(10)?,
            ))
        })?;
        rows.map(|row| {
            let (id, short, mut venue, registered_at, last_checkin_at) = row?;
            venue.id = id as u64;
            venue.short_code = short_code(id, &short)?;
            Ok(SilentVenueRow {
                venue,
                registered_at,
                last_checkin_at,
            })
        })
        .collect()
    }
}

/// PostgreSQL's side.
pub(super) mod postgres {
    use super::*;
    use crate::store::postgres::numbered;

    pub async fn units_within(pool: &PgPool, unit: &str) -> Result<Vec<Unit>, StoreError> {
        let rows = sqlx::query(&numbered(&sql(UNITS_SQL)))
            .bind(unit)
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Unit {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    kind: row.try_get("kind")?,
                    parent: row.try_get("parent")?,
                })
            })
            .collect()
    }

    pub async fn venues(pool: &PgPool, unit: &str) -> Result<Vec<ReportVenue>, StoreError> {
        let rows = sqlx::query(&numbered(&sql(VENUES_SQL)))
            .bind(unit)
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportVenue {
                    id: row.try_get::<i64, _>("id")? as u64,
                    unit_code: row.try_get("unit_code")?,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    pub async fn checkins(
        pool: &PgPool,
        unit: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportCheckIn>, StoreError> {
        let rows = sqlx::query(&numbered(&sql(CHECKINS_SQL)))
            .bind(unit)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportCheckIn {
                    venue_id: row.try_get::<i64, _>("venue_id")? as u64,
                    checked_in_at: row.try_get("checked_in_at")?,
                    visitor: row.try_get("visitor")?,
                })
            })
            .collect()
    }

    pub async fn silent_venues(
        pool: &PgPool,
        unit: &str,
        since: i64,
    ) -> Result<Vec<SilentVenueRow>, StoreError> {
        let rows = sqlx::query(&numbered(&sql(SILENT_SQL)))
            .bind(unit)
            .bind(since)
            .fetch_all(pool)
            .await?;
        rows.iter().map(silent_row).collect()
    }

    fn silent_row(row: &PgRow) -> Result<SilentVenueRow, StoreError> {
        let id: i64 = row.try_get("id")?;
        let short: String = row.try_get("short_code")?;
        Ok(SilentVenueRow {
            venue: VenueRow {
                id: id as u64,
                short_code: short_code(id, &short)?,
                name: row.try_get("name")?,
                unit_code: row.try_get("unit_code")?,
                venue_code: row.try_get("venue_code")?,
                revoked_at: row.try_get("revoked_at")?,
                kind: venue_kind(row.try_get("kind")?),
                address: row.try_get("address")?,
                contact: row.try_get("contact")?,
            },
            registered_at: row.try_get("created_at")?,
            last_checkin_at: row.try_get("last_checkin_at")?,
        })
    }
}
