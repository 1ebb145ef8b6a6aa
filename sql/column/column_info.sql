-- column verbs: column $2 (name) of table $1 (oid): type, nullability,
-- default; no row when the table has no such column.
-- min-server: 130000
SELECT pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid)::text AS "default"
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::oid AND a.attname = $2::text AND a.attnum > 0 AND NOT a.attisdropped;
