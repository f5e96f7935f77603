-- Tracking schema, version 4 (PostgreSQL): indexes for searchRuns.
--
-- Param and tag values: a value can exceed the B-tree entry limit (about 2.7 kB), so versions 1-3
-- indexed only the key, and an equality filter read the row of every run that has the key. These
-- indexes hold the value's first 200 characters, left(value, 200), which cannot exceed the limit
-- (at most 800 bytes beside a key of at most 250 characters). A search writes `params.lr = '0.05'`
-- as left(value, 200) = '0.05', exact for a literal shorter than 200 characters; a longer literal
-- adds value = ?.
--
-- latest_metrics: the primary key carries the value, so a metric comparison on a candidate run
-- reads only the index.
--
-- On 1,000,000 runs with one param and one metric each this took about 11 s on 2 busy cores (each
-- index is built in one pass over its table). The migration's transaction holds exclusive locks on
-- params, tags and latest_metrics until it commits: other sessions' reads and writes of them wait.
DROP INDEX params_key
;
CREATE INDEX params_key_value ON params (key, left(value, 200))
;
DROP INDEX tags_key
;
CREATE INDEX tags_key_value ON tags (key, left(value, 200))
;
ALTER TABLE latest_metrics DROP CONSTRAINT latest_metrics_pkey,
  ADD CONSTRAINT latest_metrics_pkey PRIMARY KEY (run_id, key) INCLUDE (value)
