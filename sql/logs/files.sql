-- The log files, oldest first; the path is what pg_read_binary_file takes
-- (relative to the data directory unless log_directory is absolute).
-- recent: written to within the last $1 seconds (always, when $1 is NULL).
SELECT f.name,
       f.size,
       f.modification,
       current_setting('log_directory') || '/' || f.name AS path,
       $1::float8 IS NULL OR f.modification >= now() - make_interval(secs => $1::float8) AS recent
FROM pg_catalog.pg_ls_logdir() AS f
ORDER BY f.modification, f.name
