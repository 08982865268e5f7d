-- Check-out time of a visit; venues looked up by unit for the activity report.
ALTER TABLE checkins ADD COLUMN checked_out_at BIGINT;
CREATE INDEX venues_by_unit ON venues (unit_code);
