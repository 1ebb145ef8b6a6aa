-- grant/revoke --function: f(argtypes) or an unambiguous name, resolved on
-- the user's search_path: its schema, name and identity arguments (as the
-- server formats them, types quoted where needed); no row when there is none.
-- min-server: 130000
SELECT n.nspname::text AS schema, p.proname::text AS name,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.oid = CASE WHEN strpos($1::text, '(') > 0 THEN pg_catalog.to_regprocedure($1::text)::oid
                  ELSE pg_catalog.to_regproc($1::text)::oid END;
