-- check replication-lag: how far behind replay is, in bytes of WAL. On a
-- primary, each standby connected to it (sent position to replay
-- position); on a standby, from the standby alone: received but not yet
-- replayed WAL (correct for cascades; 0 when all received WAL is replayed,
-- whatever the primary does).
SELECT coalesce(application_name, '') || '@' || coalesce(client_addr::text, 'local') AS object,
       pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)::float8 AS value, NULL::float8 AS max,
       state || ', ' || sync_state AS detail
FROM pg_catalog.pg_stat_replication
WHERE NOT pg_catalog.pg_is_in_recovery() AND replay_lsn IS NOT NULL
UNION ALL
SELECT 'replay', greatest(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(),
                                                     pg_catalog.pg_last_wal_replay_lsn()), 0)::float8,
       NULL, CASE WHEN pg_catalog.pg_is_wal_replay_paused() THEN 'replay paused' ELSE 'standby' END
WHERE pg_catalog.pg_is_in_recovery() AND pg_catalog.pg_last_wal_receive_lsn() IS NOT NULL
