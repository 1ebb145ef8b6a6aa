-- check replication-delay: how far behind replay is, in seconds. On a
-- primary, each standby's replay_lag; on a standby, the age of the last
-- replayed transaction, but 0 when everything received is replayed: an
-- idle primary sends nothing to replay, and the age of its last commit is
-- not a delay. WAL waiting with no commit replayed since the standby
-- started counts from its start.
SELECT coalesce(application_name, '') || '@' || coalesce(client_addr::text, 'local') AS object,
       coalesce(extract(epoch FROM replay_lag), 0)::float8 AS value, NULL::float8 AS max,
       state || ', ' || sync_state AS detail
FROM pg_catalog.pg_stat_replication
WHERE NOT pg_catalog.pg_is_in_recovery()
UNION ALL
SELECT 'replay',
       CASE WHEN pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM pg_catalog.now() - coalesce(pg_catalog.pg_last_xact_replay_timestamp(),
                                                                 pg_catalog.pg_postmaster_start_time()))
       END::float8,
       NULL,
       CASE WHEN pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn()
            THEN 'all received WAL replayed (an idle primary is not a delay)' ELSE 'replaying' END
WHERE pg_catalog.pg_is_in_recovery()
