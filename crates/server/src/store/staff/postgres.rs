//! The venue-staff SQL on PostgreSQL (schema: `migrations/postgres/0012_venue_staff.sql`).

use sqlx::postgres::PgPool;
use sqlx::Row;
use uuid::Uuid;
use vaora_protocol::api::{Role, TokenInfo};

use super::{NewInvitation, StaffCheckOutRow, StaffEntered, VenuePresence, PRESENCE_SQL};
use crate::store::postgres::{existing_checkin, insert_checkin_rows, numbered};
use crate::store::{role_name, InsertOutcome, NewCheckIn, StoreError};

/// Stores a check-in entered by staff: the check-in, its person index and who entered it in one
/// transaction; a replay answers like a visitor's.
pub(crate) async fn insert_staff_checkin(
    pool: &PgPool,
    checkin: &NewCheckIn,
    entered: StaffEntered,
) -> Result<InsertOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    if !insert_checkin_rows(&mut tx, checkin).await? {
        tx.commit().await?;
        return existing_checkin(pool, checkin).await;
    }
    sqlx::query("UPDATE checkins SET entered_by = $2, entered_by_token = $3 WHERE id = $1")
        .bind(checkin.id)
        .bind(entered.by.as_str())
        .bind(entered.token_id.map(|id| id as i64))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(InsertOutcome::Created(checkin.receipt(checkin.received_at)))
}

pub(crate) async fn presence(
    pool: &PgPool,
    venue: u64,
    open_since: i64,
    today: i64,
) -> Result<VenuePresence, StoreError> {
    let row = sqlx::query(&numbered(PRESENCE_SQL))
        .bind(venue as i64)
        .bind(open_since)
        .bind(today)
        .fetch_one(pool)
        .await?;
    Ok(VenuePresence {
        inside: row.try_get::<i64, _>(0)? as u64,
        checkins_today: row.try_get::<i64, _>(1)? as u64,
    })
}

pub(crate) async fn close_day(
    pool: &PgPool,
    venue: u64,
    open_since: i64,
    at: i64,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE checkins SET checked_out_at = GREATEST($3, checked_in_at)
         WHERE venue_id = $1 AND checked_in_at >= $2 AND checked_out_at IS NULL",
    )
    .bind(venue as i64)
    .bind(open_since)
    .bind(at)
    .execute(pool)
    .await?
    .rows_affected())
}

pub(crate) async fn staff_checkout(
    pool: &PgPool,
    id: Uuid,
) -> Result<Option<StaffCheckOutRow>, StoreError> {
    let row = sqlx::query(
        "SELECT venue_id, checkin_id, checked_in_at, checked_out_at
         FROM staff_checkouts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(StaffCheckOutRow {
            id,
            venue_id: row.try_get::<i64, _>("venue_id")? as u64,
            checkin_id: row.try_get("checkin_id")?,
            checked_in_at: row.try_get("checked_in_at")?,
            checked_out_at: row.try_get("checked_out_at")?,
        })
    })
    .transpose()
}

pub(crate) async fn record_staff_checkout(
    pool: &PgPool,
    id: Uuid,
    venue: u64,
    checkin: Uuid,
    at: i64,
) -> Result<Option<StaffCheckOutRow>, StoreError> {
    let mut tx = pool.begin().await?;
    // Two kiosks sending the same request at once: the second waits here for the first.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1::text))")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if let Some(first) = staff_checkout(pool, id).await? {
        tx.commit().await?;
        return Ok(Some(first));
    }
    let times = sqlx::query(
        "WITH updated AS (
             UPDATE checkins SET checked_out_at = GREATEST($2, checked_in_at)
             WHERE id = $1 AND venue_id = $3 AND checked_out_at IS NULL
             RETURNING checked_in_at, checked_out_at)
         SELECT checked_in_at, checked_out_at FROM updated
         UNION ALL
         SELECT checked_in_at, checked_out_at FROM checkins
         WHERE id = $1 AND venue_id = $3 AND NOT EXISTS (SELECT 1 FROM updated)",
    )
    .bind(checkin)
    .bind(at)
    .bind(venue as i64)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(times) = times else {
        tx.commit().await?;
        return Ok(None);
    };
    let checked_in_at: i64 = times.try_get(0)?;
    let checked_out_at: i64 = times.try_get::<Option<i64>, _>(1)?.unwrap_or(at);
    sqlx::query(
        "INSERT INTO staff_checkouts (id, venue_id, checkin_id, checked_in_at, checked_out_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(venue as i64)
    .bind(checkin)
    .bind(checked_in_at)
    .bind(checked_out_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(StaffCheckOutRow {
        id,
        venue_id: venue,
        checkin_id: checkin,
        checked_in_at,
        checked_out_at,
    }))
}

pub(crate) async fn insert_invitation(
    pool: &PgPool,
    hash: &str,
    invitation: &NewInvitation,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO staff_invitations (hash, venue_id, contact, label, invited_by, created_at,
             expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(hash)
    .bind(invitation.venue_id as i64)
    .bind(&invitation.contact)
    .bind(&invitation.label)
    .bind(&invitation.invited_by)
    .bind(invitation.created_at)
    .bind(invitation.expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn accept_invitation(
    pool: &PgPool,
    hash: &str,
    now: i64,
    token_hash: &str,
) -> Result<Option<TokenInfo>, StoreError> {
    let mut tx = pool.begin().await?;
    // The row lock of the UPDATE makes a second, concurrent acceptance wait and then find the
    // invitation used.
    let invited = sqlx::query(
        "UPDATE staff_invitations SET accepted_at = $2
         WHERE hash = $1 AND accepted_at IS NULL AND expires_at > $2
         RETURNING venue_id, label",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(invited) = invited else {
        tx.commit().await?;
        return Ok(None);
    };
    let venue_id: i64 = invited.try_get("venue_id")?;
    let label: String = invited.try_get("label")?;
    let token_id: i64 = sqlx::query_scalar(
        "INSERT INTO tokens (hash, role, label, venue_id, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(token_hash)
    .bind(role_name(Role::VenueStaff))
    .bind(&label)
    .bind(venue_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE staff_invitations SET token_id = $2 WHERE hash = $1")
        .bind(hash)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(TokenInfo {
        id: token_id as u64,
        role: Role::VenueStaff,
        label,
        unit_code: None,
        venue_id: Some(venue_id as u64),
        created_at: now,
        revoked_at: None,
    }))
}
