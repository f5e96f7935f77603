-- Governance schema, version 1 (SQLite). Statements are separated by lines holding only ';'.
-- governance_audit: one row per purge, erasure or garbage collection: who (actor), what (action,
-- the ids it was about in subject, the counts of what was deleted) and when (epoch milliseconds).
-- It never holds erased values: no entity keys, feature values, params or tags.
CREATE TABLE governance_audit (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  action     TEXT   NOT NULL,
  actor      TEXT   NOT NULL,
  subject    TEXT   NOT NULL,
  counts     TEXT   NOT NULL,
  reason     TEXT,
  event_time BIGINT NOT NULL
)
;
-- Artifact objects whose last reference a purge removed, written in the purge's transaction and
-- removed once the object is deleted (or referenced again): a purge interrupted after its rows
-- were deleted is finished by the next purge or collection.
CREATE TABLE purge_pending_objects (
  digest      TEXT   NOT NULL PRIMARY KEY,
  queued_time BIGINT NOT NULL
)
