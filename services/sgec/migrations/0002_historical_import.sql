-- Historical acts taken in from paper registers (ImportHistoricalActs), beside live ones.
ALTER TABLE acts ALTER COLUMN declaration_id DROP NOT NULL;  -- HISTORICAL acts have none
ALTER TABLE acts ADD COLUMN origin smallint NOT NULL DEFAULT 1;  -- zp.sgec.v1.ActOrigin
ALTER TABLE acts ADD COLUMN scan_reference text NOT NULL DEFAULT '';
-- HISTORICAL: SHA-256 of the record as imported; a rerun of the same record finds it identical.
ALTER TABLE acts ADD COLUMN content_digest bytea;

-- Paper registers number births and deaths apart: an act's key is (bureau, year, kind, number).
-- Live numbers come from one counter per bureau and year, so they stay unique across kinds.
ALTER TABLE acts DROP CONSTRAINT acts_bureau_code_year_number_key;
ALTER TABLE acts ADD CONSTRAINT acts_register_key UNIQUE (bureau_code, year, kind, number);

CREATE OR REPLACE FUNCTION acts_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'acts are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.kind, NEW.bureau_code, NEW.year, NEW.number, NEW.idcs, NEW.declaration_id,
      NEW.original, NEW.registered_by, NEW.registered_at, NEW.origin, NEW.scan_reference,
      NEW.content_digest)
     IS DISTINCT FROM
     (OLD.id, OLD.kind, OLD.bureau_code, OLD.year, OLD.number, OLD.idcs, OLD.declaration_id,
      OLD.original, OLD.registered_by, OLD.registered_at, OLD.origin, OLD.scan_reference,
      OLD.content_digest) THEN
    RAISE EXCEPTION 'a registered act is never edited: add a mention' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- One row per import run (a stream); counters move with each committed batch, so the report of a
-- stream that broke off says what it took in.
CREATE TABLE imports (
  id               uuid PRIMARY KEY,
  started_by       text NOT NULL,
  territory_scope  text[] NOT NULL,  -- the importer's territories: who may read the report
  started_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  finished         boolean NOT NULL DEFAULT false,
  received         bigint NOT NULL DEFAULT 0,
  accepted         bigint NOT NULL DEFAULT 0,
  already_present  bigint NOT NULL DEFAULT 0,
  conflicting      bigint NOT NULL DEFAULT 0,
  rejected         bigint NOT NULL DEFAULT 0
);

-- Rejected and conflicting records of an import, by their position in the stream.
CREATE TABLE import_issues (
  import_id        uuid NOT NULL REFERENCES imports (id),
  ordinal          bigint NOT NULL,   -- position in the stream (1, 2, ...)
  line             bigint NOT NULL,   -- position in the client's file
  outcome          smallint NOT NULL, -- zp.sgec.v1.ImportOutcome
  bureau_code      text NOT NULL,
  year             integer NOT NULL,
  number           integer NOT NULL,
  kind             smallint NOT NULL,
  reason           text NOT NULL,
  field            text NOT NULL,
  message          text NOT NULL,
  existing_act_id  uuid,
  content_digest   bytea,             -- a conflict: its row in import_conflicts
  PRIMARY KEY (import_id, ordinal)
);

-- Conflicting records kept aside for review, once per distinct content of a key: never written
-- over the registered act.
CREATE TABLE import_conflicts (
  bureau_code      text NOT NULL,
  year             integer NOT NULL,
  kind             smallint NOT NULL,
  number           integer NOT NULL,
  content_digest   bytea NOT NULL,
  existing_act_id  uuid NOT NULL REFERENCES acts (id),
  record           bytea NOT NULL,  -- zp.sgec.v1.HistoricalRecord
  first_import_id  uuid NOT NULL REFERENCES imports (id),
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (bureau_code, year, kind, number, content_digest)
);
