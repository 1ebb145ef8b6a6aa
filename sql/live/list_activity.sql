-- activity: the sessions of pg_stat_activity other than our own, oldest
-- transaction first. Filters (NULL or false = off): $1 state, $2 database,
-- $3 user, $4 at least this many seconds in the current state, $5 include
-- idle sessions, $6 include background processes (autovacuum, walsender,
-- checkpointer, ...); client backends and parallel workers are always in.
-- Durations are seconds; ages are in transactions. PostgreSQL 13+ (leader_pid).
-- min-server: 130000
WITH now AS (SELECT pg_catalog.clock_timestamp() AS t)
SELECT a.pid::int4 AS pid,
       a.datname::text AS database,
       a.usename::text AS "user",
       a.application_name::text AS application,
       CASE WHEN a.client_addr IS NOT NULL THEN pg_catalog.host(a.client_addr)
            WHEN a.client_port = -1 THEN 'local' END::text AS client,
       a.backend_type::text AS backend_type,
       a.state::text AS state,
       CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ':' || a.wait_event END::text AS wait_event,
       extract(epoch FROM greatest(now.t, a.state_change) - a.state_change)::float8 AS state_duration,
       CASE WHEN a.state = 'active'
            THEN extract(epoch FROM greatest(now.t, a.query_start) - a.query_start) END::float8 AS query_duration,
       extract(epoch FROM greatest(now.t, a.xact_start) - a.xact_start)::float8 AS xact_duration,
       pg_catalog.age(a.backend_xid)::int8 AS xid_age,
       pg_catalog.age(a.backend_xmin)::int8 AS xmin_age,
       a.leader_pid::int4 AS leader_pid,
       a.query::text AS query
FROM pg_catalog.pg_stat_activity a CROSS JOIN now
WHERE a.pid <> pg_catalog.pg_backend_pid()
  AND ($1::text IS NULL OR a.state = $1::text)
  AND ($2::text IS NULL OR a.datname = $2::text)
  AND ($3::text IS NULL OR a.usename = $3::text)
  AND ($4::float8 IS NULL OR extract(epoch FROM now.t - a.state_change) >= $4::float8)
  AND ($5::bool OR $1::text IS NOT NULL OR a.state IS DISTINCT FROM 'idle')
  AND ($6::bool OR a.backend_type IN ('client backend', 'parallel worker'))
ORDER BY coalesce(a.xact_start, a.query_start, a.backend_start), a.pid;
