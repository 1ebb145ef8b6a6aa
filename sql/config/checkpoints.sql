-- config advise on PostgreSQL 17+: checkpoints timed and requested since
-- the statistics were reset, from pg_stat_checkpointer. Same columns as
-- checkpoints_130000.sql.
-- min-server: 170000
SELECT c.num_timed::int8 AS timed,
       c.num_requested::int8 AS requested,
       c.stats_reset AS stats_reset
FROM pg_catalog.pg_stat_checkpointer c;
