-- Tracking schema, version 1 (SQLite). Statements are separated by lines holding only ';'.
CREATE TABLE experiments (
  experiment_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT    NOT NULL UNIQUE,
  creation_time   BIGINT  NOT NULL,
  lifecycle_stage TEXT    NOT NULL DEFAULT 'active'
)
;
CREATE TABLE runs (
  run_id          TEXT    NOT NULL PRIMARY KEY,
  experiment_id   BIGINT  NOT NULL REFERENCES experiments (experiment_id),
  run_name        TEXT    NOT NULL,
  parent_run_id   TEXT,
  user_id         TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  start_time      BIGINT  NOT NULL,
  end_time        BIGINT,
  lifecycle_stage TEXT    NOT NULL DEFAULT 'active',
  deleted_time    BIGINT
)
;
CREATE INDEX runs_experiment ON runs (experiment_id, start_time)
;
CREATE INDEX runs_parent ON runs (parent_run_id)
;
CREATE TABLE params (
  run_id TEXT NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID
;
CREATE INDEX params_key_value ON params (key, value)
;
CREATE TABLE tags (
  run_id TEXT NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID
;
CREATE INDEX tags_key_value ON tags (key, value)
;
CREATE TABLE metric_series (
  series_id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id    TEXT NOT NULL,
  key       TEXT NOT NULL,
  UNIQUE (run_id, key)
)
;
CREATE TABLE metric_chunks (
  chunk_id    INTEGER PRIMARY KEY AUTOINCREMENT,
  series_id   BIGINT  NOT NULL,
  point_count INTEGER NOT NULL,
  points      BLOB    NOT NULL
)
;
CREATE INDEX metric_chunks_series ON metric_chunks (series_id, chunk_id)
;
CREATE TABLE latest_metrics (
  run_id     TEXT   NOT NULL,
  key        TEXT   NOT NULL,
  value      DOUBLE,
  value_bits BIGINT NOT NULL,
  step       BIGINT NOT NULL,
  ts         BIGINT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID
;
CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value)
;
CREATE TABLE run_inputs (
  run_id     TEXT   NOT NULL,
  digest     TEXT   NOT NULL,
  name       TEXT   NOT NULL,
  context    TEXT   NOT NULL,
  size_bytes BIGINT NOT NULL,
  file_count BIGINT NOT NULL,
  row_count  BIGINT,
  source     TEXT,
  PRIMARY KEY (run_id, digest, name, context)
) WITHOUT ROWID
;
CREATE INDEX run_inputs_digest ON run_inputs (digest)
;
CREATE TABLE artifacts (
  run_id       TEXT   NOT NULL,
  path         TEXT   NOT NULL,
  digest       TEXT   NOT NULL,
  size_bytes   BIGINT NOT NULL,
  created_time BIGINT NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID
;
CREATE INDEX artifacts_digest ON artifacts (digest)
