-- replication status, node: whether this server is a primary or a standby,
-- and its WAL position (written on a primary, replayed on a standby).
-- PostgreSQL 13+.
SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN 'standby' ELSE 'primary' END AS role,
       pg_catalog.current_setting('server_version') AS server_version,
       CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS wal_lsn,
       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int8 AS standbys,
       (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int8 AS slots,
       pg_catalog.current_setting('wal_level') AS wal_level,
       pg_catalog.current_setting('max_wal_senders')::int4 AS max_wal_senders
