-- stats overview, server: version, primary or standby, start time and
-- uptime, client connections against max_connections (the superuser
-- reserve included), the WAL position (replayed, on a standby), the
-- archiver's state (off, ok, failing: the last failure is newer than the
-- last success) and the number of standbys and other WAL receivers
-- connected. PostgreSQL 13+.
-- min-server: 130000
WITH c AS (
  SELECT count(*) AS n FROM pg_catalog.pg_stat_activity a WHERE a.backend_type = 'client backend'
), m AS (
  SELECT pg_catalog.current_setting('max_connections')::int4 AS n
)
SELECT pg_catalog.current_setting('server_version')::text AS version,
       CASE WHEN pg_catalog.pg_is_in_recovery() THEN 'standby' ELSE 'primary' END::text AS role,
       pg_catalog.pg_postmaster_start_time() AS started,
       extract(epoch FROM pg_catalog.now() - pg_catalog.pg_postmaster_start_time())::float8 AS uptime,
       c.n::int4 AS connections,
       m.n AS max_connections,
       round(100.0 * c.n / m.n, 1)::float8 AS connections_percent,
       CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
            ELSE pg_catalog.pg_current_wal_lsn() END::text AS wal_lsn,
       (SELECT CASE WHEN pg_catalog.current_setting('archive_mode') = 'off' THEN 'off'
                    WHEN ar.last_failed_time > coalesce(ar.last_archived_time, '-infinity') THEN 'failing'
                    ELSE 'ok' END
        FROM pg_catalog.pg_stat_archiver ar)::text AS archiver,
       (SELECT ar.failed_count FROM pg_catalog.pg_stat_archiver ar)::int8 AS archive_failures,
       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int4 AS replicas
FROM c CROSS JOIN m;
