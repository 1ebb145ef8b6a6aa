-- config advise on PostgreSQL 13-16: checkpoints timed and requested since
-- the statistics were reset, from pg_stat_bgwriter. Same columns as
-- checkpoints.sql.
-- min-server: 130000
-- max-server: 169999
SELECT b.checkpoints_timed::int8 AS timed,
       b.checkpoints_req::int8 AS requested,
       b.stats_reset AS stats_reset
FROM pg_catalog.pg_stat_bgwriter b;
