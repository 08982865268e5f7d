-- Venues and check-ins: the same shape as the embedded SQLite store.
CREATE SEQUENCE venue_ids;

CREATE TABLE venues (
    id          BIGINT PRIMARY KEY,
    short_code  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    venue_code  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The declaration is kept as the exact JSON text received (not JSONB), so a replay can be
-- compared byte for byte.
CREATE TABLE checkins (
    id            UUID PRIMARY KEY,
    venue_id      BIGINT NOT NULL REFERENCES venues(id),
    declaration   TEXT NOT NULL,
    client_time   BIGINT,
    checked_in_at BIGINT NOT NULL
);

CREATE INDEX checkins_by_venue_time ON checkins (venue_id, checked_in_at);
