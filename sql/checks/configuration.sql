-- check configuration: settings that put data at risk when set this way.
SELECT name AS object, 1::float8 AS value, NULL::float8 AS max,
       name || ' = ' || setting || ': ' ||
       CASE WHEN name IN ('fsync', 'full_page_writes') THEN 'a crash can corrupt data'
            WHEN name = 'zero_damaged_pages' THEN 'damaged pages are silently zeroed'
            WHEN name = 'ignore_checksum_failure' THEN 'checksum failures are ignored'
            WHEN name = 'allow_system_table_mods' THEN 'system catalogs may be altered'
            ELSE 'system indexes are ignored' END AS detail
FROM pg_catalog.pg_settings
WHERE (name IN ('fsync', 'full_page_writes') AND setting = 'off')
   OR (name IN ('zero_damaged_pages', 'ignore_checksum_failure', 'allow_system_table_mods', 'ignore_system_indexes')
       AND setting = 'on')
