-- stats overview, wal on PostgreSQL 14+: the WAL position (replayed, on a
-- standby), the WAL this server wrote since pg_stat_wal was reset and its
-- mean rate over that time (bytes per second). Same columns as
-- overview_wal_130000.sql.
-- min-server: 140000
SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS wal_lsn,
       w.wal_bytes::int8 AS wal_bytes,
       round((w.wal_bytes / nullif(extract(epoch FROM pg_catalog.now() - w.stats_reset), 0))::numeric)::float8
         AS wal_bytes_per_second,
       w.stats_reset AS stats_reset
FROM pg_catalog.pg_stat_wal w;
