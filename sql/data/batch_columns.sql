-- sql --batch: the columns of the INSERT's table $1 (as written) in order,
-- as INSERT without a column list fills them, each quoted for SQL, and
-- whether it is a GENERATED ALWAYS identity column (INSERT refuses a value
-- there, COPY would write it: no COPY for those).
SELECT a.attname::text AS name, pg_catalog.quote_ident(a.attname) AS quoted, a.attidentity = 'a' AS always_identity
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = pg_catalog.to_regclass($1::text) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
