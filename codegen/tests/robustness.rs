//! Whatever the input, reading and folding report errors or warnings and never panic:
//! truncated migrations, garbage, and random bytes (from a fixed-seed generator, so every run
//! feeds the same inputs).

use std::fs;
use std::path::{Path, PathBuf};

use stagely_codegen::catalog::Fold;
use stagely_codegen::diagnostic::Diagnostic;
use stagely_codegen::parse::parse_section;
use stagely_codegen::source::Section;

/// xorshift64*: deterministic and good enough to shake a parser.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parses and folds `sql` as one section; returns the diagnostics.
fn fold_text(sql: &str) -> Vec<Diagnostic> {
    let section = Section {
        sql: sql.to_string(),
        path: PathBuf::from("fuzz.sql"),
        first_line: 1,
    };
    let mut diagnostics = Vec::new();
    let mut fold = Fold::new();
    for statement in parse_section(&section, &mut diagnostics) {
        fold.fold(&section.path, &statement);
    }
    diagnostics.extend(fold.finish().1);
    diagnostics
}

fn schema_files() -> Vec<String> {
    let mut paths: Vec<PathBuf> = fs::read_dir("../schema/migrations")
        .expect("schema/migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| fs::read_to_string(p).expect("UTF-8 migration"))
        .collect()
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stagely-codegen-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn survives_every_truncation_of_the_schema_migrations() {
    let all = schema_files().join("\n");
    let mut errors_seen = 0;
    // Every cut point would be slow in debug builds; every 7th character still hits the
    // middle of identifiers, strings, dollar quotes and comments.
    let cuts: Vec<usize> = all.char_indices().map(|(i, _)| i).step_by(7).collect();
    for cut in cuts {
        let diagnostics = fold_text(&all[..cut]);
        errors_seen += usize::from(diagnostics.iter().any(Diagnostic::is_error));
    }
    assert!(errors_seen > 0, "truncating mid-statement must produce errors");
}

#[test]
fn reports_garbage_as_errors() {
    let garbage = [
        "this is not sql",
        "CREATE TABLE",
        "CREATE TABLE t (",
        "CREATE TABLE t (a INT,,);",
        "ALTER TABLE",
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
        "SELECT 'unterminated",
        "$$ unterminated dollar",
        "/* unterminated comment",
        "CREATE TABLE t (a INT CHECK (a IN ()));",
        "CREATE INDEX ON missing ((((a)))));",
        ";;;;",
        "\u{0}\u{1}\u{2}",
    ];
    for text in garbage {
        let diagnostics = fold_text(text);
        if text != ";;;;" {
            assert!(
                diagnostics.iter().any(Diagnostic::is_error),
                "{text:?} must be an error, got {diagnostics:?}"
            );
        }
    }
}

#[test]
fn survives_every_truncation_of_scripts_do_blocks_and_partitions() {
    // The new reading paths: psql meta-commands and COPY data, PL/pgSQL blocks with handlers
    // and guards, our own parser's ALTER forms, every command of PostgreSQL 15.
    for case in [
        "psql_scripts",
        "do_blocks",
        "partitions",
        "set_schema_and_renames",
        "command_coverage",
    ] {
        let dir = format!("tests/fixtures/{case}/migrations");
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("fixture")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        let all: String = paths
            .iter()
            .map(|p| fs::read_to_string(p).expect("UTF-8 fixture"))
            .collect::<Vec<_>>()
            .join("\n");
        let cuts: Vec<usize> = all.char_indices().map(|(i, _)| i).step_by(5).collect();
        for cut in cuts {
            let _ = fold_text(&all[..cut]);
        }
    }
}

#[test]
fn survives_random_psql_and_plpgsql_shaped_text() {
    const WORDS: &[&str] = &[
        "DO",
        "$$",
        "$do$",
        "BEGIN",
        "END",
        "EXCEPTION",
        "WHEN",
        "duplicate_object",
        "OR",
        "THEN",
        "IF",
        "ELSIF",
        "ELSE",
        "END IF",
        "LOOP",
        "END LOOP",
        "FOR",
        "IN",
        "EXECUTE",
        "'CREATE TABLE x ()'",
        "||",
        "format(",
        "NOT",
        "EXISTS",
        "(SELECT 1 FROM pg_type WHERE typname = 'm')",
        "NULL",
        "RAISE",
        "PERFORM",
        ":=",
        "DECLARE",
        "r",
        "record",
        ";",
        "\\set",
        "\\if",
        "\\endif",
        "\\else",
        ":v",
        ":'v'",
        ":\"v\"",
        "COPY",
        "t",
        "FROM",
        "stdin",
        "\\.",
        "\n",
        "CREATE",
        "TABLE",
        "ALTER",
        "SET",
        "SCHEMA",
        "search_path",
        "ROLLBACK",
        "SAVEPOINT",
        "s",
        "ATTACH",
        "PARTITION",
        "INHERIT",
        "(",
        ")",
        ",",
        "'x'",
        "--",
    ];
    let mut random = Random(0x5EED_ABCD_0000_0010);
    for _ in 0..600 {
        let len = 1 + random.below(50);
        let text: Vec<&str> = (0..len).map(|_| WORDS[random.below(WORDS.len())]).collect();
        let _ = fold_text(&text.join(" "));
    }
}

#[test]
fn survives_random_sql_shaped_text() {
    const WORDS: &[&str] = &[
        "CREATE",
        "TABLE",
        "ALTER",
        "DROP",
        "INDEX",
        "VIEW",
        "TYPE",
        "AS",
        "ENUM",
        "SELECT",
        "FROM",
        "JOIN",
        "ON",
        "WHERE",
        "ADD",
        "COLUMN",
        "CONSTRAINT",
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "REFERENCES",
        "CHECK",
        "NOT",
        "NULL",
        "DEFAULT",
        "RENAME",
        "TO",
        "IN",
        "INT",
        "TEXT",
        "varchar(10)",
        "t",
        "u",
        "a",
        "b",
        "(",
        ")",
        ",",
        ";",
        "'x'",
        "1",
        "$$",
        "--",
        "\n",
        "*",
        "=",
        "||",
        "::",
        "CASE",
        "WHEN",
        "THEN",
        "END",
        "COMMENT",
        "IS",
        "\"Q\"",
        "IF",
        "EXISTS",
    ];
    let mut random = Random(0x5EED_1234_ABCD_0001);
    for _ in 0..400 {
        let len = 1 + random.below(60);
        let text: Vec<&str> = (0..len).map(|_| WORDS[random.below(WORDS.len())]).collect();
        // Must return, whatever it says.
        let _ = fold_text(&text.join(" "));
    }
}

#[test]
fn survives_random_bytes_in_migration_files() {
    let mut random = Random(0xBAD_5EED_0000_0042);
    let dir = TempDir::new("random-bytes");
    for i in 0..20 {
        let len = random.below(2000);
        let bytes: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        fs::write(dir.path().join(format!("{:03}_random.sql", i + 1)), bytes).expect("write");
    }
    let (_, diagnostics) = stagely_codegen::load_catalog(dir.path());
    assert!(
        diagnostics.iter().any(Diagnostic::is_error),
        "random bytes must be reported"
    );
}

#[test]
fn survives_random_printable_text_in_migration_files() {
    let mut random = Random(0x0DD_C0FF_EE00_0007);
    let dir = TempDir::new("random-text");
    for i in 0..20 {
        let len = 1 + random.below(1500);
        let text: String = (0..len)
            .map(|_| char::from(b' ' + (random.next() % 95) as u8))
            .collect();
        fs::write(dir.path().join(format!("{:03}_text.sql", i + 1)), text).expect("write");
    }
    let (_, diagnostics) = stagely_codegen::load_catalog(dir.path());
    assert!(!diagnostics.is_empty(), "random text must be reported");
}

#[test]
fn survives_every_truncation_and_random_edit_of_query_files() {
    let rules = fs::read_to_string("tests/fixtures/queries/queries/rules.sql").expect("rules.sql");
    let errors = fs::read_to_string("tests/fixtures/query_errors/queries/errors.sql").expect("errors.sql");
    let stagely = fs::read_dir("../schema/queries")
        .expect("schema/queries")
        .map(|e| fs::read_to_string(e.expect("entry").path()).expect("UTF-8 query file"))
        .collect::<Vec<_>>()
        .join("\n");
    let migrations = Path::new("tests/fixtures/queries/migrations");
    let dir = TempDir::new("queries");
    let run = |text: &str| {
        fs::write(dir.path().join("q.sql"), text).expect("write");
        let (_, typed, diagnostics) = stagely_codegen::load_with_queries(migrations, dir.path());
        (typed.len(), diagnostics.iter().filter(|d| d.is_error()).count())
    };
    let mut errors_seen = 0;
    for text in [&rules, &errors, &stagely] {
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(11).collect();
        for cut in cuts {
            errors_seen += run(&text[..cut]).1;
        }
    }
    assert!(errors_seen > 0, "truncating mid-query must produce errors");
    // Random characters spliced into the rules, including quotes, `$`, `@` and parentheses.
    let mut random = Random(0x5eed_cafe);
    let alphabet: Vec<char> = "()'\"$@:;,.-/*[]{} \nSELECTFROMWHERE$1@x sqlc.arg("
        .chars()
        .collect();
    for _ in 0..300 {
        let mut text: Vec<char> = rules.chars().collect();
        for _ in 0..1 + random.below(4) {
            let at = random.below(text.len());
            text.insert(at, alphabet[random.below(alphabet.len())]);
        }
        run(&text.into_iter().collect::<String>());
    }
}
