-- check checksum-failures: data page checksum failures per database (a
-- counter: the check judges its increase since the previous run).
SELECT coalesce(datname::text, '(shared)') AS database, coalesce(checksum_failures, 0)::float8 AS value,
       NULL::float8 AS max, 'last ' || checksum_last_failure::text AS detail
FROM pg_catalog.pg_stat_database
