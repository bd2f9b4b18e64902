//! Each `stagely-codegen.toml` option, on a small history: snapshots of what it changes, and
//! the CLI finding the file beside the migrations.

use std::path::{Path, PathBuf};
use std::process::Command;

use stagely_codegen::config::Config;
use stagely_codegen::emit::{Options, emit_with};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config_options/migrations")
}

/// The generated files (or the errors) for the fixture under `toml`.
fn generated(toml: &str) -> String {
    let config = Config::parse(toml).expect("the configuration parses");
    let (schema, diagnostics) = stagely_codegen::load(&fixture());
    assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
    match emit_with(
        &schema.catalog,
        &schema.migrations,
        &[],
        &fixture(),
        "migrations",
        &Options::from_config(&config),
    ) {
        Ok(generated) => generated
            .files
            .iter()
            .map(|(file, contents)| format!("==> {file} <==\n{contents}\n"))
            .collect(),
        Err(errors) => errors.iter().map(|e| format!("error: {}\n", e.message)).collect(),
    }
}

fn files(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("==> ")?.strip_suffix(" <=="))
        .collect()
}

#[test]
fn without_configuration() {
    let text = generated("");
    assert_eq!(
        files(&text),
        [
            "audit_events.rs",
            "enums.rs",
            "error.rs",
            "logs.rs",
            "mod.rs",
            "runtime.rs",
            "users.rs"
        ]
    );
    insta::assert_snapshot!("config_none", text);
}

#[test]
fn migration_list_true_embeds_irreversible_migrations() {
    let text = generated("migration_list = true");
    assert!(files(&text).contains(&"migrations.rs"), "{text}");
    assert!(
        text.contains("pub down_sql: ::std::option::Option<&'static str>"),
        "{text}"
    );
    assert!(text.contains("down_sql: ::std::option::Option::None"), "{text}");
    assert!(text.contains("pub mod migrations;"), "{text}");
}

#[test]
fn skip_leaves_out_schemas_and_tables() {
    let text = generated(r#"skip = ["audit", "public.logs"]"#);
    assert_eq!(
        files(&text),
        ["enums.rs", "error.rs", "mod.rs", "runtime.rs", "users.rs"]
    );
}

#[test]
fn renames_derives_and_type_overrides() {
    let text = generated(
        r#"
        derives = ["Eq"]
        [types]
        "tsvector" = "crate::Search"
        [columns]
        "public.users.settings" = "::sqlx::types::Json<crate::Settings>"
        [rename]
        "public.users" = "Account"
        "public.users.email_address" = "email"
        "#,
    );
    let users = text
        .split("==> users.rs <==")
        .nth(1)
        .unwrap()
        .split("==> ")
        .next()
        .unwrap();
    insta::assert_snapshot!("config_overrides", users);
    assert!(users.contains("pub struct Account {"), "{users}");
    assert!(users.contains("pub struct NewAccount {"), "{users}");
    assert!(users.contains("pub email: ::std::string::String"), "{users}");
    assert!(users.contains("#[sqlx(rename = \"email_address\")]"), "{users}");
    assert!(
        users.contains("pub settings: Option<::sqlx::types::Json<crate::Settings>>"),
        "{users}"
    );
    assert!(users.contains("pub search: Option<crate::Search>"), "{users}");
    assert!(users.contains("search::text AS search"), "{users}");
    assert!(
        users.contains("#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, Eq)]"),
        "{users}"
    );
}

#[test]
fn renaming_what_does_not_exist_is_an_error() {
    let text = generated("[rename]\n\"public.nope\" = \"Nope\"");
    assert_eq!(
        text,
        "error: stagely-codegen.toml names `public.nope`, which is no schema.table or schema.table.column the migrations define\n"
    );
}

#[test]
fn the_cli_reads_the_file_beside_the_migrations_and_reports_bad_ones() {
    let dir = std::env::temp_dir().join(format!("stagely-codegen-config-{}", std::process::id()));
    let migrations = dir.join("db");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::copy(fixture().join("001_shop.sql"), migrations.join("001_shop.sql")).unwrap();
    std::fs::write(
        dir.join("stagely-codegen.toml"),
        "out = \"models\"\nskip = [\"audit\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stagely-codegen"))
            .args(args)
            .output()
            .unwrap()
    };
    let db = migrations.to_str().unwrap();
    let output = run(&["generate", "--migrations", db]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.join("models/users.rs").is_file());
    assert!(!dir.join("models/audit_events.rs").exists());

    std::fs::write(dir.join("bad.toml"), "skip = \"audit\"\n").unwrap();
    let output = run(&[
        "generate",
        "--migrations",
        db,
        "--config",
        dir.join("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.toml:1: `skip` must be an array of strings"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn strict_makes_warnings_fail_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("stagely-codegen-strict-{}", std::process::id()));
    let migrations = dir.join("db");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("001_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\n\
         CREATE VIEW pairs AS SELECT id, (id, 2) <> ALL (VALUES (1, 2), (3, 4)) AS odd FROM users;\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stagely-codegen"))
            .args(args)
            .output()
            .unwrap()
    };
    let db = migrations.to_str().unwrap();
    let out = dir.join("models");
    let out_arg = out.to_str().unwrap();

    // Without strict the unread statement is a warning and the output is written.
    let output = run(&["generate", "--migrations", db, "--out", out_arg]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(out.join("users.rs").is_file());
    std::fs::remove_dir_all(&out).unwrap();

    // With --strict, or strict = true, the same warning fails the run and nothing is written.
    let output = run(&["generate", "--migrations", db, "--out", out_arg, "--strict"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("strict is on; nothing was written"), "{stderr}");
    assert!(!out.exists());

    std::fs::write(dir.join("stagely-codegen.toml"), "strict = true\n").unwrap();
    let output = run(&["generate", "--migrations", db, "--out", out_arg]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    let output = run(&["check", "--migrations", db, "--out", out_arg]);
    assert_eq!(output.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
