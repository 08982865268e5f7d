-- Published versions of the declaration form (the question set as JSON); the latest is served.
CREATE TABLE declaration_forms (
    version       BIGINT PRIMARY KEY,
    body          TEXT NOT NULL,
    published_at  BIGINT NOT NULL
);
