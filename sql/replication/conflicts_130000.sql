-- replication status on a standby, conflicts, PostgreSQL 13 to 15: as
-- conflicts.sql without logical slot conflicts (NULL). Same columns.
-- min-server: 130000
-- max-server: 159999
SELECT datname::text AS database,
       confl_tablespace::int8 AS tablespace, confl_lock::int8 AS lock, confl_snapshot::int8 AS snapshot,
       confl_bufferpin::int8 AS bufferpin, confl_deadlock::int8 AS deadlock,
       NULL::int8 AS logical_slot
FROM pg_catalog.pg_stat_database_conflicts
WHERE pg_catalog.pg_is_in_recovery() AND datname IS NOT NULL
ORDER BY datname
