-- Sessions other than ours connected to the database $1, for messages that
-- name what blocks a rename or drop. PostgreSQL 10+.
-- min-server: 130000
SELECT a.pid::int4 AS pid,
       coalesce(a.usename::text, '') AS usename,
       coalesce(a.application_name, '') AS application_name,
       coalesce(host(a.client_addr), 'local') AS client
FROM pg_catalog.pg_stat_activity a
WHERE a.datname = $1::text AND a.pid <> pg_catalog.pg_backend_pid()
ORDER BY a.pid;
