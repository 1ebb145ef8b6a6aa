-- check archive-failures: failed archive_command runs (a counter: the check
-- judges its increase since the previous run).
SELECT ''::text AS object, failed_count::float8 AS value, NULL::float8 AS max,
       coalesce('last failure ' || last_failed_wal || ' at ' || last_failed_time::text, '') AS detail
FROM pg_catalog.pg_stat_archiver
WHERE pg_catalog.current_setting('archive_mode') <> 'off'
