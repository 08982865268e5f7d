-- Case tracing: an access's case reference as a field of its own, and the log of case queries
-- (who asked, when, for which case and window; the identifier only masked).
ALTER TABLE accesses ADD COLUMN case_reference TEXT;

CREATE TABLE case_queries (
    id              BIGSERIAL PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor           TEXT NOT NULL,
    case_reference  TEXT NOT NULL,
    identifier      TEXT NOT NULL,
    from_ms         BIGINT NOT NULL,
    to_ms           BIGINT NOT NULL,
    after_minutes   BIGINT NOT NULL,
    visits          BIGINT NOT NULL,
    contacts        BIGINT NOT NULL
);

CREATE INDEX case_queries_by_time ON case_queries (at);
