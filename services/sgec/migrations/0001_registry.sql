-- SGEC: bureaus, declarations, acts, mentions, act numbering and IDCS registry.
-- Kinds and states are the enum numbers of zp.sgec.v1 (ActKind, DeclarationState, ...).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE bureaus (
  code          text PRIMARY KEY,
  commune_code  text NOT NULL DEFAULT '',  -- '' for a consulate
  country_code  text NOT NULL DEFAULT '',  -- consulates
  territory     text NOT NULL,             -- commune code, or 'MA' for a consulate
  name_ar       text NOT NULL,
  name_fr       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bureaus_territory ON bureaus (territory);

-- Declarations: the whole zp.sgec.v1.Declaration in `doc`, and the columns that queries need.
CREATE TABLE declarations (
  id               uuid PRIMARY KEY,              -- UUIDv7: time-ordered
  kind             smallint NOT NULL,
  state            smallint NOT NULL,
  duplicate_status smallint NOT NULL,
  bureau_code      text NOT NULL REFERENCES bureaus (code),
  territory        text NOT NULL,
  event_date       date NOT NULL,
  subject_idcs     text NOT NULL DEFAULT '',      -- deceased (DEATH)
  mother_idcs      text NOT NULL DEFAULT '',
  name_ar_norm     text NOT NULL,
  name_lat_norm    text NOT NULL,
  mother_ar_norm   text NOT NULL DEFAULT '',
  mother_lat_norm  text NOT NULL DEFAULT '',
  name_key_ar      text NOT NULL DEFAULT '',      -- blocking keys of duplicate detection
  name_key_lat     text NOT NULL DEFAULT '',
  birth_date       date,                          -- of the deceased (DEATH)
  cleared          uuid[] NOT NULL DEFAULT '{}',  -- candidates reviewed as NOT_DUPLICATE
  doc              bytea NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX declarations_queue ON declarations (bureau_code, state, id);
-- Duplicate detection looks among open declarations of the same date and name key.
CREATE INDEX declarations_open_key_ar ON declarations (kind, event_date, name_key_ar)
  WHERE state IN (1, 2, 3);
CREATE INDEX declarations_open_subject ON declarations (subject_idcs)
  WHERE state IN (1, 2, 3) AND subject_idcs <> '';
CREATE INDEX declarations_open_key_lat ON declarations (kind, event_date, name_key_lat)
  WHERE state IN (1, 2, 3);

-- Gap-free numbering: the row of (bureau, year) is locked by the registering transaction; a
-- rollback gives the number back.
CREATE TABLE act_counters (
  bureau_code  text NOT NULL REFERENCES bureaus (code),
  year         integer NOT NULL,
  last_number  integer NOT NULL,
  PRIMARY KEY (bureau_code, year)
) WITH (fillfactor = 10);  -- updated at every registration: few rows per page

-- Every IDCS ever assigned: never deleted, so never reassigned.
CREATE TABLE idcs_registry (
  idcs         text PRIMARY KEY CHECK (idcs ~ '^[0-9]{10}$'),
  assigned_at  timestamptz NOT NULL DEFAULT now()
);

-- Acts. The registered content (`original`) and its identity never change (trigger below); the
-- name and `deceased` columns carry the current view (original + mentions) for search.
CREATE TABLE acts (
  id              uuid PRIMARY KEY,
  kind            smallint NOT NULL,
  bureau_code     text NOT NULL REFERENCES bureaus (code),
  year            integer NOT NULL,
  number          integer NOT NULL,
  territory       text NOT NULL,
  idcs            text REFERENCES idcs_registry (idcs),  -- child (BIRTH); NULL for a DEATH
  subject_idcs    text NOT NULL DEFAULT '',  -- child or deceased, for access by citizens
  father_idcs     text NOT NULL DEFAULT '',
  mother_idcs     text NOT NULL DEFAULT '',
  declaration_id  uuid NOT NULL UNIQUE REFERENCES declarations (id),
  event_date      date NOT NULL,
  birth_date      date,
  given_ar        text NOT NULL,
  family_ar       text NOT NULL,
  given_fr        text NOT NULL,
  family_fr       text NOT NULL,
  name_ar_norm    text NOT NULL,
  name_lat_norm   text NOT NULL,
  name_words      tsvector NOT NULL,  -- the normalised words of both scripts, for name search
  mother_ar_norm  text NOT NULL DEFAULT '',
  mother_lat_norm text NOT NULL DEFAULT '',
  name_key_ar     text NOT NULL DEFAULT '',  -- blocking keys of duplicate detection (names.h)
  name_key_lat    text NOT NULL DEFAULT '',
  deceased        boolean NOT NULL DEFAULT false,
  original        bytea NOT NULL,
  registered_by   text NOT NULL,
  registered_at   timestamptz NOT NULL,
  UNIQUE (bureau_code, year, number),
  UNIQUE (idcs)
);
CREATE INDEX acts_subject_idcs ON acts (subject_idcs) WHERE subject_idcs <> '';
CREATE INDEX acts_father_idcs ON acts (father_idcs) WHERE father_idcs <> '';
CREATE INDEX acts_mother_idcs ON acts (mother_idcs) WHERE mother_idcs <> '';
CREATE INDEX acts_key_ar ON acts (kind, event_date, name_key_ar);
CREATE INDEX acts_key_lat ON acts (kind, event_date, name_key_lat);
CREATE INDEX acts_name_words ON acts USING gin (name_words);

-- Every normalised name word of the register (both scripts). A name search expands each word of
-- the query into the similar words found here (pg_trgm), then finds the acts whose names hold one
-- of each through acts_name_words: two small index scans instead of a trigram scan of every act.
CREATE TABLE name_words (
  word text PRIMARY KEY
);
CREATE INDEX name_words_trgm ON name_words USING gin (word gin_trgm_ops);

CREATE FUNCTION acts_refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'acts are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.kind, NEW.bureau_code, NEW.year, NEW.number, NEW.idcs, NEW.declaration_id,
      NEW.original, NEW.registered_by, NEW.registered_at)
     IS DISTINCT FROM
     (OLD.id, OLD.kind, OLD.bureau_code, OLD.year, OLD.number, OLD.idcs, OLD.declaration_id,
      OLD.original, OLD.registered_by, OLD.registered_at) THEN
    RAISE EXCEPTION 'a registered act is never edited: add a mention' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER acts_never_edited BEFORE UPDATE OR DELETE ON acts
  FOR EACH ROW EXECUTE FUNCTION acts_refuse_edit();

-- Mentions: append-only, numbered per act.
CREATE TABLE mentions (
  id          uuid PRIMARY KEY,
  act_id      uuid NOT NULL REFERENCES acts (id),
  sequence    integer NOT NULL,
  kind        smallint NOT NULL,
  doc         bytea NOT NULL,  -- zp.sgec.v1.Mention
  created_at  timestamptz NOT NULL,
  UNIQUE (act_id, sequence)
);

CREATE FUNCTION mentions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'mentions are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER mentions_append_only BEFORE UPDATE OR DELETE ON mentions
  FOR EACH ROW EXECUTE FUNCTION mentions_refuse_change();
