-- check wal-files: pg_wal's size as a percentage of max_wal_size (more is
-- WAL kept for slots, archiving or wal_keep_size). Needs pg_monitor.
SELECT ''::text AS object,
       round(100.0 * sum(size) / pg_catalog.pg_size_bytes(pg_catalog.current_setting('max_wal_size')), 2)::float8 AS value,
       NULL::float8 AS max,
       count(*) || ' files, ' || pg_catalog.pg_size_pretty(sum(size)) || ' of max_wal_size ' ||
       pg_catalog.current_setting('max_wal_size') AS detail
FROM pg_catalog.pg_ls_waldir()
