-- check invalid-indexes: indexes of the current database left invalid (a
-- failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY): maintained on
-- every write, never used.
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS object, 1::float8 AS value,
       NULL::float8 AS max, 'on ' || i.indrelid::regclass::text || ', ' ||
       pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(c.oid)) AS detail
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid
