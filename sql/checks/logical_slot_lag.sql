-- check logical-slot-lag: WAL a logical slot's consumer has not yet
-- confirmed, in bytes.
SELECT slot_name::text AS object,
       coalesce(pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery()
                                                THEN pg_catalog.pg_last_wal_receive_lsn()
                                                ELSE pg_catalog.pg_current_wal_lsn() END, confirmed_flush_lsn), 0)::float8
         AS value,
       NULL::float8 AS max, coalesce(plugin, '') || CASE WHEN active THEN ', active' ELSE ', inactive' END AS detail
FROM pg_catalog.pg_replication_slots WHERE slot_type = 'logical'
ORDER BY 2 DESC
