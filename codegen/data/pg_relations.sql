-- The columns of every relation of pg_catalog and information_schema (tables, views), as
-- queries and views see them: schema, relation, relkind, column, format_type() of its type,
-- and whether it is NOT NULL (always false for views, whose columns PostgreSQL does not mark).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
ORDER BY n.nspname, c.relname, a.attnum;
