-- stats overview, connections: client sessions by state (pgdba's own
-- included) with the longest time one of them has been in that state
-- (seconds). PostgreSQL 13+.
-- min-server: 130000
SELECT coalesce(a.state, 'unknown')::text AS state,
       count(*)::int4 AS sessions,
       max(extract(epoch FROM pg_catalog.clock_timestamp() - a.state_change))::float8 AS longest
FROM pg_catalog.pg_stat_activity a
WHERE a.backend_type = 'client backend'
GROUP BY 1
ORDER BY 2 DESC, 1;
