-- cancel/terminate: the sessions to signal, never our own. With $1 (pids)
-- the named sessions, each saying whether it matches the filters and
-- whether it is another pgdba's; without, the client backends that match
-- the filters and are not pgdba's. Filters (NULL = off): $2 state, $3
-- running at least this many seconds (active), $4 idle in transaction at
-- least this many seconds, $5 user, $6 database, $7 application_name, $8 a
-- regular expression the query matches (~), $9 only these pids (the root
-- blockers). $10: whether sessions whose application_name starts with
-- "pgdba" may be signalled. PostgreSQL 13+.
-- min-server: 130000
WITH now AS (SELECT pg_catalog.clock_timestamp() AS t),
sessions AS (
  SELECT a.pid::int4 AS pid,
         a.usename::text AS "user",
         a.datname::text AS database,
         a.application_name::text AS application,
         a.state::text AS state,
         extract(epoch FROM greatest(now.t, a.state_change) - a.state_change)::float8 AS state_duration,
         a.query::text AS query,
         a.backend_type,
         ($2::text IS NULL OR a.state = $2::text)
           AND ($3::float8 IS NULL
                OR (a.state = 'active' AND extract(epoch FROM now.t - a.query_start) >= $3::float8))
           AND ($4::float8 IS NULL
                OR (a.state IN ('idle in transaction', 'idle in transaction (aborted)')
                    AND extract(epoch FROM now.t - a.state_change) >= $4::float8))
           AND ($5::text IS NULL OR a.usename = $5::text)
           AND ($6::text IS NULL OR a.datname = $6::text)
           AND ($7::text IS NULL OR a.application_name = $7::text)
           AND ($8::text IS NULL OR a.query ~ $8::text)
           AND ($9::int4[] IS NULL OR a.pid = ANY ($9::int4[])) AS matches,
         (NOT $10::bool AND a.application_name LIKE 'pgdba%') AS pgdba
  FROM pg_catalog.pg_stat_activity a CROSS JOIN now
  WHERE a.pid <> pg_catalog.pg_backend_pid())
SELECT pid, "user", database, application, state, state_duration, query, matches, pgdba
FROM (SELECT pid, "user", database, application, state, state_duration, query, backend_type,
             coalesce(matches, false) AS matches, coalesce(pgdba, false) AS pgdba
      FROM sessions) s
WHERE CASE WHEN $1::int4[] IS NULL THEN backend_type = 'client backend' AND matches AND NOT pgdba
           ELSE pid = ANY ($1::int4[]) END
ORDER BY pid;
