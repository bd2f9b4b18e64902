//! Every SQL command of PostgreSQL 15, one statement each, after pg_dump's usual preamble:
//! none of them may be an error, and none may go unnamed.

use std::collections::BTreeSet;
use std::path::Path;

use stagely_codegen::parse::commands::{ALIASES, COMMANDS};
use stagely_codegen::parse::parse_section;
use stagely_codegen::source::read_migrations;

const FIXTURE: &str = "tests/fixtures/command_coverage/migrations";

#[test]
fn no_command_of_postgresql_15_is_an_error() {
    let (_, diagnostics) = stagely_codegen::load(Path::new(FIXTURE));
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // What is left are the commands whose effect only the server knows.
    for warning in &diagnostics {
        let message = &warning.message;
        assert!(
            message.starts_with("DROP OWNED") || message.starts_with("IMPORT FOREIGN SCHEMA"),
            "unexpected warning: {warning}"
        );
    }
}

#[test]
fn the_fixture_has_a_statement_of_every_command() {
    let mut diagnostics = Vec::new();
    let migrations = read_migrations(Path::new(FIXTURE), &mut diagnostics);
    let mut seen = BTreeSet::new();
    for migration in &migrations {
        for statement in parse_section(&migration.up, &mut diagnostics) {
            seen.insert(statement.command);
        }
    }
    let missing: Vec<&str> = COMMANDS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !ALIASES.contains(name) && !seen.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "commands without a statement in the fixture: {missing:?}"
    );
}
