//! `verify` against a real PostgreSQL: the static catalog of every migration set we have must
//! equal what PostgreSQL builds from it, and a catalog that is wrong must be reported.
//!
//! The server comes from `TEST_DATABASE_URL` (or a testcontainers PostgreSQL); without one
//! these tests fail with instructions, they never skip.

use std::path::Path;

use stagely_codegen::catalog::{Catalog, Check, Index};
use stagely_codegen::verify::{VerifyError, compare, verify};
use stagely_testdb::server_url;

fn server() -> String {
    server_url().unwrap_or_else(|message| panic!("{message}"))
}

/// Verifies `dir`; returns the differences as text (empty when the catalogs agree).
async fn differences(dir: &Path) -> Vec<String> {
    match verify(&server(), dir).await {
        Ok(report) => report.differences.iter().map(ToString::to_string).collect(),
        Err(VerifyError::Migrations(diagnostics)) => {
            panic!("{} has errors: {diagnostics:#?}", dir.display())
        }
        Err(e) => panic!("verify {} failed: {e:?}", dir.display()),
    }
}

#[tokio::test]
async fn verify_finds_no_differences_for_the_schema_migrations() {
    assert_eq!(
        differences(Path::new("../schema/migrations")).await,
        Vec::<String>::new()
    );
}

// The corpus of other projects' migration histories (`../shared/corpus`) lives outside this
// repository, so `make test` cannot rely on it; `.ci/run` verifies every folder of it, and
// fails on any difference, whenever it sits beside the clone.

#[tokio::test]
async fn verify_finds_no_differences_for_the_fixtures_that_fold_cleanly() {
    let fixtures = [
        "create_table",
        "assorted_ddl",
        "constraint_names",
        "alter_table",
        "drop_and_rename_effects",
        "enums",
        "domains",
        "views",
        "view_queries",
        "indexes",
        "comments",
        "names_and_schemas",
        "types",
        "skipped_statements",
        "layout_goose",
        "layout_dbmate",
        "layout_up_down_pairs",
        "layout_diesel",
        "layout_prisma",
        "numeric_ordering",
        "search_path",
        "transactions",
        "inheritance",
        "partitions",
        "sequences",
        "user_types",
        "set_schema_and_renames",
        "do_blocks",
        "psql_scripts",
        "bookkeeping",
        "drop_cascade",
        "table_as",
        "postgres_accepts",
        "unreadable_view",
        "down_without_up",
    ];
    let mut failures = Vec::new();
    for case in fixtures {
        let found = differences(Path::new(&format!("tests/fixtures/{case}/migrations"))).await;
        if !found.is_empty() {
            failures.push(format!("{case}:\n  {}", found.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn verify_marks_differences_about_what_it_cannot_see_as_uncertain() {
    // A function that runs DDL creates a table when called, which static reading cannot see
    // (the DO block's constant EXECUTE and CREATE TABLE AS are folded). What its body names is
    // uncertain from the call on, so the table is an expected difference, not a counted one.
    let report = verify(&server(), Path::new("tests/fixtures/warnings/migrations"))
        .await
        .expect("the fixture folds");
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    let uncertain: Vec<String> = report
        .uncertain
        .iter()
        .map(|d| format!("{}: {}", d.subject, d.message))
        .collect();
    assert_eq!(
        uncertain,
        vec!["relation public.hidden_table: in the database but not in the migrations"]
    );
    let cause = report.uncertain[0].uncertain.as_deref().unwrap_or_default();
    assert!(
        cause.starts_with("001_warnings.sql:19:1: add_hidden_table() runs DDL"),
        "{cause}"
    );
}

#[tokio::test]
async fn verify_reports_a_wrong_static_catalog() {
    let report = verify(&server(), Path::new("../schema/migrations"))
        .await
        .expect("verify the schema");
    assert!(report.differences.is_empty());

    let mut wrong: Catalog = report.expected.clone();
    let teams = wrong
        .tables
        .iter_mut()
        .find(|t| t.name == "teams")
        .expect("teams");
    teams.columns[1].data_type = "text".into();
    teams.columns[2].nullable = true;
    teams.columns[4].default = Some("'pro'".into());
    teams.checks.push(Check {
        name: "made_up".into(),
        expression: "true".into(),
        allowed_values: None,
        no_inherit: false,
    });
    teams.indexes[0].columns = vec!["slug DESC".into()];
    teams.indexes.push(Index {
        name: "idx_made_up".into(),
        unique: true,
        columns: vec!["name".into()],
        predicate: None,
    });
    let projects = wrong
        .tables
        .iter_mut()
        .find(|t| t.name == "projects")
        .expect("projects");
    projects.foreign_keys[0].on_delete = "cascade".into();
    projects.unique.clear();
    wrong.tables.retain(|t| t.name != "build_logs");

    let found: Vec<String> = compare(&wrong, &report.live)
        .iter()
        .map(ToString::to_string)
        .collect();
    let expected = [
        "column public.teams.slug: type is \"text\" in the migrations but \"character varying(100)\" in the database",
        "column public.teams.name: nullability is \"NULL\" in the migrations but \"NOT NULL\" in the database",
        "column public.teams.billing_plan: default is Some(\"'pro'\") in the migrations but Some(\"'free'\") in the database",
        "relation public.teams check made_up: in the migrations but not in the database",
        "relation public.teams index idx_teams_active: columns is [\"slug DESC\"] in the migrations but [\"id\"] in the database",
        "relation public.teams index idx_made_up: in the migrations but not in the database",
        "relation public.projects foreign key fk_projects_cloud_provider: ON DELETE is \"cascade\" in the migrations but \"set null\" in the database",
        "relation public.projects unique constraint projects_team_id_slug_key: in the database but not in the migrations",
        "relation public.build_logs: in the database but not in the migrations",
    ];
    for e in expected {
        assert!(found.iter().any(|f| f == e), "missing {e:?} in {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

#[tokio::test]
async fn verify_reports_a_migration_postgresql_rejects_at_its_place() {
    match verify(&server(), Path::new("tests/fixtures/verify_rejected/migrations")).await {
        Err(VerifyError::Apply(diagnostic)) => assert_eq!(
            diagnostic.to_string(),
            "tests/fixtures/verify_rejected/migrations/002_bad_insert.sql:3:33: PostgreSQL rejected this migration: invalid input syntax for type integer: \"not a number\""
        ),
        other => panic!("expected the server to reject 002, got {other:?}"),
    }
}
