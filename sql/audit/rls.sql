-- audit: row-level security in this database: tables where it is on with
-- no policy, policies that do nothing, owners that bypass it, policies
-- that let everyone see every row. Rows: id, object, finding.
-- PostgreSQL 13+.
WITH t AS (
  SELECT c.oid, c.relrowsecurity, c.relforcerowsecurity,
         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS object,
         EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS has_policy
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
)
SELECT 'PGDBA-SEC-086' AS id, object,
       'row-level security is enabled but no policy exists: only the owner sees rows' AS finding
FROM t WHERE relrowsecurity AND NOT has_policy
UNION ALL
SELECT 'PGDBA-SEC-087', object, 'policies exist but row-level security is disabled: they do nothing'
FROM t WHERE NOT relrowsecurity AND has_policy
UNION ALL
SELECT 'PGDBA-SEC-088', object, 'row-level security is not forced: the owner bypasses the policies'
FROM t WHERE relrowsecurity AND NOT relforcerowsecurity AND has_policy
UNION ALL
SELECT 'PGDBA-SEC-089', t.object || ' policy ' || pg_catalog.quote_ident(p.polname),
       'permissive policy for PUBLIC with USING (true): every row is visible'
FROM t JOIN pg_catalog.pg_policy p ON p.polrelid = t.oid
WHERE t.relrowsecurity AND p.polpermissive AND p.polroles = '{0}'
  AND pg_catalog.pg_get_expr(p.polqual, p.polrelid) = 'true'
ORDER BY 1, 2
