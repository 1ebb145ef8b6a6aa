-- replication status on a standby, replay: received and replayed WAL and
-- how far replay is behind, from the standby alone (so right for a
-- cascaded standby too). When everything received is replayed the lag is
-- 0 bytes and 0 seconds and the note says so: an idle primary sends
-- nothing, and the age of its last commit is not a delay. Paused replay is
-- "paused" or "pause requested" (14+). None on a primary.
-- min-server: 140000
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
       pg_catalog.pg_get_wal_replay_pause_state()::text AS replay,
       CASE WHEN st.received IS NULL THEN 'nothing received by streaming since the standby started'
            WHEN st.received <= st.replayed
            THEN 'all received WAL replayed: 0 behind (an idle primary is not a delay)'
            ELSE 'replaying' END AS note
FROM st
WHERE pg_catalog.pg_is_in_recovery()
