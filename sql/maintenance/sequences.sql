-- sequence list: every sequence of the current database with how much of
-- its range is used and what owns it (an identity column, a serial's
-- OWNED BY column, or nothing).
--   $1 text[] only these schemas (NULL: all but the system ones).
-- last_value is NULL when the sequence was never used or the user may not
-- read it (pg_sequences hides it without USAGE or SELECT); pct_used then too.
-- min-server: 130000
SELECT s.schemaname::text AS schema,
       s.sequencename::text AS name,
       s.sequenceowner::text AS owner,
       pg_catalog.format_type(s.data_type, NULL) AS type,
       s.start_value::int8 AS start,
       s.increment_by::int8 AS increment,
       s.min_value::int8 AS min,
       s.max_value::int8 AS max,
       s.cycle,
       s.last_value::int8 AS last_value,
       round((CASE WHEN s.increment_by > 0
                   THEN (s.last_value::numeric - s.min_value) / nullif(s.max_value::numeric - s.min_value, 0)
                   ELSE (s.max_value::numeric - s.last_value) / nullif(s.max_value::numeric - s.min_value, 0)
              END * 100), 4)::float8 AS pct_used,
       CASE d.deptype WHEN 'i' THEN 'identity' WHEN 'a' THEN 'owned' ELSE 'standalone' END AS kind,
       CASE WHEN d.refobjid IS NOT NULL
            THEN pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.relname) || '.' ||
                 pg_catalog.quote_ident(a.attname) END AS owned_by
FROM pg_catalog.pg_sequences s
JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
LEFT JOIN pg_catalog.pg_depend d
       ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE ($1::text[] IS NULL AND s.schemaname NOT IN ('pg_catalog', 'information_schema')
       OR s.schemaname = ANY ($1::text[]))
ORDER BY pct_used DESC NULLS LAST, 1, 2;
