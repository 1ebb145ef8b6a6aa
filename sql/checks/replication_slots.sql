-- check replication-slots: WAL each slot keeps on disk (from its
-- restart_lsn), whether it is in use, and its wal_status.
SELECT slot_name::text AS object,
       coalesce(pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery()
                                                THEN pg_catalog.pg_last_wal_receive_lsn()
                                                ELSE pg_catalog.pg_current_wal_lsn() END, restart_lsn), 0)::float8 AS value,
       NULL::float8 AS max,
       slot_type || CASE WHEN active THEN ', active' ELSE ', inactive' END || ', wal_status ' || coalesce(wal_status, '?')
         AS detail
FROM pg_catalog.pg_replication_slots
ORDER BY 2 DESC
