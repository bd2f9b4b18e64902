//! The `schema` and `verify` commands as people run them: output, messages, exit codes.

use std::process::{Command, Output};

use stagely_testdb::server_url;

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagely-codegen"))
        .args(args)
        .output()
        .expect("run stagely-codegen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn schema_json_prints_the_catalog_of_the_migrations() {
    let out = codegen(&["schema", "--json", "--migrations", "../schema/migrations"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (catalog, _) = stagely_codegen::load_catalog(std::path::Path::new("../schema/migrations"));
    assert_eq!(text(&out.stdout), catalog.to_json());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let teams = &json["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["name"] == "teams")
        .expect("teams")
        .clone();
    assert_eq!(teams["kind"], "table");
    assert_eq!(teams["columns"][1]["type"], "character varying(100)");
    assert_eq!(teams["unique"][0]["name"], "teams_slug_key");
}

#[test]
fn schema_prints_every_error_as_path_line_column_and_exits_1() {
    let out = codegen(&[
        "schema",
        "--json",
        "--migrations",
        "tests/fixtures/error_unknown_type/migrations",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is printed when there is an error");
    let stderr = text(&out.stderr);
    let located: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("tests/fixtures/error_unknown_type/migrations/001_create.sql:"))
        .collect();
    assert_eq!(located.len(), 3, "{stderr}");
    assert!(
        located[0]
            .starts_with("tests/fixtures/error_unknown_type/migrations/001_create.sql:3:5: unknown type")
    );
}

#[test]
fn verify_help_says_how_expressions_are_compared() {
    let out = codegen(&["verify", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for needle in [
        "scratch database",
        "normalised form",
        "presence only",
        "--database-url",
    ] {
        assert!(help.contains(needle), "{needle:?} missing from:\n{help}");
    }
}

#[test]
fn schema_help_explains_itself() {
    let out = codegen(&["schema", "--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("--json"));
}

#[test]
fn verify_exits_0_with_a_one_line_summary_when_the_catalogs_agree() {
    let url = server_url().unwrap_or_else(|message| panic!("{message}"));
    let out = codegen(&[
        "verify",
        "--database-url",
        &url,
        "--migrations",
        "../schema/migrations",
    ]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("stagely-codegen verify: no differences"),
        "{stdout}"
    );
}

#[test]
fn verify_prints_differences_about_uncertain_objects_without_counting_them() {
    // add_hidden_table() runs DDL the generator cannot see: what its body names is uncertain,
    // so the table PostgreSQL made is an expected difference, shown with its cause.
    let url = server_url().unwrap_or_else(|message| panic!("{message}"));
    let out = codegen(&[
        "verify",
        "--database-url",
        &url,
        "--migrations",
        "tests/fixtures/warnings/migrations",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(
            "relation public.hidden_table: in the database but not in the migrations (uncertain since 001_warnings.sql:19:1: add_hidden_table() runs DDL"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 about objects marked uncertain, not counted"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("runs DDL"));
}

#[test]
fn verify_prints_migration_errors_and_compares_nothing() {
    let out = codegen(&[
        "verify",
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--migrations",
        "tests/fixtures/error_parse_errors/migrations",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    // `CREATE INDEX ON fine (id;` leaves a parenthesis open, so (as in psql) the statement
    // runs on into the unterminated string below it: one error for both. With the `,,` and
    // the line that starts no command, three errors; `ALTER TABLE fine ADD COLUMN;` is only a
    // statement the generator cannot read (a warning).
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("tests/fixtures/error_parse_errors/") && !l.contains(": warning: "))
        .collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(stderr.contains("nothing was compared"), "{stderr}");
}
