-- Every function of pg_catalog, one row per overload: name, kind (f function, a aggregate,
-- w window, p procedure), the input argument types (format_type(), comma-separated), the
-- element type of a VARIADIC last argument (or empty), the result type, whether it returns a
-- set, whether it is strict (NULL in, NULL out), its OUT columns as name:type;... (or empty),
-- and how many of its last input arguments have defaults (and may be left out).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT p.proname,
       p.prokind,
       array_to_string(ARRAY(SELECT format_type(u.t, NULL)
                               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, n)
                              ORDER BY u.n), ','),
       CASE WHEN p.provariadic <> 0 THEN format_type(p.provariadic, NULL) ELSE '' END,
       format_type(p.prorettype, NULL),
       p.proretset,
       p.proisstrict,
       coalesce((SELECT string_agg(u.n || ':' || format_type(u.t, NULL), ';' ORDER BY u.i)
                   FROM unnest(p.proallargtypes, p.proargmodes, p.proargnames) WITH ORDINALITY u(t, m, n, i)
                  WHERE u.m IN ('o', 'b', 't')), ''),
       p.pronargdefaults
FROM pg_proc p
WHERE p.pronamespace = 'pg_catalog'::regnamespace
ORDER BY 1, 3, 4;
