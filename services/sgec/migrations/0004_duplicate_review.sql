-- The review of the pairs a historical import listed (ReviewPossibleDuplicate): decided once,
-- by a civil_officer of the act's territory. Listed per bureau, oldest act first.
ALTER TABLE import_duplicates ADD COLUMN bureau_code text;
UPDATE import_duplicates d SET bureau_code = a.bureau_code FROM acts a WHERE a.id = d.act_id;
ALTER TABLE import_duplicates ALTER COLUMN bureau_code SET NOT NULL;
ALTER TABLE import_duplicates ADD COLUMN decision smallint;  -- zp.sgec.v1.DuplicateStatus 3 or 4
ALTER TABLE import_duplicates ADD COLUMN note text NOT NULL DEFAULT '';
ALTER TABLE import_duplicates ADD COLUMN reviewed_by text;
ALTER TABLE import_duplicates ADD COLUMN reviewed_at timestamptz;
ALTER TABLE import_duplicates ADD CONSTRAINT import_duplicates_decided
  CHECK ((decision IS NULL) = (reviewed_by IS NULL) AND (decision IS NULL) = (reviewed_at IS NULL));
CREATE UNIQUE INDEX import_duplicates_pair ON import_duplicates (act_id, candidate_act_id);
CREATE INDEX import_duplicates_queue
  ON import_duplicates (bureau_code, (decision IS NOT NULL), act_id, candidate_act_id);
DROP INDEX import_duplicates_act;  -- import_duplicates_pair leads with act_id
