-- stats overview, wal on PostgreSQL 13: the WAL position (replayed, on a
-- standby); 13 has no pg_stat_wal, so no amount or rate. Same columns as
-- overview_wal.sql.
-- min-server: 130000
-- max-server: 139999
SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS wal_lsn,
       NULL::int8 AS wal_bytes,
       NULL::float8 AS wal_bytes_per_second,
       NULL::timestamptz AS stats_reset;
