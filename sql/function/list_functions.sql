-- function list: functions, procedures, aggregates and window functions of
-- the user's schemas (or of schema $1), with their signatures.
--   $1 text: a schema, or NULL for every schema but the system ones.
-- min-server: 130000
SELECT n.nspname::text AS schema,
       p.proname::text AS name,
       pg_catalog.pg_get_function_identity_arguments(p.oid)::text AS arguments,
       CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_catalog.pg_get_function_result(p.oid) END::text AS result,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'window' END::text AS kind,
       l.lanname::text AS language,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END::text AS volatility,
       p.prosecdef AS security_definer,
       pg_catalog.pg_get_userbyid(p.proowner)::text AS owner,
       pg_catalog.obj_description(p.oid, 'pg_proc')::text AS comment
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE CASE WHEN $1::text IS NULL
           THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
           ELSE n.nspname = $1::text END
ORDER BY 1, 2, 3;
