-- replication status and slots on PostgreSQL 13 to 16: as slots.sql, but
-- these servers do not record since when a slot is inactive nor why it was
-- invalidated (NULL). Same columns as slots.sql.
-- min-server: 130000
-- max-server: 169999
WITH here AS (
  SELECT CASE WHEN pg_catalog.pg_is_in_recovery()
              THEN coalesce(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn())
              ELSE pg_catalog.pg_current_wal_lsn() END AS lsn
)
SELECT s.slot_name::text AS slot_name,
       s.slot_type::text AS slot_type,
       s.plugin::text AS plugin,
       s.database::text AS database,
       s.temporary AS temporary,
       s.active AS active,
       s.active_pid::int4 AS active_pid,
       s.restart_lsn::text AS restart_lsn,
       s.confirmed_flush_lsn::text AS confirmed_flush_lsn,
       pg_catalog.pg_wal_lsn_diff(here.lsn, s.restart_lsn)::int8 AS retained_bytes,
       s.wal_status::text AS wal_status,
       s.safe_wal_size::int8 AS safe_wal_size,
       pg_catalog.pg_wal_lsn_diff(here.lsn, s.confirmed_flush_lsn)::int8 AS confirmed_lag_bytes,
       NULL::timestamptz AS inactive_since,
       NULL::text AS invalidation_reason
FROM pg_catalog.pg_replication_slots s, here
ORDER BY s.slot_name
