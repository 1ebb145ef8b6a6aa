-- replication status, standbys: every standby streaming from this server
-- (a primary, or a standby that cascades), with its positions and its lag
-- behind this server's WAL: bytes from the LSNs, seconds from the
-- walsender's write/flush/replay_lag. A standby that has replayed all this
-- server sent is 0 seconds behind, even once the server stops reporting a
-- lag (an idle primary is not a delay). PostgreSQL 13+.
WITH here AS (
  SELECT CASE WHEN pg_catalog.pg_is_in_recovery()
              THEN coalesce(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn())
              ELSE pg_catalog.pg_current_wal_lsn() END AS lsn
)
SELECT r.pid::int4 AS pid,
       r.application_name::text AS application_name,
       r.client_addr::text AS client_addr,
       r.usename::text AS usename,
       r.state::text AS state,
       r.sync_state::text AS sync_state,
       r.sync_priority::int4 AS sync_priority,
       r.sent_lsn::text AS sent_lsn,
       r.write_lsn::text AS write_lsn,
       r.flush_lsn::text AS flush_lsn,
       r.replay_lsn::text AS replay_lsn,
       greatest(pg_catalog.pg_wal_lsn_diff(here.lsn, r.replay_lsn), 0)::int8 AS lag_bytes,
       CASE WHEN r.write_lsn >= here.lsn THEN 0 ELSE extract(epoch FROM r.write_lag) END::float8 AS write_lag,
       CASE WHEN r.flush_lsn >= here.lsn THEN 0 ELSE extract(epoch FROM r.flush_lag) END::float8 AS flush_lag,
       CASE WHEN r.replay_lsn >= here.lsn THEN 0 ELSE extract(epoch FROM r.replay_lag) END::float8 AS replay_lag,
       r.backend_start AS backend_start,
       r.reply_time AS reply_time
FROM pg_catalog.pg_stat_replication r, here
ORDER BY r.application_name, r.pid
