-- table describe: the row security policies of relation $1 (oid): name,
-- permissive or restrictive, command, roles, USING and WITH CHECK
-- expressions.
-- min-server: 130000
SELECT p.polname::text AS name,
       CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END::text AS kind,
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE'
                     ELSE 'ALL' END::text AS command,
       CASE WHEN p.polroles = '{0}' THEN ARRAY['public']
            ELSE ARRAY(SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.oid = ANY (p.polroles)
                       ORDER BY r.rolname) END::text[] AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid)::text AS "using",
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)::text AS with_check
FROM pg_catalog.pg_policy p
WHERE p.polrelid = $1::oid
ORDER BY 1;
