-- backup restore: whether a database holds anything of its users (relations,
-- functions, types or schemas outside the system ones, large objects), so
-- that a restore never mixes into one without --clean. PostgreSQL 13+.
-- min-server: 130000
SELECT ((SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_')
      + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc p
           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))
      + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_namespace n
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
            AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_')
      + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata))::int8 AS objects
