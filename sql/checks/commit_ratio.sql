-- check commit-ratio: commits as a percentage of all transactions ended,
-- per database since its statistics were reset (databases with fewer than
-- 1000 are left out: too few to judge).
SELECT datname::text AS database, round(100.0 * xact_commit / (xact_commit + xact_rollback), 2)::float8 AS value,
       NULL::float8 AS max, xact_rollback || ' rollbacks of ' || (xact_commit + xact_rollback) AS detail
FROM pg_catalog.pg_stat_database
WHERE datname IS NOT NULL AND xact_commit + xact_rollback >= 1000
