-- Reading the trail (audit::List): newest first within a territory, or by actor.
CREATE INDEX audit_log_territory ON audit_log (territory, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
