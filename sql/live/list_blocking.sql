-- locks --tree: every session that waits for a lock or holds one a waiter
-- needs, with the pids pg_blocking_pids() names for it (0 is a prepared
-- transaction, which has no session row), what it waits for and for how
-- long (seconds since the wait began), and what it is doing. The tree is
-- built by the caller. The wait starts at pg_locks.waitstart from 14 on
-- (read through to_jsonb so one text fits 13 too), at the start of the
-- waiting statement on 13. PostgreSQL 13+.
-- min-server: 130000
WITH now AS (SELECT pg_catalog.clock_timestamp() AS t),
     here AS (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()),
     waiting AS (
       SELECT w.pid, pg_catalog.pg_blocking_pids(w.pid) AS blocked_by
       FROM (SELECT DISTINCT l.pid FROM pg_catalog.pg_locks l
             WHERE NOT l.granted AND l.pid IS NOT NULL AND l.pid <> pg_catalog.pg_backend_pid()) w),
     involved AS (
       SELECT pid FROM waiting WHERE pg_catalog.cardinality(blocked_by) > 0
       UNION
       SELECT pg_catalog.unnest(blocked_by) FROM waiting)
SELECT i.pid::int4 AS pid,
       coalesce(w.blocked_by, '{}')::int4[] AS blocked_by,
       a.datname::text AS database,
       a.usename::text AS "user",
       a.application_name::text AS application,
       a.state::text AS state,
       CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ':' || a.wait_event END::text AS wait_event,
       wl.mode::text AS lock_mode,
       wl.what::text AS lock_on,
       extract(epoch FROM greatest(now.t, wl.since) - wl.since)::float8 AS waiting,
       extract(epoch FROM greatest(now.t, a.xact_start) - a.xact_start)::float8 AS xact_duration,
       CASE WHEN a.state = 'active'
            THEN extract(epoch FROM greatest(now.t, a.query_start) - a.query_start) END::float8 AS query_duration,
       a.query::text AS query
FROM involved i
CROSS JOIN now
LEFT JOIN waiting w ON w.pid = i.pid
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = i.pid
LEFT JOIN LATERAL (
  SELECT l.mode,
         CASE WHEN c.oid IS NOT NULL THEN pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
              WHEN l.relation IS NOT NULL THEN l.locktype || ' ' || l.relation
              WHEN l.locktype = 'transactionid' THEN 'transactionid ' || l.transactionid
              WHEN l.locktype = 'virtualxid' THEN 'virtualxid ' || l.virtualxid
              ELSE l.locktype END AS what,
         coalesce((pg_catalog.to_jsonb(l) ->> 'waitstart')::timestamptz, a.query_start) AS since
  FROM pg_catalog.pg_locks l
  LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation AND (l.database = 0 OR l.database = (SELECT oid FROM here))
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = i.pid AND NOT l.granted
  ORDER BY since NULLS LAST
  LIMIT 1) wl ON true
ORDER BY i.pid;
