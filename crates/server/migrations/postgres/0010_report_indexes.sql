-- A check-in's people, for its visitor in the authority's reports (the smallest person key of
-- each check-in counted).
CREATE INDEX checkin_people_by_checkin ON checkin_people (checkin_id, person);
