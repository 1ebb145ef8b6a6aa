-- The schema an extension is installed in, no row when it is not installed
-- in the current database.
-- min-server: 130000
SELECT n.nspname::text AS schema, e.extversion::text AS version
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = $1;
