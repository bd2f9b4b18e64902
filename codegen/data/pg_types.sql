-- Every type of pg_catalog: its name, format_type() of it as a column without modifiers shows it, typtype (b base,
-- c composite, d domain, e enum, p pseudo, r range, m multirange), typcategory, and for array
-- types (those subscripted as arrays, including int2vector and oidvector) the element's name,
-- whether the type is the preferred one of its category (typispreferred), and for range and
-- multirange types the format_type() of their subtype.
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT t.typname,
       format_type(t.oid, -1),
       t.typtype,
       t.typcategory,
       coalesce(e.typname, ''),
       t.typispreferred,
       coalesce(format_type(r.rngsubtype, NULL), '')
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typsubscript = 'array_subscript_handler'::regproc
LEFT JOIN pg_range r ON t.oid IN (r.rngtypid, r.rngmultitypid)
WHERE n.nspname = 'pg_catalog'
ORDER BY 1;
