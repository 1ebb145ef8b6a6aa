-- check wal-rate: the WAL position in bytes (the check judges its growth
-- per second since the previous run): on a standby, the replayed position.
SELECT ''::text AS object,
       pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
                                       ELSE pg_catalog.pg_current_wal_lsn() END, '0/0')::float8 AS value,
       NULL::float8 AS max, NULL::text AS detail
