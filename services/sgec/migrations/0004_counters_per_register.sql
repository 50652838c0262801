-- Births and deaths are kept in registers of their own, each numbered from 1 every year (as the
-- paper registers the historical import takes in): the live counter is per bureau, year and kind.
-- Each kind's counter continues after its highest number so far (numbers taken before, when the
-- two kinds shared one sequence, stay as they are: an act's key is bureau, year, kind, number).
ALTER TABLE act_counters ADD COLUMN kind smallint;
ALTER TABLE act_counters DROP CONSTRAINT act_counters_pkey;
INSERT INTO act_counters (bureau_code, year, kind, last_number)
SELECT c.bureau_code, c.year, 2,
       coalesce((SELECT max(a.number) FROM acts a
                 WHERE a.bureau_code = c.bureau_code AND a.year = c.year AND a.kind = 2), 0)
FROM act_counters c WHERE c.kind IS NULL;
UPDATE act_counters c SET kind = 1,
  last_number = coalesce((SELECT max(a.number) FROM acts a
                          WHERE a.bureau_code = c.bureau_code AND a.year = c.year AND a.kind = 1), 0)
WHERE c.kind IS NULL;
ALTER TABLE act_counters ALTER COLUMN kind SET NOT NULL;
ALTER TABLE act_counters ADD PRIMARY KEY (bureau_code, year, kind);
