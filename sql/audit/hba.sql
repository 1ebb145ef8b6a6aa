-- audit: pg_hba.conf as the server reads it from disk (pg_hba_file_rules,
-- superuser only). Columns common to 13..18 only (16 added rule_number and
-- file_name). Rows: id, object, finding. PostgreSQL 13+.
WITH h AS (
  SELECT 'pg_hba.conf line ' || r.line_number AS object, r.type, r.auth_method, r.address, r.netmask, r.error,
         r.type || ' ' || coalesce(pg_catalog.array_to_string(r.database, ','), '') || ' ' ||
         coalesce(pg_catalog.array_to_string(r.user_name, ','), '') ||
         coalesce(' ' || r.address, '') || coalesce('/' || r.netmask, '') || ' ' || coalesce(r.auth_method, '') AS rule,
         r.address IN ('127.0.0.1', '::1', 'localhost') AS loopback
  FROM pg_catalog.pg_hba_file_rules r
)
SELECT 'PGDBA-SEC-008' AS id, object, 'TCP connections without any authentication: ' || rule AS finding
FROM h WHERE auth_method = 'trust' AND type <> 'local'
UNION ALL
SELECT 'PGDBA-SEC-009', object, 'local socket connections without any authentication: ' || rule
FROM h WHERE auth_method = 'trust' AND type = 'local'
UNION ALL
SELECT 'PGDBA-SEC-010', object, 'password sent in clear text: ' || rule
FROM h WHERE auth_method = 'password'
UNION ALL
SELECT 'PGDBA-SEC-011', object, 'open to every address: ' || rule
FROM h WHERE type <> 'local' AND auth_method <> 'reject'
  AND (address = 'all' OR (address IN ('0.0.0.0', '::') AND netmask IN ('0.0.0.0', '::')))
UNION ALL
SELECT 'PGDBA-SEC-012', object, 'TCP connections allowed without SSL: ' || rule
FROM h WHERE type IN ('host', 'hostnossl') AND auth_method <> 'reject' AND NOT coalesce(loopback, false)
UNION ALL
SELECT 'PGDBA-SEC-013', object, 'md5 authentication: ' || rule
FROM h WHERE auth_method = 'md5'
UNION ALL
SELECT 'PGDBA-SEC-014', object, 'the server cannot read this rule: ' || error
FROM h WHERE error IS NOT NULL
UNION ALL
SELECT 'PGDBA-SEC-015', object, 'ident authentication over TCP trusts the client host: ' || rule
FROM h WHERE auth_method = 'ident' AND type <> 'local'
ORDER BY 1, 2
