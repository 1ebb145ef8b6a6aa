-- What reading the server log needs: whether the server writes files, where,
-- how a stderr line starts, and the --since cut-off ($1 seconds ago, NULL for
-- none) written as the log writes times (log_timezone), and as an epoch for
-- log_line_prefix's %n.
SELECT current_setting('log_line_prefix') AS line_prefix,
       current_setting('log_destination') AS destination,
       current_setting('logging_collector')::bool AS collector,
       current_setting('log_directory') AS directory,
       to_char((now() - make_interval(secs => coalesce($1::float8, 0)))
                 AT TIME ZONE current_setting('log_timezone'),
               'YYYY-MM-DD HH24:MI:SS.MS') AS since_time,
       extract(epoch FROM now())::float8 - coalesce($1::float8, 0) AS since_epoch
