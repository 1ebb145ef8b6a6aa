-- replication status on a standby, replay, PostgreSQL 13: as replay.sql,
-- but 13 only tells paused or not (no "pause requested"). Same columns.
-- min-server: 130000
-- max-server: 139999
WITH st AS (
  SELECT pg_catalog.pg_last_wal_receive_lsn() AS received, pg_catalog.pg_last_wal_replay_lsn() AS replayed
)
SELECT st.received::text AS received_lsn,
       st.replayed::text AS replayed_lsn,
       coalesce(greatest(pg_catalog.pg_wal_lsn_diff(st.received, st.replayed), 0), 0)::int8 AS lag_bytes,
       CASE WHEN st.received IS NULL OR st.received <= st.replayed THEN 0
            ELSE extract(epoch FROM pg_catalog.now() - coalesce(pg_catalog.pg_last_xact_replay_timestamp(),
                                                                 pg_catalog.pg_postmaster_start_time()))
       END::float8 AS lag_seconds,
       pg_catalog.pg_last_xact_replay_timestamp() AS last_replayed_commit,
       CASE WHEN pg_catalog.pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END AS replay,
       CASE WHEN st.received IS NULL THEN 'nothing received by streaming since the standby started'
            WHEN st.received <= st.replayed
            THEN 'all received WAL replayed: 0 behind (an idle primary is not a delay)'
            ELSE 'replaying' END AS note
FROM st
WHERE pg_catalog.pg_is_in_recovery()
