-- stats overview, server: version, primary or standby, start time and
-- uptime, client connections against max_connections (the superuser
-- reserve included), the archiver's state (off, ok, failing: the last
-- failure is newer than the last success), the number of standbys and
-- other WAL receivers connected and the largest replay lag among them
-- (seconds). PostgreSQL 13+.
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
       (SELECT CASE WHEN pg_catalog.current_setting('archive_mode') = 'off' THEN 'off'
                    WHEN ar.last_failed_time > coalesce(ar.last_archived_time, '-infinity') THEN 'failing'
                    ELSE 'ok' END
        FROM pg_catalog.pg_stat_archiver ar)::text AS archiver,
       (SELECT ar.failed_count FROM pg_catalog.pg_stat_archiver ar)::int8 AS archive_failures,
       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int4 AS replicas,
       (SELECT extract(epoch FROM max(r.replay_lag)) FROM pg_catalog.pg_stat_replication r)::float8 AS max_replay_lag
FROM c CROSS JOIN m;
