-- audit: what the connected role may read, so that a control it cannot
-- judge becomes a finding of its own instead of an error. PostgreSQL 13+.
SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS authid,
       (pg_catalog.has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT') AND
        pg_catalog.has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE')) AS hba,
       (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) OR
        pg_catalog.pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS settings,
       pg_catalog.current_database()::text AS database
