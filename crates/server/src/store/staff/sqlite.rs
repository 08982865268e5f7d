//! The venue-staff SQL on SQLite: functions on a connection, run by `SqliteStore` on its reader
//! connections or, for writes, inside the writer thread's batch.

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;
use vaora_protocol::api::{Role, TokenInfo};

use super::{NewInvitation, StaffCheckOutRow, StaffEntered, VenuePresence, PRESENCE_SQL};
use crate::store::{role_name, InsertOutcome, StoreError};

/// The schema step of the staff features (appended to `MIGRATIONS`).
pub(crate) const MIGRATION: &str = "ALTER TABLE checkins ADD COLUMN entered_by TEXT;
    ALTER TABLE checkins ADD COLUMN entered_by_token INTEGER;
    CREATE TABLE staff_checkouts (
        id              TEXT PRIMARY KEY,
        venue_id        INTEGER NOT NULL,
        checkin_id      TEXT NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
        checked_in_at   INTEGER NOT NULL,
        checked_out_at  INTEGER NOT NULL
    );
    CREATE INDEX staff_checkouts_by_checkin ON staff_checkouts(checkin_id);
    CREATE TABLE staff_invitations (
        hash         TEXT PRIMARY KEY,
        venue_id     INTEGER NOT NULL REFERENCES venues(id),
        contact      TEXT NOT NULL,
        label        TEXT NOT NULL,
        invited_by   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        accepted_at  INTEGER,
        token_id     INTEGER
    );";

/// Marks a check-in just created as entered by staff (in the insert's savepoint, so both or
/// neither are stored). A replay keeps what the first insert stored.
pub(crate) fn mark_entered(
    conn: &Connection,
    outcome: &InsertOutcome,
    entered: StaffEntered,
) -> Result<(), StoreError> {
    if let InsertOutcome::Created(receipt) = outcome {
        conn.prepare_cached(
            "UPDATE checkins SET entered_by = ?2, entered_by_token = ?3 WHERE id = ?1",
        )?
        .execute(params![
            receipt.id.to_string(),
            entered.by.as_str(),
            entered.token_id.map(|id| id as i64)
        ])?;
    }
    Ok(())
}

pub(crate) fn presence(
    conn: &Connection,
    venue: u64,
    open_since: i64,
    today: i64,
) -> Result<VenuePresence, StoreError> {
    let (inside, today): (i64, i64) = conn
        .prepare_cached(PRESENCE_SQL)?
        .query_row(params![venue as i64, open_since, today], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok(VenuePresence {
        inside: inside as u64,
        checkins_today: today as u64,
    })
}

pub(crate) fn close_day(
    conn: &Connection,
    venue: u64,
    open_since: i64,
    at: i64,
) -> Result<u64, StoreError> {
    let closed = conn.execute(
        "UPDATE checkins SET checked_out_at = MAX(?3, checked_in_at)
         WHERE venue_id = ?1 AND checked_in_at >= ?2 AND checked_out_at IS NULL",
        params![venue as i64, open_since, at],
    )?;
    Ok(closed as u64)
}

pub(crate) fn staff_checkout(
    conn: &Connection,
    id: Uuid,
) -> Result<Option<StaffCheckOutRow>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT venue_id, checkin_id, checked_in_at, checked_out_at
             FROM staff_checkouts WHERE id = ?1",
        )?
        .query_row(params![id.to_string()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    row.map(|(venue_id, checkin_id, checked_in_at, checked_out_at)| {
        Ok(StaffCheckOutRow {
            id,
            venue_id: venue_id as u64,
            checkin_id: Uuid::parse_str(&checkin_id)
                .map_err(|_| StoreError::Corrupt("staff check-out's check-in id".into()))?,
            checked_in_at,
            checked_out_at,
        })
    })
    .transpose()
}

pub(crate) fn record_staff_checkout(
    conn: &Connection,
    id: Uuid,
    venue: u64,
    checkin: Uuid,
    at: i64,
) -> Result<Option<StaffCheckOutRow>, StoreError> {
    if let Some(first) = staff_checkout(conn, id)? {
        return Ok(Some(first));
    }
    conn.execute(
        "UPDATE checkins SET checked_out_at = MAX(?2, checked_in_at)
         WHERE id = ?1 AND venue_id = ?3 AND checked_out_at IS NULL",
        params![checkin.to_string(), at, venue as i64],
    )?;
    let times: Option<(i64, i64)> = conn
        .query_row(
            "SELECT checked_in_at, checked_out_at FROM checkins WHERE id = ?1 AND venue_id = ?2",
            params![checkin.to_string(), venue as i64],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((checked_in_at, checked_out_at)) = times else {
        return Ok(None);
    };
    conn.execute(
        "INSERT INTO staff_checkouts (id, venue_id, checkin_id, checked_in_at, checked_out_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.to_string(),
            venue as i64,
            checkin.to_string(),
            checked_in_at,
            checked_out_at
        ],
    )?;
    Ok(Some(StaffCheckOutRow {
        id,
        venue_id: venue,
        checkin_id: checkin,
        checked_in_at,
        checked_out_at,
    }))
}

pub(crate) fn insert_invitation(
    conn: &Connection,
    hash: &str,
    invitation: &NewInvitation,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO staff_invitations (hash, venue_id, contact, label, invited_by, created_at,
             expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            hash,
            invitation.venue_id as i64,
            invitation.contact,
            invitation.label,
            invitation.invited_by,
            invitation.created_at,
            invitation.expires_at
        ],
    )?;
    Ok(())
}

pub(crate) fn accept_invitation(
    conn: &Connection,
    hash: &str,
    now: i64,
    token_hash: &str,
) -> Result<Option<TokenInfo>, StoreError> {
    let invited: Option<(i64, String)> = conn
        .query_row(
            "UPDATE staff_invitations SET accepted_at = ?2
             WHERE hash = ?1 AND accepted_at IS NULL AND expires_at > ?2
             RETURNING venue_id, label",
            params![hash, now],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((venue_id, label)) = invited else {
        return Ok(None);
    };
    conn.execute(
        "INSERT INTO tokens (hash, role, label, venue_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            token_hash,
            role_name(Role::VenueStaff),
            label,
            venue_id,
            now
        ],
    )?;
    let token_id = conn.last_insert_rowid();
    conn.execute(
        "UPDATE staff_invitations SET token_id = ?2 WHERE hash = ?1",
        params![hash, token_id],
    )?;
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
