-- Which ALTER statements PostgreSQL takes on which kind of relation: each statement form
-- (`ALTER TABLE`, `ALTER VIEW`, ..., and the action) is tried on one relation of every kind, in a
-- subtransaction that is rolled back, in a scratch database. Output: the form as written, the
-- action, the relation's relkind (r table, p partitioned table, v view, m materialized view,
-- S sequence, i index, f foreign table), and `ok` or the SQLSTATE it failed with (42809 is
-- wrong_object_type: the form does not take that kind).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
CREATE SCHEMA elsewhere;
CREATE TABLE t (a int, b int);
CREATE TABLE p (a int, b int) PARTITION BY LIST (a);
CREATE VIEW v AS SELECT 1 AS a, 2 AS b;
CREATE MATERIALIZED VIEW m AS SELECT 1 AS a, 2 AS b;
CREATE SEQUENCE s;
CREATE INDEX i ON t (a);
CREATE FOREIGN DATA WRAPPER stagely_fdw;
CREATE SERVER stagely_server FOREIGN DATA WRAPPER stagely_fdw;
CREATE FOREIGN TABLE f (a int, b int) SERVER stagely_server;
SET client_min_messages = warning;
CREATE TEMP TABLE results (form text, action text, relkind text, outcome text);
DO $$
DECLARE
    form text;
    action text[];
    target record;
    column_name text;
    outcome text;
    done boolean;
BEGIN
    FOREACH form IN ARRAY ARRAY['TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE', 'INDEX', 'FOREIGN TABLE'] LOOP
        FOR target IN SELECT c.relname, c.relkind::text AS relkind FROM pg_class c
                      WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN ('t', 'p', 'v', 'm', 's', 'i', 'f') LOOP
            -- A column every kind has: sequences have last_value, indexes their key's name.
            column_name := CASE target.relkind WHEN 'S' THEN 'last_value' ELSE 'a' END;
            FOREACH action SLICE 1 IN ARRAY ARRAY[
                ['rename', 'RENAME TO %s_renamed'], ['set_schema', 'SET SCHEMA elsewhere'],
                ['owner', 'OWNER TO CURRENT_USER'], ['rename_column', 'RENAME COLUMN %c TO renamed'],
                ['rename_constraint', 'RENAME CONSTRAINT nope TO nope2'],
                ['set_default', 'ALTER COLUMN %c SET DEFAULT 1'], ['drop_default', 'ALTER COLUMN %c DROP DEFAULT'],
                ['add_column', 'ADD COLUMN added int'], ['drop_column', 'DROP COLUMN %c'],
                ['set_type', 'ALTER COLUMN %c TYPE bigint'], ['set_not_null', 'ALTER COLUMN %c SET NOT NULL'],
                ['drop_not_null', 'ALTER COLUMN %c DROP NOT NULL'],
                ['add_constraint', 'ADD CONSTRAINT added CHECK (true)'],
                ['drop_constraint', 'DROP CONSTRAINT IF EXISTS nope'],
                ['set_statistics', 'ALTER COLUMN %c SET STATISTICS 100'],
                ['column_options', 'ALTER COLUMN %c SET (n_distinct = 1)'],
                ['set_storage', 'ALTER COLUMN %c SET STORAGE PLAIN'],
                ['set_options', 'SET (fillfactor = 90)'], ['reset_options', 'RESET (fillfactor)'],
                ['set_tablespace', 'SET TABLESPACE pg_default'], ['cluster_on', 'CLUSTER ON i'],
                ['set_without_cluster', 'SET WITHOUT CLUSTER'], ['row_security', 'ENABLE ROW LEVEL SECURITY'],
                ['enable_trigger', 'ENABLE TRIGGER ALL'], ['set_logged', 'SET LOGGED'],
                ['set_unlogged', 'SET UNLOGGED'], ['replica_identity', 'REPLICA IDENTITY FULL'],
                ['owned_by', 'OWNED BY NONE'], ['restart', 'RESTART'], ['increment', 'INCREMENT BY 2']] LOOP
                done := false;
                BEGIN
                    EXECUTE format('ALTER %s %I %s', form, target.relname,
                                   replace(replace(action[2], '%s', target.relname), '%c', column_name));
                    done := true;
                    RAISE EXCEPTION 'undo' USING ERRCODE = 'P0001';
                EXCEPTION WHEN OTHERS THEN
                    outcome := CASE WHEN done THEN 'ok' ELSE SQLSTATE END;
                END;
                INSERT INTO results VALUES (form, action[1], target.relkind, outcome);
            END LOOP;
        END LOOP;
    END LOOP;
END $$;
SELECT form, action, relkind, outcome FROM results ORDER BY 1, 2, 3;
