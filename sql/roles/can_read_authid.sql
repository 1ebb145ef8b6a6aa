-- role list: whether this role may read pg_authid (the password columns).
-- min-server: 130000
SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS can;
