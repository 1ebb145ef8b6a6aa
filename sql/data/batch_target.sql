-- sql --batch: how the INSERT's table $1 (as written) may be loaded, one row
-- per column in order (as INSERT without a column list fills them).
-- set_based: a multi-row INSERT (or COPY) keeps the per-row meaning. Not
-- with statement-level INSERT triggers (they would fire once per chunk),
-- triggers with transition tables (they would see the chunk) or rules
-- (they would rewrite the chunk): those keep the run row by row.
-- copy: COPY may load it: a table (COPY refuses row-level security).
-- always_identity: a GENERATED ALWAYS identity column, where INSERT refuses
-- a value and COPY would write it: no COPY into those.
SELECT NOT c.relhasrules
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                       WHERE t.tgrelid = c.oid
                         AND (((t.tgtype & 1) = 0 AND (t.tgtype & 4) <> 0) OR t.tgnewtable IS NOT NULL)) AS set_based,
       c.relkind IN ('r', 'p') AND NOT c.relrowsecurity AS copy,
       a.attname::text AS name,
       pg_catalog.quote_ident(a.attname) AS quoted,
       a.attidentity = 'a' AS always_identity
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid = pg_catalog.to_regclass($1::text)
ORDER BY a.attnum
