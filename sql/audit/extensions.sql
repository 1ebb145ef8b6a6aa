-- audit: untrusted languages, extensions with known risks, foreign data
-- wrappers usable beyond superusers. Rows: id, object, finding.
-- PostgreSQL 13+.
SELECT 'PGDBA-SEC-081' AS id, l.lanname::text AS object,
       'untrusted language: its functions run with the server''s OS privileges' AS finding
FROM pg_catalog.pg_language l WHERE NOT l.lanpltrusted AND l.lanname NOT IN ('internal', 'c')
UNION ALL
SELECT 'PGDBA-SEC-082', e.extname::text, 'adminpack lets its users write and delete the server''s files'
FROM pg_catalog.pg_extension e WHERE e.extname = 'adminpack'
UNION ALL
SELECT 'PGDBA-SEC-083', e.extname::text, 'every role may open connections from the server (dblink_connect)'
FROM pg_catalog.pg_extension e
WHERE e.extname = 'dblink'
  AND EXISTS (SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_proc p ON p.oid = d.objid
              CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
              WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid
                AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
                AND p.proname = 'dblink_connect' AND a.grantee = 0 AND a.privilege_type = 'EXECUTE')
UNION ALL
SELECT 'PGDBA-SEC-084', w.fdwname::text,
       'USAGE granted to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.rolname) END ||
         ': may create foreign servers'
FROM pg_catalog.pg_foreign_data_wrapper w
CROSS JOIN LATERAL pg_catalog.aclexplode(w.fdwacl) a
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantee
WHERE w.fdwacl IS NOT NULL AND a.privilege_type = 'USAGE' AND a.grantee <> w.fdwowner
  AND NOT coalesce(g.rolsuper, false)
UNION ALL
SELECT 'PGDBA-SEC-085', e.extname::text,
       'installed in schema ' || pg_catalog.quote_ident(n.nspname) || ', where PUBLIC may create objects'
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE EXISTS (SELECT FROM pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
              WHERE a.grantee = 0 AND a.privilege_type = 'CREATE')
ORDER BY 1, 2
