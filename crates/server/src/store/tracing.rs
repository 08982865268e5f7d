//! The SQL of case tracing, for both stores: stays at a venue by entry time, when a person next
//! checked in elsewhere, and the audit of case queries (the query and every check-in it hands
//! out, written together). The `Storage` methods of each store delegate here.

use rusqlite::{params, Connection};
use sqlx::postgres::PgPool;
use sqlx::Row;
use vaora_protocol::api::AccessRecord;
use vaora_protocol::tracing::CaseQueryRecord;

use super::{CheckInRow, StoreError, RECORD_SQL};

/// When one person (any of `people`, person keys' text) next checked in at a venue other than
/// `venue`, strictly after `after` (unix ms): what ends an open stay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextCheckIn {
    pub people: Vec<String>,
    pub venue: u64,
    pub after: i64,
}

/// Check-ins at `?1` entered in `[?2, ?3)`, oldest first, at most `?4`: the
/// `checkins_by_venue_time` index's range.
fn entered_at_sql() -> String {
    format!(
        "{RECORD_SQL} WHERE c.venue_id = ?1 AND c.checked_in_at >= ?2 AND c.checked_in_at < ?3
         ORDER BY c.checked_in_at, c.id LIMIT ?4"
    )
}

/// A person key's first check-in after `?2` at a venue other than `?3` (the person index).
const NEXT_ELSEWHERE_SQL: &str = "SELECT checked_in_at FROM checkin_people
WHERE person = ?1 AND checked_in_at > ?2 AND venue_id <> ?3
ORDER BY checked_in_at LIMIT 1";

const INSERT_CASE_QUERY_SQL: &str = "INSERT INTO case_queries
    (at, actor, case_reference, identifier, from_ms, to_ms, after_minutes, visits, contacts)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

const CASE_QUERIES_SQL: &str = "SELECT at, actor, case_reference, identifier, from_ms, to_ms,
       after_minutes, visits, contacts
FROM case_queries ORDER BY at DESC, id DESC LIMIT ?1";

/// The audit log's insert, shared by every read (a case trace fills `case_reference`).
pub(super) const INSERT_ACCESS_SQL: &str =
    "INSERT INTO accesses (at, checkin_id, actor, purpose, case_reference) VALUES (?1, ?2, ?3, ?4, ?5)";

/// The audit log of one check-in, oldest first.
pub(super) const ACCESSES_SQL: &str = "SELECT at, actor, purpose, case_reference FROM accesses
WHERE checkin_id = ?1 ORDER BY at, id";

/// The SQLite side.
pub(super) mod sqlite {
    use super::*;
    use crate::store::sqlite::{raw_record, record_row};

    pub fn checkins_entered_at(
        conn: &Connection,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        let mut statement = conn.prepare_cached(&entered_at_sql())?;
        let rows = statement.query_map(params![venue as i64, from, to, limit], raw_record)?;
        rows.map(|row| record_row(row?)).collect()
    }

    pub fn next_checkins(
        conn: &Connection,
        queries: &[NextCheckIn],
    ) -> Result<Vec<Option<i64>>, StoreError> {
        let mut statement = conn.prepare_cached(NEXT_ELSEWHERE_SQL)?;
        let mut answers = Vec::with_capacity(queries.len());
        for query in queries {
            let mut first: Option<i64> = None;
            for person in &query.people {
                let mut rows = statement.query(params![person, query.after, query.venue as i64])?;
                if let Some(row) = rows.next()? {
                    let at: i64 = row.get(0)?;
                    first = Some(first.map_or(at, |first| first.min(at)));
                }
            }
            answers.push(first);
        }
        Ok(answers)
    }

    pub fn record_case_trace(
        conn: &Connection,
        query: &CaseQueryRecord,
        accesses: &[AccessRecord],
    ) -> Result<(), StoreError> {
        conn.prepare_cached(INSERT_CASE_QUERY_SQL)?
            .execute(params![
                query.at,
                query.actor,
                query.case_reference,
                query.identifier,
                query.from,
                query.to,
                query.after_minutes,
                query.visits,
                query.contacts
            ])?;
        insert_accesses(conn, accesses)
    }

    pub fn insert_accesses(conn: &Connection, accesses: &[AccessRecord]) -> Result<(), StoreError> {
        let mut insert = conn.prepare_cached(INSERT_ACCESS_SQL)?;
        for access in accesses {
            insert.execute(params![
                access.at,
                access.checkin_id.to_string(),
                access.actor,
                access.purpose,
                access.case_reference
            ])?;
        }
        Ok(())
    }

    pub fn case_queries(conn: &Connection, limit: u32) -> Result<Vec<CaseQueryRecord>, StoreError> {
        let mut statement = conn.prepare_cached(CASE_QUERIES_SQL)?;
        let rows = statement.query_map(params![limit], |row| {
            Ok(CaseQueryRecord {
                at: row.get(0)?,
                actor: row.get(1)?,
                case_reference: row.get(2)?,
                identifier: row.get(3)?,
                from: row.get(4)?,
                to: row.get(5)?,
                after_minutes: row.get(6)?,
                visits: row.get(7)?,
                contacts: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The PostgreSQL side.
pub(super) mod postgres {
    use super::*;
    use crate::store::postgres::{numbered, record_row};

    pub async fn checkins_entered_at(
        pool: &PgPool,
        venue: u64,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<CheckInRow>, StoreError> {
        let rows = sqlx::query(&numbered(&entered_at_sql()))
            .bind(venue as i64)
            .bind(from)
            .bind(to)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
        rows.iter().map(record_row).collect()
    }

    pub async fn next_checkins(
        pool: &PgPool,
        queries: &[NextCheckIn],
    ) -> Result<Vec<Option<i64>>, StoreError> {
        let sql = numbered(NEXT_ELSEWHERE_SQL);
        let mut answers = Vec::with_capacity(queries.len());
        for query in queries {
            let mut first: Option<i64> = None;
            for person in &query.people {
                let at: Option<i64> = sqlx::query_scalar(&sql)
                    .bind(person)
                    .bind(query.after)
                    .bind(query.venue as i64)
                    .fetch_optional(pool)
                    .await?;
                if let Some(at) = at {
                    first = Some(first.map_or(at, |first| first.min(at)));
                }
            }
            answers.push(first);
        }
        Ok(answers)
    }

    pub async fn record_case_trace(
        pool: &PgPool,
        query: &CaseQueryRecord,
        accesses: &[AccessRecord],
    ) -> Result<(), StoreError> {
        let mut tx = pool.begin().await?;
        sqlx::query(&numbered(INSERT_CASE_QUERY_SQL))
            .bind(query.at)
            .bind(&query.actor)
            .bind(&query.case_reference)
            .bind(&query.identifier)
            .bind(query.from)
            .bind(query.to)
            .bind(i64::from(query.after_minutes))
            .bind(i64::from(query.visits))
            .bind(i64::from(query.contacts))
            .execute(&mut *tx)
            .await?;
        insert_accesses(&mut tx, accesses).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn insert_accesses(
        tx: &mut sqlx::PgConnection,
        accesses: &[AccessRecord],
    ) -> Result<(), StoreError> {
        if accesses.is_empty() {
            return Ok(());
        }
        // One statement for the lot: a trace may hand out thousands of check-ins.
        let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for access in accesses {
            columns.0.push(access.at);
            columns.1.push(access.checkin_id);
            columns.2.push(access.actor.clone());
            columns.3.push(access.purpose.clone());
            columns.4.push(access.case_reference.clone());
        }
        sqlx::query(
            "INSERT INTO accesses (at, checkin_id, actor, purpose, case_reference)
             SELECT * FROM UNNEST($1::BIGINT[], $2::UUID[], $3::TEXT[], $4::TEXT[], $5::TEXT[])",
        )
        .bind(columns.0)
        .bind(columns.1)
        .bind(columns.2)
        .bind(columns.3)
        .bind(columns.4)
        .execute(tx)
        .await?;
        Ok(())
    }

    pub async fn case_queries(
        pool: &PgPool,
        limit: u32,
    ) -> Result<Vec<CaseQueryRecord>, StoreError> {
        let rows = sqlx::query(&numbered(CASE_QUERIES_SQL))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|row| {
                let count = |name: &str| -> Result<u32, StoreError> {
                    let n: i64 = row.try_get(name)?;
                    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("case query {name}")))
                };
                Ok(CaseQueryRecord {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    case_reference: row.try_get("case_reference")?,
                    identifier: row.try_get("identifier")?,
                    from: row.try_get("from_ms")?,
                    to: row.try_get("to_ms")?,
                    after_minutes: count("after_minutes")?,
                    visits: count("visits")?,
                    contacts: count("contacts")?,
                })
            })
            .collect()
    }
}
