-- function call: the routines a name (as SQL spells it: schema.name, quoted
-- or not) may mean on the user's search_path, or the one of signature $2,
-- with what a call needs: for each argument position of the call its type
-- (format_type, quoted as needed) and mode (i, b, v; o for a procedure's
-- OUT parameter, which CALL takes as NULL on PostgreSQL 14+).
--   $1 text: the name; $2 text: 'name(types)' for --signature, or NULL.
-- min-server: 130000
WITH parts AS (
  SELECT pg_catalog.parse_ident($1::text) AS p
), candidates AS (
  SELECT pr.oid
  FROM pg_catalog.pg_proc pr
  JOIN pg_catalog.pg_namespace n ON n.oid = pr.pronamespace, parts
  WHERE $2::text IS NULL
    AND pr.proname = parts.p[pg_catalog.array_length(parts.p, 1)]
    AND CASE WHEN pg_catalog.array_length(parts.p, 1) = 2 THEN n.nspname = parts.p[1]
             ELSE n.nspname = ANY (pg_catalog.current_schemas(true)) END
  UNION ALL
  SELECT pg_catalog.to_regprocedure($2::text)::oid WHERE $2::text IS NOT NULL
)
SELECT pr.oid::int8 AS oid,
       n.nspname::text AS schema,
       pr.proname::text AS name,
       pr.prokind::text AS kind,
       pr.pronargdefaults::int AS defaults,
       pr.proretset AS returns_set,
       pg_catalog.pg_get_function_identity_arguments(pr.oid)::text AS arguments,
       pg_catalog.array_to_string(ARRAY(
         SELECT pg_catalog.format_type(a.t, NULL)
         FROM ROWS FROM (pg_catalog.unnest(COALESCE(pr.proallargtypes, pr.proargtypes::oid[])),
                         pg_catalog.unnest(COALESCE(pr.proargmodes,
                                                    pg_catalog.array_fill('i'::"char", ARRAY[pr.pronargs::int]))))
              WITH ORDINALITY AS a(t, m, i)
         WHERE a.m IN ('i', 'b', 'v')
            OR (a.m = 'o' AND pr.prokind = 'p' AND pg_catalog.current_setting('server_version_num')::int >= 140000)
         ORDER BY a.i), E'\x1f')::text AS types,
       pg_catalog.array_to_string(ARRAY(
         SELECT a.m::text
         FROM ROWS FROM (pg_catalog.unnest(COALESCE(pr.proallargtypes, pr.proargtypes::oid[])),
                         pg_catalog.unnest(COALESCE(pr.proargmodes,
                                                    pg_catalog.array_fill('i'::"char", ARRAY[pr.pronargs::int]))))
              WITH ORDINALITY AS a(t, m, i)
         WHERE a.m IN ('i', 'b', 'v')
            OR (a.m = 'o' AND pr.prokind = 'p' AND pg_catalog.current_setting('server_version_num')::int >= 140000)
         ORDER BY a.i), '')::text AS modes
FROM candidates c
JOIN pg_catalog.pg_proc pr ON pr.oid = c.oid
JOIN pg_catalog.pg_namespace n ON n.oid = pr.pronamespace
ORDER BY pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname), pr.oid;
