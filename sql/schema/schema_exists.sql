-- Whether the schema $1 exists in the current database. PostgreSQL 10+.
-- min-server: 130000
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1::text) AS present;
