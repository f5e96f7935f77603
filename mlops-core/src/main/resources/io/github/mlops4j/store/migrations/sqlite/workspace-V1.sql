-- Workspace settings, version 1 (SQLite). Statements are separated by lines holding only ';'.
-- One row per setting that every process opening the workspace must agree on; the store writes
-- 'artifact-store.location' (the ArtifactStore location URI) when it first writes the workspace.
-- set_time is epoch milliseconds (UTC).
CREATE TABLE mlops_settings (
  name     TEXT   NOT NULL PRIMARY KEY,
  value    TEXT   NOT NULL,
  set_time BIGINT NOT NULL
)
