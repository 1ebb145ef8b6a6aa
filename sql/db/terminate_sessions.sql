-- Terminates every other session on the database $1 and waits up to 5 s for
-- each to end. PostgreSQL 14+ (the timeout argument).
-- min-server: 140000
SELECT a.pid::int4 AS pid, pg_catalog.pg_terminate_backend(a.pid, 5000) AS terminated
FROM pg_catalog.pg_stat_activity a
WHERE a.datname = $1::text AND a.pid <> pg_catalog.pg_backend_pid();
