-- privileges plan/export: the privileges granted in the current database
-- to the roles named in $1 (text[]) and to PUBLIC, on the objects
-- objects.sql lists; a NULL acl counts as the built-in one (acldefault),
-- so PUBLIC's CONNECT, TEMPORARY and EXECUTE show. The owner's own
-- privileges are left out: an owner is never granted or revoked to.
-- min-server: 130000
WITH o AS (
  SELECT 'database'::text AS kind, NULL::text AS schema, d.datname::text AS name, ''::text AS args, d.datdba AS owner,
         coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl
  FROM pg_catalog.pg_database d
  WHERE d.datname = pg_catalog.current_database()
  UNION ALL
  SELECT 'schema', NULL, n.nspname::text, '', n.nspowner, coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                    WHERE e.classid = 'pg_catalog.pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
  UNION ALL
  SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname::text, c.relname::text, '', c.relowner,
         coalesce(c.relacl, pg_catalog.acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                    WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
  UNION ALL
  SELECT 'function', n.nspname::text, p.proname::text, pg_catalog.oidvectortypes(p.proargtypes),
         p.proowner, coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                    WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
)
SELECT o.kind, o.schema, o.name, o.args,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END AS grantee,
       a.privilege_type::text AS privilege,
       a.is_grantable AS grant_option
FROM o
CROSS JOIN LATERAL pg_catalog.aclexplode(o.acl) a
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
WHERE a.grantee <> o.owner AND (a.grantee = 0 OR g.rolname = ANY ($1::text[]))
ORDER BY 1, 2, 3, 4, 5, 6;
