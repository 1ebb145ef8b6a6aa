-- check hba-trust: pg_hba.conf rules that let TCP clients in without any
-- authentication (trust): 1 when only the loopback address may use it, 2
-- for any other address. Needs superuser.
SELECT 'line ' || line_number AS object,
       CASE WHEN address IN ('127.0.0.1', '::1', 'localhost') THEN 1 ELSE 2 END::float8 AS value, NULL::float8 AS max,
       type || ' ' || pg_catalog.array_to_string(database, ',') || ' ' || pg_catalog.array_to_string(user_name, ',') ||
       ' ' || coalesce(address, '') || ' trust' AS detail
FROM pg_catalog.pg_hba_file_rules WHERE auth_method = 'trust' AND type <> 'local' AND error IS NULL
