-- check checkpoints: requested checkpoints (WAL filled max_wal_size, or
-- CHECKPOINT) as a percentage of all since the statistics reset; a high
-- share means max_wal_size is too small. PostgreSQL 17+: pg_stat_checkpointer.
-- min-server: 170000
SELECT ''::text AS object, round(100.0 * num_requested / nullif(num_timed + num_requested, 0), 2)::float8 AS value,
       NULL::float8 AS max, num_requested || ' requested, ' || num_timed || ' timed' AS detail
FROM pg_catalog.pg_stat_checkpointer
WHERE num_timed + num_requested > 0
