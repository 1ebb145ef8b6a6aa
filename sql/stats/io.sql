-- stats io on PostgreSQL 18+: pg_stat_io, the rows with any activity, sizes
-- in bytes and times in seconds (zero unless track_io_timing is on). Same
-- columns as io_160000.sql.
-- min-server: 180000
SELECT i.backend_type::text AS backend_type,
       i.object::text AS object,
       i.context::text AS context,
       i.reads::int8 AS reads,
       i.read_bytes::int8 AS read_bytes,
       (i.read_time / 1000)::float8 AS read_time,
       i.writes::int8 AS writes,
       i.write_bytes::int8 AS write_bytes,
       (i.write_time / 1000)::float8 AS write_time,
       i.writebacks::int8 AS writebacks,
       i.extends::int8 AS extends,
       i.extend_bytes::int8 AS extend_bytes,
       i.hits::int8 AS hits,
       i.evictions::int8 AS evictions,
       i.reuses::int8 AS reuses,
       i.fsyncs::int8 AS fsyncs,
       (i.fsync_time / 1000)::float8 AS fsync_time
FROM pg_catalog.pg_stat_io i
WHERE coalesce(i.reads, 0) + coalesce(i.writes, 0) + coalesce(i.writebacks, 0) + coalesce(i.extends, 0)
      + coalesce(i.hits, 0) + coalesce(i.evictions, 0) + coalesce(i.reuses, 0) + coalesce(i.fsyncs, 0) > 0
ORDER BY 1, 2, 3;
