-- audit: functions in user schemas (not those of extensions): SECURITY
-- DEFINER functions and what PUBLIC may execute, and the server-file
-- functions of pg_catalog granted beyond superusers. Rows: id, object,
-- finding. PostgreSQL 13+.
WITH f AS (
  SELECT p.oid, p.proname, n.nspname::text AS nspname, p.prosecdef, p.proconfig, p.proowner,
         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' ||
           pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS object,
         EXISTS (SELECT FROM pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                 WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_exec
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
)
SELECT 'PGDBA-SEC-075' AS id, object, 'SECURITY DEFINER function every role may execute' AS finding
FROM f WHERE prosecdef AND public_exec
UNION ALL
SELECT 'PGDBA-SEC-076', pg_catalog.quote_ident(nspname),
       count(*) || ' function(s) every role may execute (PUBLIC keeps EXECUTE by default)'
FROM f WHERE NOT prosecdef AND public_exec GROUP BY nspname
UNION ALL
SELECT 'PGDBA-SEC-077', object, 'SECURITY DEFINER function without a fixed search_path'
FROM f WHERE prosecdef
  AND NOT EXISTS (SELECT FROM pg_catalog.unnest(f.proconfig) c WHERE c LIKE 'search\_path=%')
UNION ALL
SELECT 'PGDBA-SEC-078', object, 'SECURITY DEFINER function owned by superuser ' || r.rolname
FROM f JOIN pg_catalog.pg_roles r ON r.oid = f.proowner WHERE prosecdef AND r.rolsuper
UNION ALL
SELECT 'PGDBA-SEC-079', object,
       'SECURITY DEFINER function whose search_path has schema ' || pg_catalog.quote_ident(n.nspname) ||
         ', where PUBLIC may create objects'
FROM f
CROSS JOIN LATERAL pg_catalog.unnest(f.proconfig) c
CROSS JOIN LATERAL pg_catalog.regexp_split_to_table(pg_catalog.substr(c, 13), ',') e
JOIN pg_catalog.pg_namespace n ON n.nspname = pg_catalog.btrim(pg_catalog.btrim(e), '"')
WHERE f.prosecdef AND c LIKE 'search\_path=%'
  AND EXISTS (SELECT FROM pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'CREATE')
UNION ALL
SELECT 'PGDBA-SEC-080',
       'pg_catalog.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       'EXECUTE granted to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.rolname) END
FROM pg_catalog.pg_proc p
CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) a
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proacl IS NOT NULL
  AND p.proname IN ('pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export',
                    'pg_file_write', 'pg_file_rename', 'pg_file_unlink')
  AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner AND NOT coalesce(g.rolsuper, false)
ORDER BY 1, 2
