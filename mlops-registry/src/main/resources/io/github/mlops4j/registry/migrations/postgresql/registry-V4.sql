-- Model registry schema, version 4 (PostgreSQL): the retraining lease, one row per model, so that one
-- replica at a time retrains it. holder and token name the replica and the acquisition that hold
-- the lease until expiry_time (NULL when released); last_start and last_holder record the latest
-- retraining's start, checked against RetrainingLoop's minimum interval by every replica. Times
-- are epoch milliseconds of the loop's clock. Statements are separated by lines holding only ';'.
CREATE TABLE retraining_leases (
  model         TEXT   NOT NULL PRIMARY KEY,
  holder        TEXT,
  token         TEXT,
  acquired_time BIGINT,
  expiry_time   BIGINT,
  last_start    BIGINT,
  last_holder   TEXT
)
