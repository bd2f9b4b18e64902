-- The result type of every pg_catalog function whose overloads all return one concrete type:
-- name, format_type() of the result, strict (NULL in -> NULL out), set-returning.
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT proname,
       format_type(min(prorettype::int)::oid, NULL),
       bool_and(proisstrict),
       bool_or(proretset)
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pg_catalog'
GROUP BY proname
HAVING count(DISTINCT prorettype) = 1
   AND bool_and(proretset) = bool_or(proretset)
   AND min(prorettype::int)::oid NOT IN (SELECT oid FROM pg_type WHERE typtype = 'p')
ORDER BY proname;
