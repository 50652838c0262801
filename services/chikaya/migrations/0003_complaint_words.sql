-- The words of a complaint's subject and description (names::TextWords: both scripts,
-- normalised, Arabic words also without their article), for ListComplaints' text search.
-- Complaints submitted before this column have no words and are found by the other filters only.
ALTER TABLE complaints ADD COLUMN words tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX complaints_words ON complaints USING gin (words);
