-- check standby-count: standbys streaming from this server.
SELECT ''::text AS object, count(*) FILTER (WHERE state = 'streaming')::float8 AS value, NULL::float8 AS max,
       coalesce(pg_catalog.string_agg(application_name || ' ' || state, ', '), 'none') AS detail
FROM pg_catalog.pg_stat_replication
