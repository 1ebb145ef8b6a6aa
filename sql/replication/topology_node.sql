-- replication topology: how to recognise this server as another node's
-- upstream (its port, socket directories and address), and its WAL
-- position: written on a primary, received (else replayed) and replayed on
-- a standby. PostgreSQL 13+.
SELECT pg_catalog.pg_is_in_recovery() AS standby,
       pg_catalog.current_setting('port')::int4 AS port,
       pg_catalog.current_setting('unix_socket_directories') AS socket_dirs,
       pg_catalog.host(pg_catalog.inet_server_addr()) AS server_addr,
       CASE WHEN pg_catalog.pg_is_in_recovery()
            THEN coalesce(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn())
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS position,
       CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS replayed
