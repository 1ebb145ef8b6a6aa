-- check idle-in-transaction: sessions idle inside a transaction, for how
-- long (they hold locks and the xmin horizon).
SELECT 'pid ' || pid AS object, extract(epoch FROM pg_catalog.now() - state_change)::float8 AS value,
       NULL::float8 AS max,
       coalesce(usename::text, '?') || '@' || coalesce(datname::text, '?') || ': ' || pg_catalog.left(query, 60) AS detail
FROM pg_catalog.pg_stat_activity
WHERE state IN ('idle in transaction', 'idle in transaction (aborted)') AND pid <> pg_catalog.pg_backend_pid() AND query NOT LIKE '-- check %'
ORDER BY 2 DESC LIMIT 20
