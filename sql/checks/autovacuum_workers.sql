-- check autovacuum-workers: autovacuum workers at work as a percentage of
-- autovacuum_max_workers (100%: saturated, tables wait their turn).
SELECT ''::text AS object,
       round(100.0 * count(*) / pg_catalog.current_setting('autovacuum_max_workers')::int, 2)::float8 AS value,
       NULL::float8 AS max,
       count(*) || ' of ' || pg_catalog.current_setting('autovacuum_max_workers') || ' workers' AS detail
FROM pg_catalog.pg_stat_activity WHERE backend_type = 'autovacuum worker'
