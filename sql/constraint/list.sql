-- constraint list: the constraints of the current database's user tables
-- (or of table $1, oid; NULL: every table in schemas $2, text[], NULL: every
-- schema but the system ones): type, definition, whether validated (a NOT
-- VALID one is not yet checked against existing rows), deferrable, the index
-- behind it, the table a foreign key references.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       c.relname::text AS "table",
       k.conname::text AS name,
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check'
                      WHEN 'f' THEN 'foreign key' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not null'
                      WHEN 't' THEN 'trigger' ELSE k.contype::text END::text AS type,
       pg_catalog.pg_get_constraintdef(k.oid, true)::text AS definition,
       k.convalidated AS validated,
       k.condeferrable AS deferrable,
       ix.relname::text AS index,
       CASE WHEN k.contype = 'f' THEN pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.relname)
       END::text AS "references"
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class ix ON ix.oid = k.conindid AND k.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
WHERE CASE WHEN $1::oid IS NOT NULL THEN k.conrelid = $1::oid
           WHEN $2::text[] IS NOT NULL THEN n.nspname = ANY ($2::text[])
           ELSE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' END
ORDER BY 1, 2, CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'f' THEN 3 WHEN 'c' THEN 4 ELSE 5 END,
         3;
