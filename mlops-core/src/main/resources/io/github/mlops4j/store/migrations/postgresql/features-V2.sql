-- Feature store schema, version 2 (PostgreSQL): idempotent writes. A write given a write id records it
-- here in the transaction that stores its rows (sequences first_seq .. first_seq + row_count - 1 of
-- the view); a later write with the same id for the view finds it and stores nothing, so a retried
-- task or job cannot store its rows twice.
CREATE TABLE feature_writes (
  view_id       BIGINT  NOT NULL,
  write_id      TEXT    NOT NULL,
  first_seq     BIGINT  NOT NULL,
  row_count     INTEGER NOT NULL,
  late_entities INTEGER NOT NULL,
  created_time  BIGINT  NOT NULL,
  PRIMARY KEY (view_id, write_id)
)
