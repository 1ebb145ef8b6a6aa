-- column set-not-null: the valid CHECK constraints of table $1 (oid) that
-- prove column $2 (name) holds no NULL ("col IS NOT NULL"): with one,
-- SET NOT NULL skips its full scan (12+).
-- min-server: 130000
SELECT k.conname::text AS name
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attname = $2::text
WHERE k.conrelid = $1::oid AND k.contype = 'c' AND k.convalidated
  AND pg_catalog.pg_get_constraintdef(k.oid) = 'CHECK ((' || pg_catalog.quote_ident(a.attname) || ' IS NOT NULL))'
ORDER BY 1;
