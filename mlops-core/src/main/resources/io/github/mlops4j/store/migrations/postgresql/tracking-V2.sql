-- Tracking schema, version 2: run ownership and heartbeat, so that a run left RUNNING by a
-- process that no longer exists can be ended by the next tracker that opens the workspace.
-- owner is the token of the tracker that holds the run (NULL: no holder, never ended by others);
-- owner_host, owner_pid and owner_started identify its process; heartbeat_time is the holder's
-- last heartbeat (epoch milliseconds of its clock).
ALTER TABLE runs ADD COLUMN owner TEXT
;
ALTER TABLE runs ADD COLUMN owner_host TEXT
;
ALTER TABLE runs ADD COLUMN owner_pid BIGINT
;
ALTER TABLE runs ADD COLUMN owner_started BIGINT
;
ALTER TABLE runs ADD COLUMN heartbeat_time BIGINT
;
CREATE INDEX runs_owner ON runs (owner)
;
CREATE INDEX runs_status_heartbeat ON runs (status, heartbeat_time)
