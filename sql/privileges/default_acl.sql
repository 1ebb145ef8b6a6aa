-- privileges plan/export: the default privileges (ALTER DEFAULT
-- PRIVILEGES) of the current database given to the roles named in $1
-- (text[]), and with $3 true to PUBLIC: for which creating role, in which
-- schema (NULL: every schema), on which kind of object. What a role gives
-- itself is left out. For each role named in $2 (text[]) without a global
-- entry for functions, the built-in one (acldefault: PUBLIC may EXECUTE)
-- counts, so that PUBLIC's EXECUTE on future functions can be revoked.
-- min-server: 130000
WITH entries AS (
  SELECT d.defaclrole AS role, d.defaclnamespace AS nsp, d.defaclobjtype AS objtype, d.defaclacl AS acl
  FROM pg_catalog.pg_default_acl d
  UNION ALL
  SELECT r.oid, 0, 'f', pg_catalog.acldefault('f', r.oid)
  FROM pg_catalog.pg_roles r
  WHERE r.rolname = ANY ($2::text[])
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_default_acl d
                    WHERE d.defaclrole = r.oid AND d.defaclnamespace = 0 AND d.defaclobjtype = 'f')
)
SELECT pg_catalog.pg_get_userbyid(e.role)::text AS for_role,
       n.nspname::text AS schema,
       CASE e.objtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                      WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END AS kind,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE g.rolname::text END AS grantee,
       a.privilege_type::text AS privilege,
       a.is_grantable AS grant_option
FROM entries e
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.nsp
CROSS JOIN LATERAL pg_catalog.aclexplode(e.acl) a
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
WHERE a.grantee <> e.role AND (g.rolname = ANY ($1::text[]) OR (a.grantee = 0 AND $3::bool))
ORDER BY 1, 2 NULLS FIRST, 3, 4, 5;
