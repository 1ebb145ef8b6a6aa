-- privileges plan/export: the default privileges (ALTER DEFAULT
-- PRIVILEGES) of the current database given to the roles named in $1
-- (text[]): for which creating role, in which schema (NULL: every schema),
-- on which kind of object. What a role gives itself is left out.
-- min-server: 130000
SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS for_role,
       n.nspname::text AS schema,
       CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                            WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END AS kind,
       g.rolname::text AS grantee,
       a.privilege_type::text AS privilege,
       a.is_grantable AS grant_option
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a
JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
WHERE a.grantee <> d.defaclrole AND g.rolname = ANY ($1::text[])
ORDER BY 1, 2 NULLS FIRST, 3, 4, 5;
