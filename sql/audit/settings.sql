-- audit: server parameters (pg_settings). A parameter this server does not
-- have, or that the role may not see, gives no row here (the command tells
-- the two apart). Rows: id, object, finding. PostgreSQL 13+.
WITH s AS (SELECT s.name::text AS name, s.setting::text AS setting FROM pg_catalog.pg_settings s),
preload AS (
  SELECT bool_or(pg_catalog.btrim(l) = 'pgaudit') AS pgaudit
  FROM s CROSS JOIN LATERAL pg_catalog.regexp_split_to_table(s.setting, ',') l
  WHERE s.name = 'shared_preload_libraries'
)
SELECT 'PGDBA-SEC-004' AS id, name AS object,
       'passwords are stored as ' || setting || ' hashes, not SCRAM-SHA-256' AS finding
FROM s WHERE name = 'password_encryption' AND setting NOT IN ('scram-sha-256')
UNION ALL
SELECT 'PGDBA-SEC-016', name, 'ssl is off: connections and passwords travel unencrypted'
FROM s WHERE name = 'ssl' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-017', name, 'TLS versions older than 1.2 accepted (' || coalesce(nullif(setting, ''), 'any') || ')'
FROM s WHERE name = 'ssl_min_protocol_version' AND setting IN ('', 'TLSv1', 'TLSv1.1')
UNION ALL
SELECT 'PGDBA-SEC-018', name, 'the client chooses the SSL cipher'
FROM s WHERE name = 'ssl_prefer_server_ciphers' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-019', name, 'listening on every network interface (' || setting || ')'
FROM s WHERE name = 'listen_addresses'
  AND EXISTS (SELECT FROM pg_catalog.regexp_split_to_table(setting, ',') a
              WHERE pg_catalog.btrim(a) IN ('*', '0.0.0.0', '::'))
UNION ALL
SELECT 'PGDBA-SEC-020', name, 'a client may take ' || setting || 's to authenticate'
FROM s WHERE name = 'authentication_timeout' AND setting::int > 60
UNION ALL
SELECT 'PGDBA-SEC-021', name, 'no connection slot is kept for superusers'
FROM s WHERE name = 'superuser_reserved_connections' AND setting = '0'
UNION ALL
SELECT 'PGDBA-SEC-022', name, 'per-database user names are on'
FROM s WHERE name = 'db_user_namespace' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-038', name, 'fsync is off: a crash can corrupt the cluster'
FROM s WHERE name = 'fsync' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-039', name, 'full_page_writes is off: a crash can leave torn pages'
FROM s WHERE name = 'full_page_writes' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-040', name, 'the system catalogs may be modified directly'
FROM s WHERE name = 'allow_system_table_mods' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-041', name, 'damaged pages are silently zeroed, losing their rows'
FROM s WHERE name = 'zero_damaged_pages' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-042', name, 'checksum failures are ignored'
FROM s WHERE name = 'ignore_checksum_failure' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-043', name, 'system indexes are ignored'
FROM s WHERE name = 'ignore_system_indexes' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-044', name, 'data checksums are off: storage corruption goes unnoticed'
FROM s WHERE name = 'data_checksums' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-045', name, 'wal_level is minimal: no point-in-time recovery nor replication'
FROM s WHERE name = 'wal_level' AND setting = 'minimal'
UNION ALL
SELECT 'PGDBA-SEC-046', name, 'WAL is not archived'
FROM s WHERE name = 'archive_mode' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-047', name, 'synchronous_commit is off: committed transactions can be lost in a crash'
FROM s WHERE name = 'synchronous_commit' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-048', name, 'libraries are loaded from ' || setting
FROM s WHERE name = 'dynamic_library_path' AND setting <> '$libdir'
UNION ALL
SELECT 'PGDBA-SEC-049', name, 'large object permission checks are off'
FROM s WHERE name = 'lo_compat_privileges' AND setting = 'on'
UNION ALL
SELECT 'PGDBA-SEC-050', name, 'backslashes escape in ordinary string literals (SQL injection risk)'
FROM s WHERE name = 'standard_conforming_strings' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-051', name, 'sessions may stay idle in a transaction forever, holding locks'
FROM s WHERE name = 'idle_in_transaction_session_timeout' AND setting = '0'
UNION ALL
SELECT 'PGDBA-SEC-052', name, 'table and index activity is not counted'
FROM s WHERE name = 'track_counts' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-053', name, 'the statements sessions run are not tracked'
FROM s WHERE name = 'track_activities' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-054', name, 'logging_collector is off: the server log goes to stderr'
FROM s WHERE name = 'logging_collector' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-055', name, 'connections are not logged'
FROM s WHERE name = 'log_connections' AND setting IN ('off', '')
UNION ALL
SELECT 'PGDBA-SEC-056', name, 'disconnections are not logged'
FROM s WHERE name = 'log_disconnections' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-057', name, 'no statement is logged, not even DDL'
FROM s WHERE name = 'log_statement' AND setting = 'none'
UNION ALL
SELECT 'PGDBA-SEC-058', name, 'log lines do not name the user (%u)'
FROM s WHERE name = 'log_line_prefix' AND pg_catalog.strpos(setting, '%u') = 0
UNION ALL
SELECT 'PGDBA-SEC-059', name, 'log lines do not name the database (%d)'
FROM s WHERE name = 'log_line_prefix' AND pg_catalog.strpos(setting, '%d') = 0
UNION ALL
SELECT 'PGDBA-SEC-060', name, 'log files are created with mode ' || setting
FROM s WHERE name = 'log_file_mode' AND pg_catalog.right(setting, 2) <> '00'
UNION ALL
SELECT 'PGDBA-SEC-061', name, 'temporary files are not logged'
FROM s WHERE name = 'log_temp_files' AND setting = '-1'
UNION ALL
SELECT 'PGDBA-SEC-062', name, 'checkpoints are not logged'
FROM s WHERE name = 'log_checkpoints' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-063', name, 'long lock waits are not logged'
FROM s WHERE name = 'log_lock_waits' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-064', name, 'warnings are not logged (' || setting || ')'
FROM s WHERE name = 'log_min_messages' AND setting IN ('error', 'log', 'fatal', 'panic')
UNION ALL
SELECT 'PGDBA-SEC-065', name, 'statements that fail are not logged (' || setting || ')'
FROM s WHERE name = 'log_min_error_statement' AND setting IN ('log', 'fatal', 'panic')
UNION ALL
SELECT 'PGDBA-SEC-066', name, 'replication commands are not logged'
FROM s WHERE name = 'log_replication_commands' AND setting = 'off'
UNION ALL
SELECT 'PGDBA-SEC-067', pg_catalog.string_agg(name, ', ' ORDER BY name), 'parse trees or plans are written to the log'
FROM s WHERE name IN ('debug_print_parse', 'debug_print_rewritten', 'debug_print_plan') AND setting = 'on'
HAVING count(*) > 0
UNION ALL
SELECT 'PGDBA-SEC-068', 'shared_preload_libraries', 'pgaudit is not loaded: no session or object audit logging'
FROM preload WHERE NOT coalesce(pgaudit, false) AND EXISTS (SELECT FROM s WHERE name = 'shared_preload_libraries')
UNION ALL
SELECT 'PGDBA-SEC-069', s.name, 'pgaudit is loaded but logs nothing (' || coalesce(nullif(s.setting, ''), 'empty') || ')'
FROM preload JOIN s ON s.name = 'pgaudit.log'
WHERE preload.pgaudit AND pg_catalog.lower(s.setting) IN ('', 'none')
ORDER BY 1, 2
