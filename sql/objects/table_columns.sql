-- table describe, columns (PostgreSQL 14+, with compression): the columns of
-- relation $1 (oid) as psql's \d+ shows them: type with modifiers,
-- collation (when not the type's default), nullability, default, identity
-- (always / by default), generated expression, storage, compression,
-- statistics target, comment.
-- min-server: 140000
SELECT a.attnum::int4 AS position,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END::text AS collation,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END::text AS "default",
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END::text AS identity,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END::text AS generated,
       CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main'
                         WHEN 'x' THEN 'extended' END::text AS storage,
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END::text AS compression,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END::int4 AS stats_target,
       pg_catalog.col_description(a.attrelid, a.attnum)::text AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;
