-- check invalid-constraints: foreign key and check constraints of the
-- current database added NOT VALID and never validated: existing rows were
-- never checked against them.
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) || '.' ||
       pg_catalog.quote_ident(k.conname) AS object, 1::float8 AS value, NULL::float8 AS max,
       CASE k.contype WHEN 'f' THEN 'foreign key' ELSE 'check' END || ' not validated' AS detail
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT k.convalidated AND k.contype IN ('f', 'c')
