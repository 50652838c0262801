-- Acts taken in from paper registers that look like a person registered before (the same person
-- transcribed twice, or registered again after a register was lost). The act stands: a paper act
-- is a legal fact that only a judgment annuls. The pair is listed for review
-- (ReviewPossibleDuplicate): decided once, by a civil_officer of the act's territory.
ALTER TABLE imports ADD COLUMN possible_duplicates bigint NOT NULL DEFAULT 0;

CREATE TABLE import_duplicates (
  import_id         uuid NOT NULL REFERENCES imports (id),
  ordinal           bigint NOT NULL,  -- the record's position in the stream (its import_issues row)
  act_id            uuid NOT NULL REFERENCES acts (id),  -- the act the record registered
  candidate_act_id  uuid NOT NULL REFERENCES acts (id),  -- the act registered before
  score             real NOT NULL,    -- name similarity, 0..1
  bureau_code       text NOT NULL,    -- the act's (acts never move): the review queue's key
  decision          smallint,         -- zp.sgec.v1.DuplicateStatus NOT_DUPLICATE or DUPLICATE
  note              text NOT NULL DEFAULT '',
  reviewed_by       text,
  reviewed_at       timestamptz,
  PRIMARY KEY (import_id, ordinal, candidate_act_id),
  UNIQUE (act_id, candidate_act_id),
  CHECK ((decision IS NULL) = (reviewed_by IS NULL) AND (decision IS NULL) = (reviewed_at IS NULL))
);
-- A bureau's queue, open or decided, by pair (ListPossibleDuplicates).
CREATE INDEX import_duplicates_queue
  ON import_duplicates (bureau_code, (decision IS NOT NULL), act_id, candidate_act_id);
CREATE INDEX import_duplicates_candidate ON import_duplicates (candidate_act_id);
