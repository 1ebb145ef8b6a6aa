-- check replay-paused: on a standby, 1 when WAL replay is paused; nothing
-- on a primary.
SELECT 'replay' AS object, CASE WHEN pg_catalog.pg_is_wal_replay_paused() THEN 1 ELSE 0 END::float8 AS value,
       NULL::float8 AS max, 'paused by pg_wal_replay_pause()' AS detail
WHERE pg_catalog.pg_is_in_recovery()
