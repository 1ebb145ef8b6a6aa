-- Terminates every other session on the database $1 without waiting.
-- PostgreSQL 10 to 13.
-- min-server: 130000
-- max-server: 139999
SELECT a.pid::int4 AS pid, pg_catalog.pg_terminate_backend(a.pid) AS terminated
FROM pg_catalog.pg_stat_activity a
WHERE a.datname = $1::text AND a.pid <> pg_catalog.pg_backend_pid();
