-- schema diff: every object of the user's schemas as (kind, object,
-- attribute, value) rows; two databases are compared row by row. Objects
-- are named as SQL quotes them, schema-qualified; each has an "exists" row
-- so one missing on a side is one difference. Objects that belong to an
-- extension are left to the extension's own row (its version). Long
-- definitions (view queries, function bodies) are compared by md5.
-- parent: the relation a column, index, constraint, trigger or policy
-- belongs to (a relation missing on one side is one difference, not one
-- per column).
-- $1: the schemas to compare (text[]), NULL for every non-system schema.
-- min-server: 130000
WITH ns AS (
  SELECT n.oid, n.nspname
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
    AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
),
rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relispartition, ns.nspname,
         pg_catalog.format('%I.%I', ns.nspname, c.relname) AS qname
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
),
fn AS (
  SELECT p.oid, p.prokind, p.prosrc, p.prosecdef, p.provolatile, p.proconfig, l.lanname,
         pg_catalog.format('%I.%I(%s)', ns.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS qname
  FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
)
SELECT 'schema' AS kind, pg_catalog.quote_ident(ns.nspname) AS object, 'exists' AS attribute, 'yes' AS value,
       NULL::text AS parent FROM ns
UNION ALL
SELECT 'extension', pg_catalog.quote_ident(e.extname), 'version', e.extversion, NULL FROM pg_catalog.pg_extension e
UNION ALL
SELECT 'extension', pg_catalog.quote_ident(e.extname), 'exists', 'yes', NULL FROM pg_catalog.pg_extension e
UNION ALL
SELECT 'relation', rel.qname, 'exists', 'yes', NULL FROM rel
UNION ALL
SELECT 'relation', rel.qname, 'kind',
       CASE rel.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                        WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'sequence' END
         || CASE rel.relpersistence WHEN 'u' THEN ' (unlogged)' ELSE '' END,
       NULL
FROM rel
UNION ALL
SELECT 'relation', rel.qname, 'partition of',
       (SELECT pg_catalog.format('%I.%I', pn.nspname, pc.relname) || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid)
        FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
        JOIN pg_catalog.pg_class c ON c.oid = rel.oid
        WHERE i.inhrelid = rel.oid LIMIT 1),
       NULL
FROM rel WHERE rel.relispartition
UNION ALL
SELECT 'relation', rel.qname, 'query (md5)', pg_catalog.md5(pg_catalog.pg_get_viewdef(rel.oid)), NULL
FROM rel WHERE rel.relkind IN ('v', 'm')
UNION ALL
SELECT 'column', rel.qname || '.' || pg_catalog.quote_ident(a.attname), x.attribute, x.value, rel.qname
FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
CROSS JOIN LATERAL (VALUES
  ('exists', 'yes'),
  ('type', pg_catalog.format_type(a.atttypid, a.atttypmod)),
  ('not null', CASE WHEN a.attnotnull THEN 'yes' ELSE 'no' END),
  ('default', CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END),
  ('generated', CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END),
  ('identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END),
  ('collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> (SELECT t.typcollation FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid)
                     THEN (SELECT co.collname::text FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation) END)
) AS x(attribute, value)
WHERE rel.relkind <> 'S' AND x.value IS NOT NULL
UNION ALL
SELECT 'index', pg_catalog.format('%I.%I', rel.nspname, ic.relname), x.attribute, x.value, rel.qname
FROM rel JOIN pg_catalog.pg_index i ON i.indrelid = rel.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
CROSS JOIN LATERAL (VALUES ('exists', 'yes'), ('definition', pg_catalog.pg_get_indexdef(i.indexrelid)),
                           ('valid', CASE WHEN i.indisvalid THEN 'yes' ELSE 'no' END)) AS x(attribute, value)
UNION ALL
SELECT 'constraint', rel.qname || '.' || pg_catalog.quote_ident(co.conname), x.attribute, x.value, rel.qname
FROM rel JOIN pg_catalog.pg_constraint co ON co.conrelid = rel.oid AND co.contype <> 'n'  -- 18's NOT NULL: the column says it
-- (a constraint not yet validated says NOT VALID in its definition)
CROSS JOIN LATERAL (VALUES ('exists', 'yes'), ('definition', pg_catalog.pg_get_constraintdef(co.oid))) AS x(attribute, value)
UNION ALL
SELECT 'trigger', rel.qname || '.' || pg_catalog.quote_ident(t.tgname), x.attribute, x.value, rel.qname
FROM rel JOIN pg_catalog.pg_trigger t ON t.tgrelid = rel.oid AND NOT t.tgisinternal
CROSS JOIN LATERAL (VALUES ('exists', 'yes'), ('definition', pg_catalog.pg_get_triggerdef(t.oid)),
                           ('enabled', t.tgenabled::text)) AS x(attribute, value)
UNION ALL
SELECT 'policy', rel.qname || '.' || pg_catalog.quote_ident(po.polname), x.attribute, x.value, rel.qname
FROM rel JOIN pg_catalog.pg_policy po ON po.polrelid = rel.oid
CROSS JOIN LATERAL (VALUES ('exists', 'yes'),
                           ('using', pg_catalog.pg_get_expr(po.polqual, po.polrelid)),
                           ('with check', pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))) AS x(attribute, value)
WHERE x.value IS NOT NULL
UNION ALL
SELECT CASE fn.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'function' END,
       fn.qname, x.attribute, x.value, NULL
FROM fn
CROSS JOIN LATERAL (VALUES
  ('exists', 'yes'),
  ('returns', pg_catalog.pg_get_function_result(fn.oid)),
  ('language', fn.lanname::text),
  ('volatility', CASE fn.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END),
  ('security definer', CASE WHEN fn.prosecdef THEN 'yes' ELSE 'no' END),
  ('settings', pg_catalog.array_to_string(fn.proconfig, ', ')),
  ('source (md5)', pg_catalog.md5(fn.prosrc))
) AS x(attribute, value)
WHERE x.value IS NOT NULL
ORDER BY 1, 2, 3;
