-- WATIQA: orders of civil-status documents. States and kinds are the enum numbers of
-- zp.watiqa.v1.OrderState and zp.sgec.v1.CopyKind.

-- An order: the whole zp.watiqa.v1.Order (history included) in `doc`, and the columns that
-- queries, the issuance saga and the statistics need.
CREATE TABLE orders (
  id               uuid PRIMARY KEY,            -- UUIDv7
  reference        text NOT NULL UNIQUE,        -- WTQ-2026-K3M9Q2FX (core::HumanReference)
  state            smallint NOT NULL,
  version          integer NOT NULL,            -- changes so far (the tracking cache's clock)
  kind             smallint NOT NULL,
  copies           integer NOT NULL CHECK (copies BETWEEN 1 AND 10),
  act_id           uuid NOT NULL,
  bureau_code      text NOT NULL,
  territory        text NOT NULL,               -- the act's commune ("MA" for a consulate's act)
  destination      smallint NOT NULL,
  fee_centimes     bigint NOT NULL CHECK (fee_centimes > 0),
  ordered_by       text NOT NULL,               -- principal subject
  -- Family names of the act's subject, normalised (tracking compares with them).
  family_name_keys text[] NOT NULL,
  created_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  issued_at        timestamptz,
  dispatched_at    timestamptz,
  delivered_at     timestamptz,
  returned_at      timestamptz,
  tracking_number  text UNIQUE,
  -- Issuance saga (state PAID): one SGEC request id per copy, kept across retries so that a retry
  -- never issues twice; when the next attempt is due; what the last one met.
  issue_request_ids text[] NOT NULL DEFAULT '{}',
  issue_attempts   integer NOT NULL DEFAULT 0,
  next_issue_at    timestamptz,
  last_issue_error text NOT NULL DEFAULT '',
  doc              bytea NOT NULL
);
CREATE INDEX orders_due_issue ON orders (next_issue_at) WHERE state = 3;
CREATE INDEX orders_to_collect ON orders (issued_at, id) WHERE state = 4 AND tracking_number IS NULL;
CREATE INDEX orders_by_orderer ON orders (ordered_by, id);
CREATE INDEX orders_by_territory ON orders (territory, id);
CREATE INDEX orders_by_territory_time ON orders (territory, created_at);

-- Every confirmation of payment the TGR sent, accepted or flagged for refund. A payment
-- reference is confirmed once; its repetition is answered from here.
CREATE TABLE payments (
  payment_reference text PRIMARY KEY,
  order_id         uuid NOT NULL REFERENCES orders (id),
  amount_centimes  bigint NOT NULL,
  paid_at          timestamptz NOT NULL,
  received_at      timestamptz NOT NULL,
  outcome          smallint NOT NULL,           -- PaymentConfirmation.Outcome
  refund_reason    text NOT NULL DEFAULT '',
  -- A refund the TGR acknowledged (outcome 2 only).
  refund_reference text,
  refunded_at      timestamptz
);
CREATE INDEX payments_refunds_due ON payments (payment_reference)
  WHERE outcome = 2 AND refunded_at IS NULL;

-- Orders refunded after payment (issuance impossible) turn their payment into outcome 2 too.

-- Barid Al Maghrib's delivery events, each kept once (same tracking number, kind and time is a
-- repetition). The order's delivery state is computed from all of them, by time.
CREATE TABLE delivery_events (
  tracking_number  text NOT NULL,
  event            smallint NOT NULL,           -- DeliveryEventKind
  at               timestamptz NOT NULL,
  location         text NOT NULL DEFAULT '',
  reason           text NOT NULL DEFAULT '',
  received_at      timestamptz NOT NULL,
  PRIMARY KEY (tracking_number, event, at)
);
