-- role settings [ROLE]: the settings ALTER ROLE ... SET gave, per role and
-- database (NULL: every database). $1 text: one role, or NULL for all.
-- min-server: 130000
SELECT r.rolname::text AS role,
       d.datname::text AS database,
       split_part(c.setting, '=', 1) AS name,
       substr(c.setting, strpos(c.setting, '=') + 1) AS value
FROM pg_catalog.pg_db_role_setting s
JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
CROSS JOIN LATERAL unnest(s.setconfig) AS c(setting)
WHERE $1::text IS NULL OR r.rolname = $1::text
ORDER BY 1, 2 NULLS FIRST, 3;
