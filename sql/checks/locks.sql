-- check locks: locks held or awaited per mode, and the ungranted ones.
SELECT mode AS object, count(*)::float8 AS value, NULL::float8 AS max, NULL::text AS detail
FROM pg_catalog.pg_locks GROUP BY mode
UNION ALL
SELECT 'waiting', count(*)::float8, NULL, NULL FROM pg_catalog.pg_locks WHERE NOT granted
