-- locks: every lock of pg_locks but our own, waiting ones first (longest
-- wait first), each with its session. Relations are named
-- schema-qualified when they are in the current database or shared;
-- elsewhere the relation is its OID. `waiting` is seconds since the wait
-- began: pg_locks.waitstart from 14 on, read through to_jsonb so one text
-- fits 13 too, where the wait is timed from the start of the waiting
-- statement. PostgreSQL 13+.
-- min-server: 130000
WITH now AS (SELECT pg_catalog.clock_timestamp() AS t),
     here AS (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
SELECT l.pid::int4 AS pid,
       l.locktype::text AS locktype,
       d.datname::text AS database,
       CASE WHEN c.oid IS NOT NULL THEN pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
            ELSE l.relation::text END AS relation,
       CASE l.locktype
            WHEN 'transactionid' THEN l.transactionid::text
            WHEN 'virtualxid' THEN l.virtualxid
            WHEN 'tuple' THEN '(' || l.page || ',' || l.tuple || ')'
            WHEN 'page' THEN l.page::text
            WHEN 'advisory' THEN l.classid || ':' || l.objid || ':' || l.objsubid
            WHEN 'object' THEN l.classid::pg_catalog.regclass::text || ' ' || l.objid || ':' || l.objsubid
       END::text AS object,
       l.mode::text AS mode,
       l.granted AS granted,
       CASE WHEN NOT l.granted THEN extract(epoch FROM greatest(now.t, coalesce((pg_catalog.to_jsonb(l) ->> 'waitstart')::timestamptz, a.query_start)) - coalesce((pg_catalog.to_jsonb(l) ->> 'waitstart')::timestamptz, a.query_start)) END::float8 AS waiting,
       a.usename::text AS "user",
       a.application_name::text AS application,
       a.state::text AS state,
       a.query::text AS query
FROM pg_catalog.pg_locks l
CROSS JOIN now
LEFT JOIN pg_catalog.pg_database d ON d.oid = l.database
LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation AND (l.database = 0 OR l.database = (SELECT oid FROM here))
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
ORDER BY l.granted, waiting DESC NULLS LAST, l.pid, l.locktype, relation, l.mode;
