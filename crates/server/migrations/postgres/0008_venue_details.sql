-- What kind of place a venue is, its street address, and whom the authority contacts.
ALTER TABLE venues ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE venues ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN contact TEXT NOT NULL DEFAULT '';
