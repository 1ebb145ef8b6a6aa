-- check long-transactions: open transactions, oldest first (not this
-- session), whatever they are doing now.
-- (Not pgdba's own check queries: they start with "-- check".)
SELECT 'pid ' || pid AS object, extract(epoch FROM pg_catalog.now() - xact_start)::float8 AS value,
       NULL::float8 AS max,
       coalesce(usename::text, '?') || '@' || coalesce(datname::text, '?') || ' ' || coalesce(state, '') AS detail
FROM pg_catalog.pg_stat_activity
WHERE xact_start IS NOT NULL AND pid <> pg_catalog.pg_backend_pid() AND query NOT LIKE '-- check %' AND backend_type = 'client backend'
ORDER BY 2 DESC LIMIT 20
