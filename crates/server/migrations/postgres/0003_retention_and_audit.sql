-- The retention purge (by age) and its record; the audit log of personal-data reads.
CREATE INDEX checkins_by_time ON checkins (checked_in_at);

CREATE TABLE purges (
    id       BIGSERIAL PRIMARY KEY,
    ran_at   BIGINT NOT NULL,
    cutoff   BIGINT NOT NULL,
    deleted  BIGINT NOT NULL
);

CREATE TABLE accesses (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    checkin_id  UUID NOT NULL,
    actor       TEXT NOT NULL,
    purpose     TEXT NOT NULL
);

CREATE INDEX accesses_by_checkin ON accesses (checkin_id, at);
