-- table describe and constraint list: the constraints of relation $1 (oid):
-- primary key, unique, check, foreign key, exclusion (and NOT NULL on 18+,
-- where it is a constraint too), with definition, whether validated (a
-- NOT VALID one is not), deferrable, the index behind it, and for a foreign
-- key the table it references.
-- min-server: 130000
SELECT k.conname::text AS name,
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check'
                      WHEN 'f' THEN 'foreign key' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not null'
                      WHEN 't' THEN 'trigger' ELSE k.contype::text END::text AS type,
       pg_catalog.pg_get_constraintdef(k.oid, true)::text AS definition,
       k.convalidated AS validated,
       k.condeferrable AS deferrable,
       k.condeferred AS initially_deferred,
       ix.relname::text AS index,
       CASE WHEN k.contype = 'f' THEN pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.relname)
       END::text AS "references",
       (k.conparentid <> 0) AS inherited
FROM pg_catalog.pg_constraint k
LEFT JOIN pg_catalog.pg_class ix ON ix.oid = k.conindid AND k.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
WHERE k.conrelid = $1::oid
ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'f' THEN 3 WHEN 'c' THEN 4 ELSE 5 END,
         k.conname;
