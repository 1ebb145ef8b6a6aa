-- stats checkpointer on PostgreSQL 17+, from pg_stat_checkpointer (and
-- pg_stat_bgwriter for the background writer): checkpoints timed and
-- requested, restartpoints, write and sync time (seconds), what the
-- checkpointer, the background writer and the other processes wrote
-- (bytes, from pg_stat_io), the mean time between checkpoints since the
-- counters were reset against checkpoint_timeout. Same columns as
-- checkpointer_130000.sql. pg_stat_io's op_bytes became write_bytes in 18:
-- read through to_jsonb so one text fits both.
-- min-server: 170000
WITH c AS (SELECT * FROM pg_catalog.pg_stat_checkpointer),
     b AS (SELECT * FROM pg_catalog.pg_stat_bgwriter),
     bs AS (SELECT pg_catalog.current_setting('block_size')::int8 AS bs),
     io AS (
       SELECT sum(coalesce((to_jsonb(i) ->> 'write_bytes')::numeric,
                           (to_jsonb(i) ->> 'writes')::numeric * (to_jsonb(i) ->> 'op_bytes')::numeric)) AS written
       FROM pg_catalog.pg_stat_io i
       WHERE i.object = 'relation' AND i.backend_type NOT IN ('checkpointer', 'background writer')
     )
SELECT c.num_timed::int8 AS checkpoints_timed,
       c.num_requested::int8 AS checkpoints_requested,
       round(100.0 * c.num_requested / nullif(c.num_timed + c.num_requested, 0), 1)::float8 AS requested_percent,
       c.restartpoints_timed::int8 AS restartpoints_timed,
       c.restartpoints_req::int8 AS restartpoints_requested,
       c.restartpoints_done::int8 AS restartpoints_done,
       (c.write_time / 1000)::float8 AS write_time,
       (c.sync_time / 1000)::float8 AS sync_time,
       (c.buffers_written * bs.bs)::int8 AS checkpointer_written,
       (b.buffers_clean * bs.bs)::int8 AS bgwriter_written,
       b.maxwritten_clean::int8 AS bgwriter_stopped,
       io.written::int8 AS backends_written,
       (b.buffers_alloc * bs.bs)::int8 AS allocated,
       (extract(epoch FROM pg_catalog.now() - c.stats_reset)
          / nullif(c.num_timed + c.num_requested, 0))::float8 AS mean_interval,
       (SELECT p.setting::float8 FROM pg_catalog.pg_settings p WHERE p.name = 'checkpoint_timeout') AS checkpoint_timeout,
       c.stats_reset AS stats_reset
FROM c CROSS JOIN b CROSS JOIN bs CROSS JOIN io;
