-- stats overview, databases: the server's databases together: how many,
-- their total size (of those the role may connect to), commits,
-- rollbacks, cache hit ratio, deadlocks, temp files and bytes, recovery
-- conflicts (from pg_stat_database). PostgreSQL 13+.
-- min-server: 130000
SELECT count(*)::int4 AS databases,
       sum(CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
                THEN pg_catalog.pg_database_size(d.oid) END)::int8 AS total_size,
       sum(s.xact_commit)::int8 AS commits,
       sum(s.xact_rollback)::int8 AS rollbacks,
       round(100.0 * sum(s.blks_hit) / nullif(sum(s.blks_hit + s.blks_read), 0), 2)::float8 AS cache_hit_percent,
       sum(s.deadlocks)::int8 AS deadlocks,
       sum(s.temp_files)::int8 AS temp_files,
       sum(s.temp_bytes)::int8 AS temp_bytes,
       sum(s.conflicts)::int8 AS conflicts
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid;
