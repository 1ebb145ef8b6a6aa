-- config show: the server's parameters from pg_settings, each with its value
-- as SHOW writes it, the raw setting and unit, the size in bytes or the
-- duration in seconds where it is one (NULL for -1 and the like, which mean
-- "off" or "use another setting"), where the value comes from (file:line
-- only for superusers and pg_read_all_settings), whether a restart is
-- pending, the context (what it takes to change it) and the description.
-- $1 changed only (source not default/override, nor client: what pgdba's
-- own connection sets, DateStyle and the like, is no change on the server), $2 pending restart only,
-- $3 category (a part of it, any case), $4 source (any case). Every
-- supported server (pg_settings has had these columns since 9.5).
WITH s AS (
  SELECT p.*,
         substring(p.unit FROM '[A-Za-z]+$') AS base_unit,
         coalesce(nullif(substring(p.unit FROM '^[0-9]+'), '')::numeric, 1) AS unit_count
  FROM pg_catalog.pg_settings p
)
SELECT s.name::text AS name,
       pg_catalog.current_setting(s.name) AS value,
       s.setting::text AS setting,
       s.unit::text AS unit,
       CASE WHEN s.vartype IN ('integer', 'real') THEN
         CASE WHEN s.setting::float8 >= 0 THEN
           (s.setting::numeric * s.unit_count
              * CASE s.base_unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576
                                 WHEN 'GB' THEN 1073741824 WHEN 'TB' THEN 1099511627776 END)::int8
         END
       END AS bytes,
       CASE WHEN s.vartype IN ('integer', 'real') THEN
         CASE WHEN s.setting::float8 >= 0 THEN
           (s.setting::numeric * s.unit_count
              * CASE s.base_unit WHEN 'us' THEN 0.000001 WHEN 'ms' THEN 0.001 WHEN 's' THEN 1 WHEN 'min' THEN 60
                                 WHEN 'h' THEN 3600 WHEN 'd' THEN 86400 END)::float8
         END
       END AS seconds,
       s.source::text AS source,
       CASE WHEN s.sourcefile IS NOT NULL THEN s.sourcefile || ':' || s.sourceline END AS location,
       s.context::text AS context,
       s.pending_restart AS pending_restart,
       s.category::text AS category,
       s.short_desc::text AS description
FROM s
WHERE ($1::bool IS NOT TRUE OR s.source NOT IN ('default', 'override', 'client'))
  AND ($2::bool IS NOT TRUE OR s.pending_restart)
  AND ($3::text IS NULL OR pg_catalog.strpos(lower(s.category), lower($3::text)) > 0)
  AND ($4::text IS NULL OR lower(s.source) = lower($4::text))
ORDER BY s.name;
