-- stats databases: one row per database of the server from
-- pg_stat_database: size (NULL where the role may not connect), sessions,
-- commits and rollbacks, cache hit ratio, tuples, temp files, deadlocks,
-- recovery conflicts, when the counters were last reset, and the age of the
-- oldest unfrozen transaction and multixact IDs. PostgreSQL 13+.
-- min-server: 130000
SELECT d.datname::text AS database,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
            THEN pg_catalog.pg_database_size(d.oid) END::int8 AS size,
       s.numbackends::int4 AS backends,
       s.xact_commit::int8 AS commits,
       s.xact_rollback::int8 AS rollbacks,
       round(100.0 * s.blks_hit / nullif(s.blks_hit + s.blks_read, 0), 2)::float8 AS cache_hit_percent,
       s.blks_read::int8 AS blocks_read,
       s.tup_returned::int8 AS rows_returned,
       s.tup_fetched::int8 AS rows_fetched,
       s.tup_inserted::int8 AS rows_inserted,
       s.tup_updated::int8 AS rows_updated,
       s.tup_deleted::int8 AS rows_deleted,
       s.temp_files::int8 AS temp_files,
       s.temp_bytes::int8 AS temp_bytes,
       s.deadlocks::int8 AS deadlocks,
       s.conflicts::int8 AS conflicts,
       s.stats_reset AS stats_reset,
       pg_catalog.age(d.datfrozenxid)::int8 AS xid_age,
       pg_catalog.mxid_age(d.datminmxid)::int8 AS mxid_age
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid
ORDER BY d.datname;
