//! Typed queries: the inference rules (one query each in `tests/fixtures/queries`, snapshotted
//! as the `queries --json` report and proved on a real PostgreSQL by `verify`), every error
//! (`tests/fixtures/query_errors`), and Stagely's own queries.

use std::path::Path;

use stagely_codegen::diagnostic::Diagnostic;
use stagely_codegen::load_with_queries;
use stagely_codegen::queries::{Report, TypedQuery};
use stagely_codegen::verify::{VerifyError, verify_with_queries};
use stagely_testdb::server_url;

/// The queries of `tests/fixtures/<case>/queries`, typed against the schema of
/// `tests/fixtures/queries/migrations`.
fn load(case: &str) -> (Vec<TypedQuery>, Vec<Diagnostic>) {
    let queries = Path::new("tests/fixtures").join(case).join("queries");
    let (_, typed, diagnostics) = load_with_queries(Path::new("tests/fixtures/queries/migrations"), &queries);
    (typed, diagnostics)
}

#[test]
fn infers_parameters_and_columns_rule_by_rule() {
    let (typed, diagnostics) = load("queries");
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let json = serde_json::to_string_pretty(&Report::new(&typed)).unwrap();
    insta::assert_snapshot!("query_rules", json);
}

#[test]
fn reports_every_query_error_at_its_place() {
    let (typed, diagnostics) = load("query_errors");
    let rendered: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
    assert!(diagnostics.iter().all(Diagnostic::is_error), "{rendered}");
    assert_eq!(typed.len(), 1, "only the first Duplicate is fine: {rendered}");
    insta::assert_snapshot!("query_errors", rendered);
}

#[test]
fn stagely_queries_type_without_errors() {
    let (_, typed, diagnostics) =
        load_with_queries(Path::new("../schema/migrations"), Path::new("../schema/queries"));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:#?}");
    let json = serde_json::to_string_pretty(&Report::new(&typed)).unwrap();
    insta::assert_snapshot!("stagely_queries", json);
}

async fn proved(root: &Path) -> Vec<String> {
    let server = server_url().unwrap_or_else(|message| panic!("{message}"));
    match verify_with_queries(&server, &root.join("migrations"), &root.join("queries")).await {
        Ok(report) => {
            assert!(report.queries > 0);
            report.differences.iter().map(ToString::to_string).collect()
        }
        Err(VerifyError::Migrations(d)) => panic!("{d:#?}"),
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn verify_proves_every_rule_on_the_server() {
    assert_eq!(
        proved(Path::new("tests/fixtures/queries")).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn verify_proves_stagely_queries_on_the_server() {
    assert_eq!(proved(Path::new("../schema")).await, Vec::<String>::new());
}

#[tokio::test]
async fn the_live_check_reports_wrong_types_and_unsound_not_null() {
    use sqlx::Connection;
    use stagely_codegen::infer::Ty;
    let server = server_url().unwrap_or_else(|message| panic!("{message}"));
    let scratch = stagely_codegen::scratch::ScratchDatabase::create(&server, "stagely_queries")
        .await
        .unwrap();
    let mut conn = sqlx::PgConnection::connect_with(&scratch.connect_options())
        .await
        .unwrap();
    let schema = std::fs::read_to_string("tests/fixtures/queries/migrations/001_schema.sql").unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(schema))
        .execute(&mut conn)
        .await
        .unwrap();
    let (mut typed, _) = load("queries");
    let query = typed.iter_mut().find(|q| q.def.name == "PlainColumns").unwrap();
    // Claim what is not so: id is text, bio is NOT NULL, the parameter is a date.
    query.columns[0].typed.ty = Ty::Known("text".into());
    query.columns[2].typed.nullable = false;
    query.params[0].ty = "date".into();
    let differences: Vec<String> = stagely_codegen::verify::prove_queries(&mut conn, &typed[..1])
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    conn.close().await.unwrap();
    scratch.drop_now().await.unwrap();
    let text = differences.join("\n");
    assert!(
        text.contains("parameter $1 (id): type is \"date\" in the query but \"bigint\""),
        "{text}"
    );
    assert!(
        text.contains("result column id: type is \"text\" in the query but \"bigint\""),
        "{text}"
    );
    assert!(text.contains("result column bio is inferred NOT NULL"), "{text}");
    assert_eq!(differences.len(), 3, "{text}");
}
