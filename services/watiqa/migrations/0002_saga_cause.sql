-- The call that paid an order (the TGR's confirmation): the issuance saga's events and audit rows
-- carry its request id and traceparent, so that a trace leads from the payment to the documents.
ALTER TABLE orders ADD COLUMN paid_request_id text NOT NULL DEFAULT '',
                   ADD COLUMN paid_traceparent text NOT NULL DEFAULT '';
