-- Sessions other than ours connected to the database $1, for messages that
-- name what blocks a rename or drop. Autovacuum workers are left out, as the
-- server's own check (CountOtherDBBackends) leaves them out: it cancels them
-- rather than refusing. PostgreSQL 13+.
-- min-server: 130000
SELECT a.pid::int4 AS pid,
       coalesce(a.usename::text, '') AS usename,
       coalesce(a.application_name, '') AS application_name,
       coalesce(host(a.client_addr), 'local') AS client
FROM pg_catalog.pg_stat_activity a
WHERE a.datname = $1::text AND a.pid <> pg_catalog.pg_backend_pid()
  AND a.backend_type IS DISTINCT FROM 'autovacuum worker'
ORDER BY a.pid;
