-- The indexes of table $1 (oid), valid or not: what index create compares
-- before and after a build to name the index it made or left invalid.
-- min-server: 130000
SELECT x.indexrelid::int8 AS oid, c.relname::text AS name, x.indisvalid AS valid
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
WHERE x.indrelid = $1::oid
ORDER BY 1;
