-- check dead-tuples: dead rows as a percentage of a table's rows, for
-- tables of the current database with at least 1000 dead rows, worst first.
SELECT pg_catalog.quote_ident(schemaname) || '.' || pg_catalog.quote_ident(relname) AS object,
       round(100.0 * n_dead_tup / (n_live_tup + n_dead_tup), 2)::float8 AS value, NULL::float8 AS max,
       n_dead_tup || ' dead rows' AS detail
FROM pg_catalog.pg_stat_user_tables
WHERE n_dead_tup >= 1000
ORDER BY 2 DESC LIMIT 20
