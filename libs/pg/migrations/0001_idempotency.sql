-- Responses of mutating calls by request_id (AIP-155): written in the transaction of the change,
-- so that a retry returns the first answer and never repeats the change.
CREATE TABLE idempotency (
  request_id  text        PRIMARY KEY,
  method      text        NOT NULL,
  digest      text        NOT NULL,
  response    bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_created_at ON idempotency (created_at);
