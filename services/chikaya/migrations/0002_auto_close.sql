-- When a complaint was last answered (RESOLVED); the scheduler closes it once the submitter can no
-- longer reopen it. Complaints already RESOLVED before this column start their window now.
ALTER TABLE complaints ADD COLUMN resolved_at timestamptz;
UPDATE complaints SET resolved_at = now() WHERE state = 5;
CREATE INDEX complaints_resolved ON complaints (resolved_at) WHERE state = 5;
