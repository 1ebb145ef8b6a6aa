-- --max-replication-lag: how far the furthest standby's replay is behind
-- this server's WAL, in bytes (NULL without standbys, or on a standby).
-- Only the sessions pg_monitor may see: without it, replay_lsn is NULL and
-- the lag counts as 0.
-- min-server: 130000
SELECT max(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), r.replay_lsn))::float8 AS lag
FROM pg_catalog.pg_stat_replication r
WHERE NOT pg_catalog.pg_is_in_recovery();
