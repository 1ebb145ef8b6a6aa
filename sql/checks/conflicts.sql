-- check conflicts: queries cancelled on a standby by recovery conflicts,
-- per database (a counter: the check judges its increase since the
-- previous run).
SELECT datname::text AS database,
       (confl_tablespace + confl_lock + confl_snapshot + confl_bufferpin + confl_deadlock)::float8 AS value,
       NULL::float8 AS max,
       'snapshot ' || confl_snapshot || ', lock ' || confl_lock || ', buffer pin ' || confl_bufferpin AS detail
FROM pg_catalog.pg_stat_database_conflicts WHERE pg_catalog.pg_is_in_recovery()
