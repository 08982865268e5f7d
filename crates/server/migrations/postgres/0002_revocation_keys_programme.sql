-- Revocation of venues, the signing keys this backend has used, and settings such as the
-- programme's state.
ALTER TABLE venues ADD COLUMN revoked_at BIGINT;

CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
    since       BIGINT NOT NULL
);

CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
