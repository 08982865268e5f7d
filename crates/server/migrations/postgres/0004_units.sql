-- Administrative units as data (any depth); imported from CSV as a whole set.
CREATE TABLE units (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    parent  TEXT
);

CREATE INDEX units_by_parent ON units (parent, code);
