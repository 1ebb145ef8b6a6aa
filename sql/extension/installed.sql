-- extension update/drop: the version and schema of extension $1 installed in
-- the current database; no row when it is not installed.
-- min-server: 130000
SELECT e.extversion::text AS version, n.nspname::text AS schema, e.oid::int8 AS oid
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = $1::text;
