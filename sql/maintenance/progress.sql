-- The progress line of a maintenance run: how far backend $1 is in the
-- VACUUM, ANALYZE, VACUUM FULL/CLUSTER or REINDEX it runs, from the
-- pg_stat_progress views (a role sees its own sessions there).
-- min-server: 130000
SELECT p.phase, CASE WHEN p.total > 0 THEN (100 * p.done / p.total)::int END AS percent
FROM (
  SELECT v.phase, v.heap_blks_scanned::float8 AS done, v.heap_blks_total::float8 AS total
  FROM pg_catalog.pg_stat_progress_vacuum v WHERE v.pid = $1::int4
  UNION ALL
  SELECT a.phase, a.sample_blks_scanned::float8, a.sample_blks_total::float8
  FROM pg_catalog.pg_stat_progress_analyze a WHERE a.pid = $1::int4
  UNION ALL
  SELECT c.phase, c.heap_blks_scanned::float8, c.heap_blks_total::float8
  FROM pg_catalog.pg_stat_progress_cluster c WHERE c.pid = $1::int4
  UNION ALL
  SELECT i.phase, i.blocks_done::float8, i.blocks_total::float8
  FROM pg_catalog.pg_stat_progress_create_index i WHERE i.pid = $1::int4
) p
LIMIT 1;
