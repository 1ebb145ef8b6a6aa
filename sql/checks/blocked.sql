-- check blocked: sessions waiting for a lock another session holds, for how
-- long, and who blocks them.
SELECT 'pid ' || pid AS object,
       extract(epoch FROM pg_catalog.now() - coalesce(state_change, query_start))::float8 AS value, NULL::float8 AS max,
       'blocked by ' || pg_catalog.array_to_string(pg_catalog.pg_blocking_pids(pid), ',') || ': ' ||
       pg_catalog.left(query, 50) AS detail
FROM pg_catalog.pg_stat_activity
WHERE wait_event_type = 'Lock' AND pg_catalog.cardinality(pg_catalog.pg_blocking_pids(pid)) > 0
ORDER BY 2 DESC LIMIT 20
