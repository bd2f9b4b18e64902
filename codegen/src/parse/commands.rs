//! Every SQL command of PostgreSQL 15 (the "SQL Commands" part of its manual, ABORT through
//! VALUES), named from a statement's leading keywords, and whether it can change the shape the
//! catalog records.
//!
//! A statement sqlparser cannot read is classified here: commands that cannot change tables,
//! views, columns, types, keys or indexes are skipped (and counted); the others must be read,
//! by sqlparser or by our own parser for the forms sqlparser lacks. Leading keywords that name
//! no command are a syntax error in PostgreSQL too.

/// A PostgreSQL command, by its name in the manual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The command's name as the manual writes it (`ALTER TABLE`, `CREATE TABLE AS`).
    pub name: &'static str,
    /// True when it can change what the catalog records (or how names resolve), so it must be
    /// read; false when it can be skipped.
    pub shapes: bool,
}

/// Whether a command can change the catalog's shape.
const SHAPE: bool = true;
const NEUTRAL: bool = false;

/// The manual's list, longest names first within each leading word so that prefix matching
/// finds `ALTER TEXT SEARCH CONFIGURATION` before `ALTER TEXT`.
///
/// Neutral commands touch data, privileges, sessions, routines, triggers, rules, policies,
/// statistics, storage or cluster-wide objects. Some commands are marked as shaping although
/// most of their forms are not (`ALTER EXTENSION ... SET SCHEMA` moves its types, `SET
/// search_path` changes where names resolve, `BEGIN`/`ROLLBACK` can undo DDL, `SELECT` and
/// `CALL` may run routines that run DDL, `CREATE FUNCTION` bodies are looked at for DDL, `DO`
/// blocks are read): the parser decides per statement.
pub const COMMANDS: &[(&str, bool)] = &[
    ("ABORT", SHAPE),
    ("ALTER AGGREGATE", NEUTRAL),
    ("ALTER COLLATION", NEUTRAL),
    ("ALTER CONVERSION", NEUTRAL),
    ("ALTER DATABASE", SHAPE),
    ("ALTER DEFAULT PRIVILEGES", NEUTRAL),
    ("ALTER DOMAIN", SHAPE),
    ("ALTER EVENT TRIGGER", NEUTRAL),
    ("ALTER EXTENSION", SHAPE),
    ("ALTER FOREIGN DATA WRAPPER", NEUTRAL),
    ("ALTER FOREIGN TABLE", SHAPE),
    ("ALTER FUNCTION", SHAPE),
    ("ALTER GROUP", NEUTRAL),
    ("ALTER INDEX", SHAPE),
    ("ALTER LANGUAGE", NEUTRAL),
    ("ALTER LARGE OBJECT", NEUTRAL),
    ("ALTER MATERIALIZED VIEW", SHAPE),
    ("ALTER OPERATOR CLASS", NEUTRAL),
    ("ALTER OPERATOR FAMILY", NEUTRAL),
    ("ALTER OPERATOR", NEUTRAL),
    ("ALTER POLICY", NEUTRAL),
    ("ALTER PROCEDURE", NEUTRAL),
    ("ALTER PUBLICATION", NEUTRAL),
    ("ALTER ROLE", NEUTRAL),
    ("ALTER ROUTINE", NEUTRAL),
    ("ALTER RULE", NEUTRAL),
    ("ALTER SCHEMA", SHAPE),
    ("ALTER SEQUENCE", SHAPE),
    ("ALTER SERVER", NEUTRAL),
    ("ALTER STATISTICS", NEUTRAL),
    ("ALTER SUBSCRIPTION", NEUTRAL),
    ("ALTER SYSTEM", NEUTRAL),
    ("ALTER TABLESPACE", NEUTRAL),
    ("ALTER TABLE", SHAPE),
    ("ALTER TEXT SEARCH CONFIGURATION", NEUTRAL),
    ("ALTER TEXT SEARCH DICTIONARY", NEUTRAL),
    ("ALTER TEXT SEARCH PARSER", NEUTRAL),
    ("ALTER TEXT SEARCH TEMPLATE", NEUTRAL),
    ("ALTER TRIGGER", NEUTRAL),
    ("ALTER TYPE", SHAPE),
    ("ALTER USER MAPPING", NEUTRAL),
    ("ALTER USER", NEUTRAL),
    ("ALTER VIEW", SHAPE),
    ("ANALYZE", NEUTRAL),
    ("ANALYSE", NEUTRAL),
    ("BEGIN", SHAPE),
    ("CALL", SHAPE),
    ("CHECKPOINT", NEUTRAL),
    ("CLOSE", NEUTRAL),
    ("CLUSTER", NEUTRAL),
    ("COMMENT", SHAPE),
    ("COMMIT PREPARED", NEUTRAL),
    ("COMMIT", SHAPE),
    ("COPY", NEUTRAL),
    ("CREATE ACCESS METHOD", NEUTRAL),
    ("CREATE AGGREGATE", NEUTRAL),
    ("CREATE CAST", NEUTRAL),
    ("CREATE COLLATION", NEUTRAL),
    ("CREATE CONVERSION", NEUTRAL),
    ("CREATE DATABASE", NEUTRAL),
    ("CREATE DOMAIN", SHAPE),
    ("CREATE EVENT TRIGGER", NEUTRAL),
    ("CREATE EXTENSION", SHAPE),
    ("CREATE FOREIGN DATA WRAPPER", NEUTRAL),
    ("CREATE FOREIGN TABLE", SHAPE),
    ("CREATE FUNCTION", SHAPE),
    ("CREATE GROUP", NEUTRAL),
    ("CREATE INDEX", SHAPE),
    ("CREATE LANGUAGE", NEUTRAL),
    ("CREATE MATERIALIZED VIEW", SHAPE),
    ("CREATE OPERATOR CLASS", NEUTRAL),
    ("CREATE OPERATOR FAMILY", NEUTRAL),
    ("CREATE OPERATOR", NEUTRAL),
    ("CREATE POLICY", NEUTRAL),
    ("CREATE PROCEDURE", SHAPE),
    ("CREATE PUBLICATION", NEUTRAL),
    ("CREATE ROLE", NEUTRAL),
    ("CREATE RULE", SHAPE),
    ("CREATE SCHEMA", SHAPE),
    ("CREATE SEQUENCE", SHAPE),
    ("CREATE SERVER", NEUTRAL),
    ("CREATE STATISTICS", NEUTRAL),
    ("CREATE SUBSCRIPTION", NEUTRAL),
    ("CREATE TABLE AS", SHAPE),
    ("CREATE TABLESPACE", NEUTRAL),
    ("CREATE TABLE", SHAPE),
    ("CREATE TEXT SEARCH CONFIGURATION", NEUTRAL),
    ("CREATE TEXT SEARCH DICTIONARY", NEUTRAL),
    ("CREATE TEXT SEARCH PARSER", NEUTRAL),
    ("CREATE TEXT SEARCH TEMPLATE", NEUTRAL),
    ("CREATE TRANSFORM", NEUTRAL),
    ("CREATE TRIGGER", NEUTRAL),
    ("CREATE TYPE", SHAPE),
    ("CREATE USER MAPPING", NEUTRAL),
    ("CREATE USER", NEUTRAL),
    ("CREATE VIEW", SHAPE),
    ("DEALLOCATE", NEUTRAL),
    ("DECLARE", NEUTRAL),
    ("DELETE", NEUTRAL),
    ("DISCARD", SHAPE),
    ("DO", SHAPE),
    ("DROP ACCESS METHOD", NEUTRAL),
    ("DROP AGGREGATE", NEUTRAL),
    ("DROP CAST", NEUTRAL),
    ("DROP COLLATION", NEUTRAL),
    ("DROP CONVERSION", NEUTRAL),
    ("DROP DATABASE", NEUTRAL),
    ("DROP DOMAIN", SHAPE),
    ("DROP EVENT TRIGGER", NEUTRAL),
    ("DROP EXTENSION", SHAPE),
    ("DROP FOREIGN DATA WRAPPER", NEUTRAL),
    ("DROP FOREIGN TABLE", SHAPE),
    ("DROP FUNCTION", SHAPE),
    ("DROP GROUP", NEUTRAL),
    ("DROP INDEX", SHAPE),
    ("DROP LANGUAGE", NEUTRAL),
    ("DROP MATERIALIZED VIEW", SHAPE),
    ("DROP OPERATOR CLASS", NEUTRAL),
    ("DROP OPERATOR FAMILY", NEUTRAL),
    ("DROP OPERATOR", NEUTRAL),
    ("DROP OWNED", SHAPE),
    ("DROP POLICY", NEUTRAL),
    ("DROP PROCEDURE", NEUTRAL),
    ("DROP PUBLICATION", NEUTRAL),
    ("DROP ROLE", NEUTRAL),
    ("DROP ROUTINE", NEUTRAL),
    ("DROP RULE", NEUTRAL),
    ("DROP SCHEMA", SHAPE),
    ("DROP SEQUENCE", SHAPE),
    ("DROP SERVER", SHAPE),
    ("DROP STATISTICS", NEUTRAL),
    ("DROP SUBSCRIPTION", NEUTRAL),
    ("DROP TABLESPACE", NEUTRAL),
    ("DROP TABLE", SHAPE),
    ("DROP TEXT SEARCH CONFIGURATION", NEUTRAL),
    ("DROP TEXT SEARCH DICTIONARY", NEUTRAL),
    ("DROP TEXT SEARCH PARSER", NEUTRAL),
    ("DROP TEXT SEARCH TEMPLATE", NEUTRAL),
    ("DROP TRANSFORM", NEUTRAL),
    ("DROP TRIGGER", NEUTRAL),
    ("DROP TYPE", SHAPE),
    ("DROP USER MAPPING", NEUTRAL),
    ("DROP USER", NEUTRAL),
    ("DROP VIEW", SHAPE),
    ("END", SHAPE),
    ("EXECUTE", NEUTRAL),
    ("EXPLAIN", NEUTRAL),
    ("FETCH", NEUTRAL),
    ("GRANT", NEUTRAL),
    ("IMPORT FOREIGN SCHEMA", SHAPE),
    ("INSERT", NEUTRAL),
    ("LISTEN", NEUTRAL),
    ("LOAD", NEUTRAL),
    ("LOCK", NEUTRAL),
    ("MERGE", NEUTRAL),
    ("MOVE", NEUTRAL),
    ("NOTIFY", NEUTRAL),
    ("PREPARE TRANSACTION", NEUTRAL),
    ("PREPARE", NEUTRAL),
    ("REASSIGN OWNED", NEUTRAL),
    ("REFRESH MATERIALIZED VIEW", NEUTRAL),
    ("REINDEX", NEUTRAL),
    ("RELEASE SAVEPOINT", SHAPE),
    ("RELEASE", SHAPE),
    ("RESET", SHAPE),
    ("REVOKE", NEUTRAL),
    ("ROLLBACK PREPARED", NEUTRAL),
    ("ROLLBACK TO SAVEPOINT", SHAPE),
    ("ROLLBACK", SHAPE),
    ("SAVEPOINT", SHAPE),
    ("SECURITY LABEL", NEUTRAL),
    ("SELECT INTO", SHAPE),
    ("SELECT", SHAPE),
    ("SET CONSTRAINTS", NEUTRAL),
    ("SET ROLE", NEUTRAL),
    ("SET SESSION AUTHORIZATION", NEUTRAL),
    ("SET TRANSACTION", NEUTRAL),
    ("SET", SHAPE),
    ("SHOW", NEUTRAL),
    ("START TRANSACTION", SHAPE),
    ("TABLE", NEUTRAL),
    ("TRUNCATE", NEUTRAL),
    ("UNLISTEN", NEUTRAL),
    ("UPDATE", NEUTRAL),
    ("VACUUM", NEUTRAL),
    ("VALUES", NEUTRAL),
    ("WITH", NEUTRAL),
];

/// Spellings in [`COMMANDS`] that are not commands of their own in the manual (`ANALYSE` is
/// `ANALYZE`, `RELEASE name` is `RELEASE SAVEPOINT`, `WITH` starts a query).
pub const ALIASES: &[&str] = &["ANALYSE", "RELEASE", "WITH"];

/// Optional words that may stand between a command's words without changing which command it
/// is (`CREATE OR REPLACE TEMP RECURSIVE VIEW`, `CREATE UNIQUE INDEX`, `DROP INDEX
/// CONCURRENTLY` is no problem: matching stops at the command's last word).
const MODIFIERS: &[&str] = &[
    "OR",
    "REPLACE",
    "TEMP",
    "TEMPORARY",
    "UNLOGGED",
    "GLOBAL",
    "LOCAL",
    "UNIQUE",
    "RECURSIVE",
    "CONSTRAINT",
    "TRUSTED",
    "PROCEDURAL",
    "DEFAULT",
];

/// The command a statement's leading words name, or `None` when they name none.
///
/// `words` are the statement's first keywords in upper case (quoted identifiers and other
/// tokens as they are). `CREATE TABLE ... AS` and `SELECT ... INTO` are told apart from
/// `CREATE TABLE` and `SELECT` by `as_query` / `into_table`, which the caller works out.
pub fn classify(words: &[String], as_query: bool, into_table: bool) -> Option<Command> {
    let first = words.first()?.as_str();
    // `(SELECT ...)` is a query; other parentheses start nothing.
    if first == "(" {
        let inner = words.iter().find(|w| w.as_str() != "(")?;
        return matches!(inner.as_str(), "SELECT" | "WITH" | "VALUES" | "TABLE").then(|| command("SELECT"));
    }
    let significant: Vec<&str> = match first {
        "CREATE" => std::iter::once(first)
            .chain(
                words[1..]
                    .iter()
                    .map(String::as_str)
                    .skip_while(|w| MODIFIERS.contains(w)),
            )
            .collect(),
        _ => words.iter().map(String::as_str).collect(),
    };
    let found = COMMANDS
        .iter()
        .filter(|(name, _)| {
            let mut words = significant.iter();
            name.split(' ')
                .all(|part| words.next().is_some_and(|w| *w == part))
        })
        .max_by_key(|(name, _)| name.len())?;
    let name = match found.0 {
        "CREATE TABLE" if as_query => "CREATE TABLE AS",
        "SELECT" if into_table => "SELECT INTO",
        other => other,
    };
    Some(command(name))
}

fn command(name: &str) -> Command {
    let (name, shapes) = COMMANDS
        .iter()
        .find(|(n, _)| *n == name)
        .copied()
        .unwrap_or(("SELECT", SHAPE));
    Command { name, shapes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn name(s: &str) -> Option<&'static str> {
        classify(&words(s), false, false).map(|c| c.name)
    }

    #[test]
    fn names_commands_by_their_longest_match() {
        assert_eq!(
            name("ALTER TEXT SEARCH CONFIGURATION x"),
            Some("ALTER TEXT SEARCH CONFIGURATION")
        );
        assert_eq!(
            name("CREATE OR REPLACE TEMP RECURSIVE VIEW v"),
            Some("CREATE VIEW")
        );
        assert_eq!(name("CREATE UNIQUE INDEX CONCURRENTLY i"), Some("CREATE INDEX"));
        assert_eq!(name("CREATE CONSTRAINT TRIGGER t"), Some("CREATE TRIGGER"));
        assert_eq!(name("CREATE USER MAPPING FOR x"), Some("CREATE USER MAPPING"));
        assert_eq!(name("CREATE USER x"), Some("CREATE USER"));
        assert_eq!(name("ROLLBACK TO SAVEPOINT s"), Some("ROLLBACK TO SAVEPOINT"));
        assert_eq!(name("( SELECT 1"), Some("SELECT"));
        assert_eq!(name("( ( ("), None);
        assert_eq!(name("FROBNICATE x"), None);
        assert_eq!(name("CREATE FROB"), None);
    }

    #[test]
    fn tells_queries_that_create_tables() {
        assert_eq!(
            classify(&words("CREATE TABLE t AS"), true, false).map(|c| c.name),
            Some("CREATE TABLE AS")
        );
        assert_eq!(
            classify(&words("SELECT * INTO t"), false, true).map(|c| c.name),
            Some("SELECT INTO")
        );
    }

    #[test]
    fn every_listed_command_classifies_as_itself() {
        for (name, _) in COMMANDS {
            let as_query = *name == "CREATE TABLE AS";
            let into = *name == "SELECT INTO";
            let written = match *name {
                "CREATE TABLE AS" => "CREATE TABLE",
                "SELECT INTO" => "SELECT",
                other => other,
            };
            assert_eq!(
                classify(&words(written), as_query, into).map(|c| c.name),
                Some(*name),
                "{name}"
            );
        }
    }
}
