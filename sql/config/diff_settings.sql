-- config diff: every parameter of one server, its value as SHOW writes it
-- and where it comes from, to compare across servers. The paths of the
-- instance's own files are left out: they differ between any two servers
-- and say nothing about how they are configured. Every supported server.
SELECT p.name::text AS name,
       pg_catalog.current_setting(p.name) AS value,
       p.source::text AS source
FROM pg_catalog.pg_settings p
WHERE p.name NOT IN ('data_directory', 'config_file', 'hba_file', 'ident_file', 'external_pid_file')
ORDER BY p.name;
