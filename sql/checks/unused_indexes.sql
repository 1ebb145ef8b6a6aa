-- check unused-indexes: indexes of the current database never scanned since
-- the statistics were reset, by size, leaving out those that back a
-- constraint (primary key, unique, exclusion): they are used by the
-- constraint even when no query scans them.
SELECT pg_catalog.quote_ident(s.schemaname) || '.' || pg_catalog.quote_ident(s.indexrelname) AS object,
       pg_catalog.pg_relation_size(s.indexrelid)::float8 AS value, NULL::float8 AS max,
       'on ' || pg_catalog.quote_ident(s.relname) || ', no scans since ' ||
       coalesce(d.stats_reset, pg_catalog.pg_postmaster_start_time())::date::text AS detail
FROM pg_catalog.pg_stat_user_indexes s
JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid
JOIN pg_catalog.pg_stat_database d ON d.datname = pg_catalog.current_database()
WHERE s.idx_scan = 0 AND i.indisvalid AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = s.indexrelid)
ORDER BY 2 DESC LIMIT 20
