-- stats statements: the top statements of pg_stat_statements (extension
-- versions 1.8 to 1.12; PostgreSQL 13-18). @extschema@ is the extension's
-- schema, quoted. Columns renamed across versions (blk_read_time became
-- shared_blk_read_time in 1.11) are read through to_jsonb so one text fits
-- every version. $1: order (total, mean, calls, io, wal), $2: row limit.
-- Times are in seconds. Rows of other databases are included: the view
-- covers the whole server.
-- min-server: 130000
-- extension: pg_stat_statements
WITH s AS (
  SELECT s.*,
         coalesce((to_jsonb(s) ->> 'shared_blk_read_time')::float8, (to_jsonb(s) ->> 'blk_read_time')::float8, 0)
         + coalesce((to_jsonb(s) ->> 'shared_blk_write_time')::float8, (to_jsonb(s) ->> 'blk_write_time')::float8, 0)
           AS io_ms
  FROM @extschema@.pg_stat_statements s
)
SELECT d.datname::text AS database,
       r.rolname::text AS "user",
       s.queryid,
       s.calls,
       (s.total_exec_time / 1000)::float8 AS total_time,
       (s.mean_exec_time / 1000)::float8 AS mean_time,
       s.rows,
       round(100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0), 2)::float8 AS hit_percent,
       s.shared_blks_read,
       s.temp_blks_written,
       (s.io_ms / 1000)::float8 AS io_time,
       s.wal_bytes::int8 AS wal_bytes,
       s.query
FROM s
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid
ORDER BY CASE $1::text
           WHEN 'total' THEN s.total_exec_time
           WHEN 'mean' THEN s.mean_exec_time
           WHEN 'calls' THEN s.calls::float8
           WHEN 'io' THEN s.io_ms
           WHEN 'wal' THEN s.wal_bytes::float8
         END DESC NULLS LAST, s.queryid
LIMIT $2::int8;
