-- Model registry schema, version 1 (SQLite). Statements are separated by lines holding only ';'.
CREATE TABLE registered_models (
  name              TEXT   NOT NULL PRIMARY KEY,
  description       TEXT   NOT NULL DEFAULT '',
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  next_version      BIGINT NOT NULL DEFAULT 1
)
;
CREATE TABLE registered_model_tags (
  name  TEXT NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
)
;
CREATE INDEX registered_model_tags_key ON registered_model_tags (key, value)
;
CREATE TABLE model_versions (
  name          TEXT   NOT NULL,
  version       BIGINT NOT NULL,
  run_id        TEXT,
  digest        TEXT   NOT NULL,
  size_bytes    BIGINT NOT NULL,
  format        TEXT   NOT NULL,
  signature     TEXT,
  description   TEXT   NOT NULL DEFAULT '',
  status        TEXT   NOT NULL,
  creation_time BIGINT NOT NULL,
  created_by    TEXT   NOT NULL,
  PRIMARY KEY (name, version)
)
;
CREATE INDEX model_versions_run ON model_versions (run_id)
;
CREATE INDEX model_versions_digest ON model_versions (digest)
;
CREATE TABLE model_version_tags (
  name    TEXT   NOT NULL,
  version BIGINT NOT NULL,
  key     TEXT   NOT NULL,
  value   TEXT   NOT NULL,
  PRIMARY KEY (name, version, key)
)
;
CREATE TABLE model_aliases (
  name    TEXT   NOT NULL,
  alias   TEXT   NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (name, alias)
)
;
CREATE TABLE registry_audit (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  name             TEXT   NOT NULL,
  action           TEXT   NOT NULL,
  version          BIGINT,
  alias            TEXT,
  previous_version BIGINT,
  actor            TEXT   NOT NULL,
  comment          TEXT,
  event_time       BIGINT NOT NULL
)
;
CREATE INDEX registry_audit_name ON registry_audit (name, seq)
