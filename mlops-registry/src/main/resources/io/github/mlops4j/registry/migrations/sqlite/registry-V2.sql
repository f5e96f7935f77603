-- Model registry schema, version 2 (SQLite): evaluation records. Statements are separated by lines
-- holding only ';'.
CREATE TABLE model_evaluations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  name           TEXT   NOT NULL,
  version        BIGINT NOT NULL,
  run_id         TEXT,
  dataset_name   TEXT   NOT NULL,
  dataset_digest TEXT   NOT NULL,
  creation_time  BIGINT NOT NULL
)
;
CREATE INDEX model_evaluations_version ON model_evaluations (name, version, id)
;
CREATE INDEX model_evaluations_digest ON model_evaluations (dataset_digest)
;
CREATE TABLE model_evaluation_metrics (
  evaluation_id BIGINT           NOT NULL,
  key           TEXT             NOT NULL,
  value         DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (evaluation_id, key)
)
