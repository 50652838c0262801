-- A declaration's human reference (DCL-2026-XXXXXXXC, core::HumanReference), given when it is
-- declared; declarations made before this column have none.
ALTER TABLE declarations ADD COLUMN reference text UNIQUE;
