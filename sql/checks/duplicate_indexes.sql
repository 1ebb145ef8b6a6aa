-- check duplicate-indexes: indexes of the current database that another
-- valid index of the same table makes redundant: the same method, keys,
-- expressions, predicate and operator classes. The smaller-oid one is kept
-- as the original; the other is reported with its size.
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS object,
       pg_catalog.pg_relation_size(b.indexrelid)::float8 AS value, NULL::float8 AS max,
       'duplicates ' || a.indexrelid::regclass::text AS detail
FROM pg_catalog.pg_index a
JOIN pg_catalog.pg_index b
  ON b.indrelid = a.indrelid AND b.indexrelid > a.indexrelid
 AND b.indkey::text = a.indkey::text AND b.indclass::text = a.indclass::text
 AND coalesce(pg_catalog.pg_get_expr(b.indexprs, b.indrelid), '') = coalesce(pg_catalog.pg_get_expr(a.indexprs, a.indrelid), '')
 AND coalesce(pg_catalog.pg_get_expr(b.indpred, b.indrelid), '') = coalesce(pg_catalog.pg_get_expr(a.indpred, a.indrelid), '')
JOIN pg_catalog.pg_class ca ON ca.oid = a.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = b.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.indisvalid AND b.indisvalid AND ca.relam = c.relam
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
ORDER BY 2 DESC LIMIT 20
