-- stats checkpointer on PostgreSQL 13-16, from pg_stat_bgwriter: checkpoints
-- timed and requested, their write and sync time (seconds), what the
-- checkpointer, the background writer and the backends wrote (bytes), the
-- mean time between checkpoints since the counters were reset against
-- checkpoint_timeout. Same columns as checkpointer.sql (restartpoints are
-- counted from 17 only).
-- min-server: 130000
-- max-server: 169999
WITH b AS (SELECT * FROM pg_catalog.pg_stat_bgwriter),
     bs AS (SELECT pg_catalog.current_setting('block_size')::int8 AS bs)
SELECT b.checkpoints_timed::int8 AS checkpoints_timed,
       b.checkpoints_req::int8 AS checkpoints_requested,
       round(100.0 * b.checkpoints_req / nullif(b.checkpoints_timed + b.checkpoints_req, 0), 1)::float8
         AS requested_percent,
       NULL::int8 AS restartpoints_timed,
       NULL::int8 AS restartpoints_requested,
       NULL::int8 AS restartpoints_done,
       (b.checkpoint_write_time / 1000)::float8 AS write_time,
       (b.checkpoint_sync_time / 1000)::float8 AS sync_time,
       (b.buffers_checkpoint * bs.bs)::int8 AS checkpointer_written,
       (b.buffers_clean * bs.bs)::int8 AS bgwriter_written,
       b.maxwritten_clean::int8 AS bgwriter_stopped,
       (b.buffers_backend * bs.bs)::int8 AS backends_written,
       (b.buffers_alloc * bs.bs)::int8 AS allocated,
       (extract(epoch FROM pg_catalog.now() - b.stats_reset)
          / nullif(b.checkpoints_timed + b.checkpoints_req, 0))::float8 AS mean_interval,
       (SELECT p.setting::float8 FROM pg_catalog.pg_settings p WHERE p.name = 'checkpoint_timeout') AS checkpoint_timeout,
       b.stats_reset AS stats_reset
FROM b CROSS JOIN bs;
