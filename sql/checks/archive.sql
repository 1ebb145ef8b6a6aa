-- check archive: WAL segments waiting to be archived (.ready files in
-- pg_wal/archive_status), with the last failure. Needs pg_monitor.
SELECT ''::text AS object, count(f.name)::float8 AS value, NULL::float8 AS max,
       CASE WHEN a.last_failed_wal IS NOT NULL THEN 'last failure ' || a.last_failed_wal || ' at ' || a.last_failed_time::text
            ELSE 'no failures' END AS detail
FROM pg_catalog.pg_stat_archiver a
LEFT JOIN pg_catalog.pg_ls_archive_statusdir() f ON f.name LIKE '%.ready'
WHERE pg_catalog.current_setting('archive_mode') <> 'off'
GROUP BY a.last_failed_wal, a.last_failed_time
