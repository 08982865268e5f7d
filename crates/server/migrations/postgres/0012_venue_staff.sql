-- Venue staff (routes/staff.rs): who entered a check-in (a kiosk scan or a paper declaration,
-- and the staff token), the exits staff scanned, kept by request id so a retried exit answers
-- the first receipt (deleted with their check-in), and invitations for more staff (only the
-- hash of each code is kept).
ALTER TABLE checkins ADD COLUMN entered_by TEXT;
ALTER TABLE checkins ADD COLUMN entered_by_token BIGINT;
CREATE TABLE staff_checkouts (
    id              UUID PRIMARY KEY,
    venue_id        BIGINT NOT NULL,
    checkin_id      UUID NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,
    checked_in_at   BIGINT NOT NULL,
    checked_out_at  BIGINT NOT NULL
);
CREATE INDEX staff_checkouts_by_checkin ON staff_checkouts (checkin_id);
CREATE TABLE staff_invitations (
    hash         TEXT PRIMARY KEY,
    venue_id     BIGINT NOT NULL REFERENCES venues(id),
    contact      TEXT NOT NULL,
    label        TEXT NOT NULL,
    invited_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    token_id     BIGINT
);
