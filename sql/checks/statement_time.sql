-- check statement-time: the statements with the highest mean execution
-- time in pg_stat_statements (seconds), with at least 10 calls.
-- extension: pg_stat_statements
-- min-server: 130000
SELECT pg_catalog.left(pg_catalog.regexp_replace(query, '\s+', ' ', 'g'), 60) AS object,
       (mean_exec_time / 1000)::float8 AS value, NULL::float8 AS max,
       calls || ' calls, ' || round((total_exec_time / 1000)::numeric, 1) || 's in all' AS detail
FROM @extschema@.pg_stat_statements
WHERE calls >= 10 AND dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
ORDER BY 2 DESC LIMIT 10
