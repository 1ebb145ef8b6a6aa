-- check deadlocks: deadlocks per database (a counter: the check judges its
-- increase since the previous run).
SELECT datname::text AS database, deadlocks::float8 AS value, NULL::float8 AS max, NULL::text AS detail
FROM pg_catalog.pg_stat_database WHERE datname IS NOT NULL
