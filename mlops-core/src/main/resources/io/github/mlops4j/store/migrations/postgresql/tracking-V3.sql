-- Tracking schema, version 3: an index for searchRuns. It covers what a search reads of a
-- candidate run found through a params/tags/latest_metrics index (its id, experiment, lifecycle
-- stage and start time), so the search never visits the runs table itself: rows are read only for
-- the page it returns.
CREATE INDEX runs_search ON runs (run_id, experiment_id, lifecycle_stage, start_time)
