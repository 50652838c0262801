-- Append-only, hash-chained audit trail (libs/audit). One chain per territory code, so that
-- communes append in parallel; within a chain, rows are numbered without gaps and each row stores
-- the hash of the previous row and its own: row_hash = SHA-256(prev_hash || canonical content).
CREATE TABLE audit_log (
  id            bigserial   PRIMARY KEY,
  chain         text        NOT NULL,
  chain_seq     bigint      NOT NULL,
  occurred_at   timestamptz NOT NULL,
  actor         text        NOT NULL,
  role          text        NOT NULL,
  action        text        NOT NULL,
  resource      text        NOT NULL,
  territory     text        NOT NULL,
  request_id    text        NOT NULL,
  change_digest text        NOT NULL,
  prev_hash     text        NOT NULL,
  row_hash      text        NOT NULL,
  UNIQUE (chain, chain_seq)
);
CREATE INDEX audit_log_resource ON audit_log (resource);

-- The head of each chain: its last sequence number and row hash. Appenders lock this row (SELECT
-- ... FOR UPDATE, then one UPDATE), so appends to one chain are serialised and those to different
-- chains are not; the verifier also compares it with the last row, so that removing rows at the
-- end is seen. A small table updated at every append: rows spread over pages (fillfactor).
CREATE TABLE audit_chains (
  chain     text   PRIMARY KEY,
  last_seq  bigint NOT NULL,
  last_hash text   NOT NULL
) WITH (fillfactor = 10);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
