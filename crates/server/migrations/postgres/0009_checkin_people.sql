-- Who each check-in is for, by person key (`id:…`, `phone:…`, from `vaora_protocol::person_key`),
-- with the venue and time copied so that a person's visits are read from this index alone
-- (tracing a case, a kiosk's exit scan). Purged with the check-ins, by time.
CREATE TABLE checkin_people (
    person         TEXT NOT NULL,
    checked_in_at  BIGINT NOT NULL,
    checkin_id     UUID NOT NULL,
    venue_id       BIGINT NOT NULL,
    PRIMARY KEY (person, checked_in_at, checkin_id)
);
CREATE INDEX checkin_people_by_time ON checkin_people (checked_in_at);
