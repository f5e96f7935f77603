-- Feature store schema, version 1 (SQLite). Statements are separated by lines holding only ';'.
-- Times are epoch nanoseconds (UTC). Entity keys and values use the versioned binary formats of
-- io.github.mlops4j.features.KeyCodec and ValueCodec; definitions are JSON with a schemaVersion.
-- One row per view; it is locked by every write, apply and materialization of the view, holds the
-- view's write sequence (last_seq) and its materialization watermark.
CREATE TABLE feature_views (
  view_id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT    NOT NULL UNIQUE,
  current_version   INTEGER NOT NULL,
  last_seq          BIGINT  NOT NULL,
  watermark         BIGINT,
  newest_event      BIGINT,
  materialized_time BIGINT
)
;
CREATE TABLE feature_view_versions (
  view_id      BIGINT  NOT NULL,
  version      INTEGER NOT NULL,
  definition   TEXT    NOT NULL,
  created_time BIGINT  NOT NULL,
  PRIMARY KEY (view_id, version)
) WITHOUT ROWID
;
-- The offline store: every row ever written, in the order the point-in-time join reads it.
CREATE TABLE feature_rows (
  view_id      BIGINT NOT NULL,
  entity_key   BLOB   NOT NULL,
  event_time   BIGINT NOT NULL,
  created_time BIGINT NOT NULL,
  seq          BIGINT NOT NULL,
  vals         BLOB   NOT NULL,
  PRIMARY KEY (view_id, entity_key, event_time, created_time, seq)
) WITHOUT ROWID
;
CREATE INDEX feature_rows_event_time ON feature_rows (view_id, event_time)
;
-- The embedded online store: the newest materialized row per entity.
CREATE TABLE feature_online (
  view_id      BIGINT NOT NULL,
  entity_key   BLOB   NOT NULL,
  event_time   BIGINT NOT NULL,
  created_time BIGINT NOT NULL,
  seq          BIGINT NOT NULL,
  vals         BLOB   NOT NULL,
  PRIMARY KEY (view_id, entity_key)
) WITHOUT ROWID
