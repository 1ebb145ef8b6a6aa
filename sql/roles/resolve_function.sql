-- grant/revoke --function: f(argtypes) or an unambiguous name, resolved on
-- the user's search_path, as schema.name(identity arguments); no row when
-- there is none.
-- min-server: 130000
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' ||
       pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS qualified,
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.oid = CASE WHEN strpos($1::text, '(') > 0 THEN pg_catalog.to_regprocedure($1::text)::oid
                  ELSE pg_catalog.to_regproc($1::text)::oid END;
