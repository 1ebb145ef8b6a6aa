-- How to type result columns whose type pgdba does not know by OID (user
-- enums, ranges, composites, domains, and arrays of any of them or of less
-- common built-in types): for arrays the element type, for domains the base
-- type, and the category of the type found. PostgreSQL 13+.
-- min-server: 130000
SELECT t.oid::int8 AS oid,
       (t.typcategory = 'A') AS is_array,
       coalesce(nullif(r.typbasetype, 0), r.oid)::int8 AS resolved,
       coalesce(b.typcategory, r.typcategory)::text AS category
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_type r
  ON r.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem
                  WHEN t.typtype = 'd' THEN t.typbasetype
                  ELSE t.oid END
LEFT JOIN pg_catalog.pg_type b ON b.oid = nullif(r.typbasetype, 0)
WHERE t.oid = ANY ($1::pg_catalog.oid[])
