-- Monitoring schema, version 1 (sqlite). Statements are separated by lines holding only ';'.
-- One row per (model, time window, replica): the replica's profile of its rows of that window,
-- rewritten cumulatively while the window is open and a last time, final = 1, when it closes.
CREATE TABLE monitor_window_parts (
  model         TEXT    NOT NULL,
  window_start  BIGINT  NOT NULL,
  replica       TEXT    NOT NULL,
  window_end    BIGINT  NOT NULL,
  rows_profiled BIGINT  NOT NULL,
  final         INTEGER NOT NULL,
  updated_time  BIGINT  NOT NULL,
  profile       BLOB    NOT NULL,
  PRIMARY KEY (model, window_start, replica)
)
;
