-- replication status on a standby, conflicts: queries recovery cancelled,
-- per database and cause (16+ adds active logical slots). None on a primary.
-- min-server: 160000
SELECT datname::text AS database,
       confl_tablespace::int8 AS tablespace, confl_lock::int8 AS lock, confl_snapshot::int8 AS snapshot,
       confl_bufferpin::int8 AS bufferpin, confl_deadlock::int8 AS deadlock,
       confl_active_logicalslot::int8 AS logical_slot
FROM pg_catalog.pg_stat_database_conflicts
WHERE pg_catalog.pg_is_in_recovery() AND datname IS NOT NULL
ORDER BY datname
