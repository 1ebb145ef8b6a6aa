-- cancel: cancels the running query of the session $1; false when no such
-- session exists (any more). PostgreSQL 13+.
-- mutates
-- min-server: 130000
SELECT pg_catalog.pg_cancel_backend($1::int4) AS signalled;
