-- privileges plan: which of the databases named in $1 (text[]) do not exist.
-- min-server: 130000
SELECT n AS name
FROM pg_catalog.unnest($1::text[]) AS n
WHERE n NOT IN (SELECT d.datname::text FROM pg_catalog.pg_database d)
ORDER BY 1;
