-- Acts taken in from paper registers that look like a person registered before (the same person
-- transcribed twice, or registered again after a register was lost). The act stands: a paper act
-- is a legal fact that only a judgment annuls. The pair is listed for review.
ALTER TABLE imports ADD COLUMN possible_duplicates bigint NOT NULL DEFAULT 0;

CREATE TABLE import_duplicates (
  import_id         uuid NOT NULL REFERENCES imports (id),
  ordinal           bigint NOT NULL,  -- the record's position in the stream (its import_issues row)
  act_id            uuid NOT NULL REFERENCES acts (id),  -- the act the record registered
  candidate_act_id  uuid NOT NULL REFERENCES acts (id),  -- the act registered before
  score             real NOT NULL,    -- name similarity, 0..1
  PRIMARY KEY (import_id, ordinal, candidate_act_id)
);
CREATE INDEX import_duplicates_act ON import_duplicates (act_id);
CREATE INDEX import_duplicates_candidate ON import_duplicates (candidate_act_id);
