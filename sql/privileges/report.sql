-- privileges report: every privilege a role may use in the current database
-- and how it reaches it: granted to the role itself (or it owns the
-- object), to PUBLIC, or to a role it inherits from (the chain of
-- memberships), plus the default privileges future objects will get.
-- From 16 each membership says whether it is inherited
-- (pg_auth_members.inherit_option); report_130000.sql has the older rule.
-- A NULL acl means the built-in privileges (acldefault), PUBLIC's included.
-- $1 text: only this role (NULL: every role); $2 text: only this class of
-- object (database, schema, relation, function; NULL: all, default
-- privileges included); $3 oid: only this object (NULL: all).
-- min-server: 160000
WITH RECURSIVE
roles AS (
  SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls
  FROM pg_catalog.pg_roles r
  WHERE ($1::text IS NULL AND r.rolname !~ '^pg_') OR r.rolname = $1::text
),
chains AS (
  SELECT r.oid AS role, r.oid AS holder, ARRAY[]::text[] AS path
  FROM roles r
  UNION ALL
  SELECT c.role, m.roleid, c.path || g.rolname::text COLLATE "default"
  FROM chains c
  JOIN pg_catalog.pg_auth_members m ON m.member = c.holder AND m.inherit_option
  JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
  WHERE NOT g.rolname::text = ANY (c.path) AND pg_catalog.cardinality(c.path) < 16
),
objects AS (
  SELECT 'database'::text AS class, d.oid, 'database'::text AS object_type,
         pg_catalog.format('%I', d.datname) AS object, d.datdba AS owner,
         coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl,
         NULL::text AS rls, NULL::bool AS rls_forced, NULL::bool AS security_definer, NULL::text AS default_of
  FROM pg_catalog.pg_database d
  WHERE d.datname = pg_catalog.current_database()
  UNION ALL
  SELECT 'schema', n.oid, 'schema', pg_catalog.format('%I', n.nspname), n.nspowner,
         coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)),
         NULL, NULL, NULL, NULL
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT 'relation', c.oid,
         CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         pg_catalog.format('%I.%I', n.nspname, c.relname), c.relowner,
         coalesce(c.relacl, pg_catalog.acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char",
                                                                        c.relowner)),
         CASE WHEN c.relforcerowsecurity AND c.relrowsecurity THEN 'forced'
              WHEN c.relrowsecurity THEN 'enabled' END,
         c.relforcerowsecurity, NULL, NULL
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT 'relation', c.oid, 'column',
         pg_catalog.format('%I.%I.%I', n.nspname, c.relname, t.attname), c.relowner,
         t.attacl,
         CASE WHEN c.relforcerowsecurity AND c.relrowsecurity THEN 'forced'
              WHEN c.relrowsecurity THEN 'enabled' END,
         c.relforcerowsecurity, NULL, NULL
  FROM pg_catalog.pg_attribute t
  JOIN pg_catalog.pg_class c ON c.oid = t.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE t.attacl IS NOT NULL AND t.attnum > 0 AND NOT t.attisdropped
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT 'function', p.oid, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
         p.proowner,
         coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)),
         NULL, NULL, p.prosecdef, NULL
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  UNION ALL
  SELECT 'default', da.oid,
         'future ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                                            WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types'
                                            WHEN 'n' THEN 'schemas' ELSE 'objects' END
                   || coalesce(' in schema ' || pg_catalog.format('%I', n.nspname), ''),
         'created by ' || pg_catalog.format('%I', pg_catalog.pg_get_userbyid(da.defaclrole)), da.defaclrole,
         da.defaclacl,
         NULL, NULL, NULL, pg_catalog.pg_get_userbyid(da.defaclrole)::text
  FROM pg_catalog.pg_default_acl da
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace
),
wanted AS (
  SELECT x.class, x.oid, x.object_type, x.object, x.owner, x.rls, x.rls_forced, x.security_definer,
         x.default_of, a.grantor, a.grantee, a.privilege_type, a.is_grantable
  FROM objects x
  CROSS JOIN LATERAL pg_catalog.aclexplode(x.acl) a
  WHERE ($2::text IS NULL OR x.class = $2::text) AND ($3::oid IS NULL OR x.oid = $3::oid)
    AND NOT (x.class = 'default' AND (a.grantee = x.owner OR $2::text IS NOT NULL))
)
SELECT r.rolname::text AS role,
       x.object_type,
       x.object,
       x.privilege_type::text AS privilege,
       CASE WHEN x.default_of IS NOT NULL THEN 'default privileges of role ' || x.default_of
                 || CASE WHEN x.grantee = 0 THEN ', to PUBLIC'
                         WHEN pg_catalog.cardinality(c.path) > 0
                         THEN ', member of ' || pg_catalog.array_to_string(c.path, ' → ') ELSE '' END
            WHEN x.grantee = 0 THEN 'PUBLIC'
            WHEN pg_catalog.cardinality(c.path) = 0
            THEN CASE WHEN x.grantee = x.owner THEN 'owner' ELSE 'direct' END
            ELSE 'member of ' || pg_catalog.array_to_string(c.path, ' → ')
                 || CASE WHEN x.grantee = x.owner THEN ' (owner)' ELSE '' END
       END AS via,
       CASE WHEN x.grantor <> 0 THEN pg_catalog.pg_get_userbyid(x.grantor)::text END AS grantor,
       x.is_grantable AS grant_option,
       x.rls,
       CASE WHEN x.rls IS NOT NULL
            THEN r.rolsuper OR r.rolbypassrls
                 OR (NOT x.rls_forced AND EXISTS (SELECT 1 FROM chains o WHERE o.role = r.oid AND o.holder = x.owner))
       END AS rls_bypassed,
       x.security_definer
FROM wanted x
JOIN chains c ON x.grantee = c.holder OR (x.grantee = 0 AND c.holder = c.role)
JOIN roles r ON r.oid = c.role
UNION ALL
-- A superuser passes every check: one row for everything, or one for the
-- object asked about.
SELECT r.rolname::text, coalesce(x.object_type, 'everything'), coalesce(x.object, '*'), 'ALL', 'superuser',
       NULL, true, x.rls, CASE WHEN x.rls IS NOT NULL THEN true END, x.security_definer
FROM roles r
LEFT JOIN (SELECT DISTINCT class, object_type, object, rls, security_definer FROM wanted
           WHERE $3::oid IS NOT NULL AND class <> 'default') x ON true
WHERE r.rolsuper AND ($3::oid IS NULL OR x.object IS NOT NULL)
ORDER BY 1, 2, 3, 4, 5;
