-- Governance schema, version 2 (SQLite). Statements are separated by lines holding only ';'.
-- read_audit: one row per audited read of tracking or feature data (ReadAuditSink.jdbc): who
-- (actor), what (action, the ids read in subjects, one per line, and the number of entity rows)
-- and when (epoch milliseconds), and whether it succeeded, failed or was denied. It never holds
-- feature values, entity keys, params, metrics or artifact content.
CREATE TABLE read_audit (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_time   BIGINT  NOT NULL,
  actor        TEXT    NOT NULL,
  action       TEXT    NOT NULL,
  subjects     TEXT    NOT NULL,
  entity_count INTEGER NOT NULL,
  outcome      TEXT    NOT NULL
)
;
CREATE INDEX read_audit_time ON read_audit (event_time)
;
CREATE INDEX read_audit_actor ON read_audit (actor, event_time)
