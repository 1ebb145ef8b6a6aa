-- check long-running: active statements, longest first (not this session).
-- (Not pgdba's own check queries: they start with "-- check".)
SELECT 'pid ' || pid AS object, extract(epoch FROM pg_catalog.now() - query_start)::float8 AS value,
       NULL::float8 AS max,
       coalesce(usename::text, '?') || '@' || coalesce(datname::text, '?') || ': ' || pg_catalog.left(query, 60) AS detail
FROM pg_catalog.pg_stat_activity
WHERE state = 'active' AND pid <> pg_catalog.pg_backend_pid() AND query NOT LIKE '-- check %' AND query_start IS NOT NULL
  AND backend_type = 'client backend'
ORDER BY 2 DESC LIMIT 20
