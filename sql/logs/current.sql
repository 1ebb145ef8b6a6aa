-- min-server: 150000
-- The files the server writes to now, per destination (NULL when off).
SELECT pg_catalog.pg_current_logfile('stderr') AS stderr,
       pg_catalog.pg_current_logfile('csvlog') AS csvlog,
       pg_catalog.pg_current_logfile('jsonlog') AS jsonlog
