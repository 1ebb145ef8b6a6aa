-- min-server: 130000
-- max-server: 149999
-- The files the server writes to now, per destination (NULL when off);
-- jsonlog came in 15, and asking 13 or 14 for it is an error.
SELECT pg_catalog.pg_current_logfile('stderr') AS stderr,
       pg_catalog.pg_current_logfile('csvlog') AS csvlog,
       NULL::text AS jsonlog
