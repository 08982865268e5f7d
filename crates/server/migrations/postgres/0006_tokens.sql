-- Bearer tokens by role and scope; only the SHA-256 of each secret is kept.
CREATE TABLE tokens (
    id          BIGSERIAL PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    label       TEXT NOT NULL,
    unit_code   TEXT,
    venue_id    BIGINT,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
