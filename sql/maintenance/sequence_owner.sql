-- sequence reset: sequences with what they need to be set from the column
-- they feed. $1 oid[] the sequences named (resolved on the user's
-- search_path), or NULL and $2 text a schema: its sequences owned by a column.
-- table_schema/table/column are NULL for a sequence no column owns.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       q.seqincrement::int8 AS increment,
       q.seqmin::int8 AS min,
       q.seqmax::int8 AS max,
       q.seqstart::int8 AS start,
       tn.nspname::text AS table_schema,
       t.relname::text AS "table",
       a.attname::text AS "column"
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence q ON q.seqrelid = c.oid
LEFT JOIN pg_catalog.pg_depend d
       ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE c.relkind = 'S'
  AND CASE WHEN $1::text[] IS NOT NULL
           THEN c.oid = ANY ($1::oid[])
           ELSE n.nspname = $2::text AND d.refobjid IS NOT NULL END
ORDER BY 1, 2;
