-- @Svc@'s records (services/@svc@/README.md). `doc` is the zp.@svc@.v1.Record; the other
-- columns are what queries need.
CREATE TABLE records (
  id              uuid PRIMARY KEY,
  territory_code  text NOT NULL,
  created_at      timestamptz NOT NULL,
  doc             bytea NOT NULL
);
CREATE INDEX records_territory ON records (territory_code, id);
