//! Cases the differential tester found (`make difftest`), each shrunk to what it needs and
//! named for the rule it pins. Each must still be a case PostgreSQL applies in full, and the
//! generator must agree with PostgreSQL on it.

use stagely_difftest::case::{Written, replay};
use stagely_difftest::oracle::Oracle;

/// Applies `case` to a scratch database and asserts no disagreement.
async fn agrees(case: Written) {
    let url = stagely_testdb::server_url().expect("a PostgreSQL server for the tests");
    let mut oracle = Oracle::connect(&url).await.expect("a scratch database");
    let outcome = replay(&mut oracle, &case).await.expect("the case runs");
    oracle.close().await.expect("the scratch database is dropped");
    assert_eq!(
        outcome.written.history, case.history,
        "PostgreSQL rejected a statement of the case, so it no longer tests what it did"
    );
    assert!(outcome.disagreements.is_empty(), "{:#?}", outcome.disagreements);
}

/// Found by `make difftest SEED=1` (case 8): a parameter cast inside `CASE WHEN` (in
/// `RETURNING`) was never visited, so its type was "not determined". Pins: every part of a
/// `CASE`, and of `FILTER`, `OVER` and `x IN (SELECT ...)`, is typed.
#[tokio::test]
async fn parameters_are_typed_wherever_they_are_cast() {
    agrees(Written::new(
        &["CREATE TABLE t3 (c5 integer NOT NULL, c6 integer)"],
        &["INSERT INTO t3 VALUES (1, NULL), (2, 3)"],
        &[
            "-- name: Q1 :many\nUPDATE t3 SET c5 = 1 RETURNING greatest(c5, CASE WHEN $1::boolean THEN c6 END) AS r1;\n",
            "-- name: Q2 :many\nSELECT lag($1::date) OVER (PARTITION BY $2::bytea) FROM t3;\n",
            "-- name: Q3 :many\nSELECT count(*) FILTER (WHERE c5 > $1::integer) FROM t3;\n",
            "-- name: Q4 :many\nSELECT 1 AS one FROM t3 WHERE cardinality($1::integer[]) IN (SELECT c5 FROM t3);\n",
            "-- name: Q5 :many\nSELECT c5 FROM t3 WHERE $1 IN (SELECT c6 FROM t3);\n",
        ],
    ))
    .await;
}

/// Found by `make difftest SEED=1` (case 8): `UPDATE ... FROM` the same table `RETURNING *`
/// returns two columns of each name, which PostgreSQL allows. Pins: duplicate result column
/// names are typed (the row is read by position).
#[tokio::test]
async fn result_columns_may_share_a_name() {
    agrees(Written::new(
        &["CREATE TABLE t1 (id integer PRIMARY KEY, c2 text)"],
        &["INSERT INTO t1 VALUES (1, 'a')"],
        &[
            "-- name: Q1 :many\nUPDATE t1 SET c2 = $1 FROM t1 q1 WHERE q1.id = t1.id RETURNING *;\n",
            "-- name: Q2 :many\nSELECT 1 + 1, 2 + 2 FROM t1;\n",
        ],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (case 41): a scalar subquery's column is named after the
/// subquery's own column (`text` for `(SELECT NULL::text ...)`), not `?column?`, so the view
/// had no duplicate names. Pins: PostgreSQL's names for sublinks (`exists`, `array`, the
/// subquery's column).
#[tokio::test]
async fn subqueries_are_named_as_postgresql_names_them() {
    agrees(Written::new(
        &[
            "CREATE TABLE t1 (created_at integer, name inet)",
            "CREATE VIEW v4 AS SELECT (SELECT NULL::text FROM t1 q3 LIMIT 1), (t1.created_at + 1), EXISTS (SELECT 1 FROM t1 q4), ARRAY(SELECT 1) FROM t1",
        ],
        &[],
        &[],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (cases 4, 8, 9, 26, 41): PostgreSQL stores a typed
/// constant as its value and prints it through the type's output function (`'[1, 10)'` as
/// `'[1,10)'`, `2e3` as `'2000'`, `'2 hours'` as `'02:00:00'`, a tsvector sorted). Pins:
/// verify compares constants as the server prints them.
#[tokio::test]
async fn typed_constants_compare_as_the_server_prints_them() {
    agrees(Written::new(
        &[
            "CREATE TABLE t1 (a int4range DEFAULT CAST('[1, 10)' AS int4range), b double precision DEFAULT CAST(2e3::float8 AS double precision), c interval DEFAULT INTERVAL '2 hours', d tsvector DEFAULT CAST('a fat cat' AS tsvector), e inet DEFAULT CAST('10.0.0.1' AS inet))",
            "CREATE TABLE t2 (j jsonb, CHECK (('{\"k\": 1, \"a\": [1, 2]}'::jsonb - 'k') IS NOT NULL))",
        ],
        &[],
        &[],
    ))
    .await;
}

/// Found by `make difftest SEED=1` (case 13) and `SEED=2` (cases 2, 3): `jsonb - 'k'` was
/// typed text; an untyped literal beside jsonb does not make it `jsonb - jsonb`. Pins:
/// operators are resolved as PostgreSQL resolves them (exact match, then the best candidate,
/// domains as their base types, polymorphic operators such as `anyrange * anyrange`).
#[tokio::test]
async fn operators_resolve_as_postgresql_resolves_them() {
    agrees(Written::new(
        &[
            "CREATE DOMAIN d1 AS integer",
            "CREATE TABLE t2 (c4 jsonb, c5 d1, r int4range)",
            "CREATE VIEW v10 AS SELECT (c4 - 'k') AS c1, c5 + c5 AS c2, r * int4range(0, 5) AS c3, c4 #> '{a,0}' AS c4 FROM t2",
        ],
        &[],
        &["-- name: Q1 :many\nSELECT c4 - $1 AS c1 FROM t2 WHERE c5 = $2;\n"],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (cases 2, 25, 40): sqlparser stops at `ON` after a SELECT
/// without FROM. Pins: `INSERT ... SELECT ... ON CONFLICT` reads.
#[tokio::test]
async fn insert_select_on_conflict_reads() {
    agrees(Written::new(
        &["CREATE TABLE t1 (c2 integer PRIMARY KEY, c5 text)"],
        &[],
        &["-- name: Q1 :many\nINSERT INTO t1 (c2, c5) SELECT $1, $2 ON CONFLICT (c2) DO UPDATE SET c5 = EXCLUDED.c5 RETURNING *;\n"],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (case 4): `'[]'::jsonb ->> 'k'` is NULL. Pins: strict
/// means NULL in, NULL out, not never NULL out; the JSON extractors and the functions
/// PostgreSQL documents as returning NULL for some non-NULL input are nullable.
#[tokio::test]
async fn json_extractors_and_documented_functions_may_return_null() {
    agrees(Written::new(
        &["CREATE TABLE t1 (j jsonb NOT NULL, a integer[] NOT NULL, r int4range NOT NULL, s text NOT NULL)"],
        &["INSERT INTO t1 VALUES ('[]', '{}', 'empty', 'x')"],
        &["-- name: Q1 :many\nSELECT j ->> 'k' AS a, j -> 'k' AS b, j #> '{a}' AS c, array_length(a, 1) AS d, lower(r) AS e, substring(s FROM 'y') AS f, regexp_match(s, 'y') AS g, upper(s) AS h FROM t1;\n"],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (cases 15, 27, 29, 36, 44): PostgreSQL describes a result
/// column of a domain type as the base type, and `character` as `character` or `bpchar`.
/// Pins: verify compares types as the server describes them.
#[tokio::test]
async fn described_types_compare_as_the_server_describes_them() {
    agrees(Written::new(
        &[
            "CREATE DOMAIN d8 AS integer",
            "CREATE TABLE t22 (created_at d8, name text, c3 character(3))",
        ],
        &["INSERT INTO t22 VALUES (1, 'a', 'abc')"],
        &[
            "-- name: Q1 :many\nUPDATE t22 SET name = name RETURNING *;\n",
            "-- name: Q2 :many\nINSERT INTO t22 (c3) VALUES ($1) RETURNING c3;\n",
        ],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (case 1): renaming a partitioned table's key column left
/// the old name in its partition key. Pins: `RENAME COLUMN` renames the key.
#[tokio::test]
async fn renaming_a_key_column_renames_the_partition_key() {
    agrees(Written::new(
        &[
            "CREATE TABLE t1 (c19 integer, v text) PARTITION BY HASH (c19)",
            "ALTER TABLE t1 RENAME COLUMN c19 TO c28",
        ],
        &[],
        &[],
    ))
    .await;
}

/// Found by `make difftest SEED=2` (case 10): a view's column is never declared NOT NULL in
/// the catalog, whatever it reads. Pins: verify's NOT NULL check traces only table columns.
#[tokio::test]
async fn view_columns_do_not_disprove_not_null() {
    agrees(Written::new(
        &[
            "CREATE TABLE t1 (c2 integer NOT NULL)",
            "CREATE VIEW v9 AS SELECT c2 FROM t1",
        ],
        &["INSERT INTO t1 VALUES (1)"],
        &["-- name: Q1 :many\nSELECT q1.c2 AS c2 FROM v9 q1;\n"],
    ))
    .await;
}
