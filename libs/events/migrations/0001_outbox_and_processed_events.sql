-- Transactional outbox: rows are written in the same transaction as the state change they
-- describe, published by the relay, and deleted only after Kafka acknowledged them.
CREATE TABLE outbox (
  id          bigserial   PRIMARY KEY,
  event_id    uuid        NOT NULL UNIQUE,
  topic       text        NOT NULL,
  key         text        NOT NULL,
  event_type  text        NOT NULL,
  traceparent text        NOT NULL DEFAULT '',
  value       bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Events already applied by each consumer of this service: recorded in the same transaction as
-- the effect, so that a redelivered event is recognised and skipped.
CREATE TABLE processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  topic        text        NOT NULL,
  kafka_partition integer  NOT NULL,
  kafka_offset bigint      NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
