-- check table-size: the largest tables of the current database, total size
-- with indexes and TOAST.
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS object,
       pg_catalog.pg_total_relation_size(c.oid)::float8 AS value, NULL::float8 AS max, NULL::text AS detail
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
ORDER BY 2 DESC LIMIT 10
