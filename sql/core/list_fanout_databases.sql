-- The databases --all-databases runs on: every one that accepts connections
-- (as vacuumdb -a: templates that allow connections included, template0 and
-- invalid databases not). PostgreSQL 13+.
-- min-server: 130000
SELECT d.datname::text AS datname
FROM pg_catalog.pg_database d
WHERE d.datallowconn AND d.datconnlimit <> -2
ORDER BY d.datname
