-- index unused: the valid user indexes of the current database never scanned
-- since its statistics were last reset (pg_stat_user_indexes.idx_scan = 0),
-- largest first. Left out: indexes that enforce something (unique, primary
-- key, exclusion constraint), the replica identity index, and indexes
-- attached to a partitioned index (dropped only with their parent). Scans on
-- standbys are counted on the standbys, not here: check them before dropping.
-- One row per index: schema, table, index, size_bytes (pg_relation_size:
-- takes the index's ACCESS SHARE lock, so a session's lock_timeout bounds a
-- wait), scans (0), stats_reset (when this database's statistics were last
-- reset; NULL: never, they go back to the cluster's creation or its last
-- crash), stats_age_seconds (seconds since stats_reset, else since the
-- server started: a lower bound), table_writes (rows inserted, updated and
-- deleted since then: what the index cost), definition.
--   $1 text[]: only these schemas (NULL: every schema).
-- min-server: 130000
WITH db AS (
  SELECT d.stats_reset
  FROM pg_catalog.pg_stat_database d
  WHERE d.datname = pg_catalog.current_database()
)
SELECT s.schemaname::text AS schema,
       s.relname::text AS "table",
       s.indexrelname::text AS index,
       coalesce(pg_catalog.pg_relation_size(s.indexrelid), 0)::int8 AS size_bytes,
       s.idx_scan::int8 AS scans,
       db.stats_reset,
       extract(epoch FROM pg_catalog.now() - coalesce(db.stats_reset, pg_catalog.pg_postmaster_start_time()))::float8
         AS stats_age_seconds,
       (t.n_tup_ins + t.n_tup_upd + t.n_tup_del)::int8 AS table_writes,
       pg_catalog.pg_get_indexdef(s.indexrelid)::text AS definition
FROM pg_catalog.pg_stat_user_indexes s
JOIN pg_catalog.pg_index x ON x.indexrelid = s.indexrelid
LEFT JOIN pg_catalog.pg_stat_user_tables t ON t.relid = s.relid
CROSS JOIN db
WHERE s.idx_scan = 0
  AND x.indisvalid
  AND NOT x.indisunique
  AND NOT x.indisprimary
  AND NOT x.indisexclusion
  AND NOT x.indisreplident
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = s.indexrelid AND k.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = s.indexrelid)
  AND ($1::text[] IS NULL OR s.schemaname = ANY ($1::text[]))
ORDER BY 4 DESC, 1, 2, 3;
