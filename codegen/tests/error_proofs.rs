//! The rule "an error is a proof": for every kind of error the fold reports, a history that
//! proves it (an error, with PostgreSQL's SQLSTATE) and the same history after a statement the
//! generator cannot read, which takes the proof away (a warning, and the fold goes on).
//! Each proving history was checked against PostgreSQL 15, which rejects its last statement
//! with the SQLSTATE named.

use std::path::{Path, PathBuf};

use stagely_codegen::catalog::Fold;
use stagely_codegen::diagnostic::Diagnostic;
use stagely_codegen::parse::parse_section;
use stagely_codegen::source::Section;

fn fold(sql: &str) -> Vec<Diagnostic> {
    let section = Section {
        sql: sql.to_string(),
        path: PathBuf::from("m.sql"),
        first_line: 1,
    };
    let mut diagnostics = Vec::new();
    let statements = parse_section(&section, &mut diagnostics);
    let mut fold = Fold::new();
    for statement in &statements {
        fold.fold(&section.path, statement);
    }
    let (_, more) = fold.finish();
    diagnostics.extend(more);
    diagnostics
}

/// One kind of error: what sets the scene, the statement PostgreSQL rejects, and an unread
/// statement (placed before it) that could have made it valid.
struct Case {
    sqlstate: &'static str,
    setup: &'static str,
    doubt: &'static str,
    rejected: &'static str,
    says: &'static str,
}

/// A `DO` block whose `EXECUTE` builds its statement at run time: it may have changed anything.
const ANYTHING: &str = "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (a int)', 'x'); END $$;";

const CASES: &[Case] = &[
    Case {
        sqlstate: "42P07",
        setup: "CREATE TABLE t (a int);",
        doubt: "DROP TABLE t FROBNICATE;",
        rejected: "CREATE TABLE t (b int);",
        says: "relation t already exists",
    },
    Case {
        sqlstate: "42P01",
        setup: "",
        doubt: "CREATE TABLE nope (a int) FROBNICATE;",
        rejected: "ALTER TABLE nope ADD COLUMN b int;",
        says: "table nope does not exist",
    },
    Case {
        sqlstate: "42701",
        setup: "CREATE TABLE t (a int);",
        doubt: "ALTER TABLE t FROBNICATE;",
        rejected: "ALTER TABLE t ADD COLUMN a int;",
        says: "column a of t already exists",
    },
    Case {
        sqlstate: "42703",
        setup: "CREATE TABLE t (a int);",
        doubt: "ALTER TABLE t FROBNICATE;",
        rejected: "ALTER TABLE t RENAME COLUMN b TO c;",
        says: "column b of t does not exist",
    },
    Case {
        sqlstate: "42704",
        setup: "",
        doubt: ANYTHING,
        rejected: "CREATE TABLE t (a mood);",
        says: "unknown type `mood`",
    },
    Case {
        sqlstate: "42710",
        setup: "CREATE TYPE mood AS ENUM ('a');",
        doubt: "DROP TYPE mood FROBNICATE;",
        rejected: "CREATE TYPE mood AS ENUM ('b');",
        says: "type mood already exists",
    },
    Case {
        sqlstate: "3F000",
        setup: "",
        doubt: "CREATE SCHEMA app FROBNICATE;",
        rejected: "CREATE TABLE app.t (a int);",
        says: "schema app does not exist",
    },
    Case {
        sqlstate: "2BP01",
        setup: "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int REFERENCES p);",
        doubt: "ALTER TABLE c FROBNICATE;",
        rejected: "DROP TABLE p;",
        says: "cannot drop table p: foreign key c_p_fkey on c references it",
    },
    Case {
        sqlstate: "42809",
        setup: "CREATE TABLE t (a int);",
        doubt: "ALTER TABLE t FROBNICATE;",
        rejected: "DROP VIEW t;",
        says: "t is not a view",
    },
    Case {
        sqlstate: "42P16",
        setup: "CREATE TABLE t (a int PRIMARY KEY);",
        doubt: "ALTER TABLE t FROBNICATE;",
        rejected: "ALTER TABLE t ADD PRIMARY KEY (a);",
        says: "multiple primary keys for table t are not allowed",
    },
    Case {
        sqlstate: "42804",
        setup: "CREATE TABLE p (a int);",
        doubt: "ALTER TABLE p FROBNICATE;",
        rejected: "CREATE TABLE c (a text) INHERITS (p);",
        says: "column a has type text here but integer in the parent",
    },
    Case {
        sqlstate: "42830",
        setup: "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));",
        doubt: "ALTER TABLE p FROBNICATE;",
        rejected: "CREATE TABLE c (x int REFERENCES p);",
        says: "foreign key on c(x) must reference as many columns of p",
    },
    Case {
        sqlstate: "55000",
        setup: "CREATE TABLE t (a int);",
        doubt: "ALTER TABLE t FROBNICATE;",
        rejected: "ALTER TABLE t ALTER COLUMN a SET GENERATED ALWAYS;",
        says: "column a of t is not an identity column",
    },
    Case {
        sqlstate: "22023",
        setup: "CREATE TYPE mood AS ENUM ('a');",
        doubt: "ALTER TYPE mood FROBNICATE;",
        rejected: "ALTER TYPE mood ADD VALUE 'b' BEFORE 'nope';",
        says: "'nope' is not a label of enum mood",
    },
];

#[test]
fn every_error_kind_is_an_error_when_proved() {
    for case in CASES {
        let sql = format!("{}\n{}", case.setup, case.rejected);
        let diagnostics = fold(&sql);
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{}: {diagnostics:#?}", case.sqlstate);
        assert!(
            errors[0].message.contains(case.says),
            "{}: {}",
            case.sqlstate,
            errors[0]
        );
        assert_eq!(errors[0].code, Some(case.sqlstate), "{}", errors[0]);
    }
}

#[test]
fn an_unread_statement_takes_the_proof_away() {
    for case in CASES {
        let sql = format!("{}\n{}\n{}", case.setup, case.doubt, case.rejected);
        let diagnostics = fold(&sql);
        assert!(
            !diagnostics.iter().any(Diagnostic::is_error),
            "{}: {diagnostics:#?}",
            case.sqlstate
        );
        // One warning: the doubt's, which counts the statement it stopped.
        assert_eq!(diagnostics.len(), 1, "{}: {diagnostics:#?}", case.sqlstate);
        assert!(
            diagnostics[0].message.contains("1 later statement depends on it"),
            "{}: {}",
            case.sqlstate,
            diagnostics[0]
        );
    }
}

#[test]
fn what_the_grammar_rejects_stays_an_error_whatever_came_before() {
    let diagnostics = fold(&format!("{ANYTHING}\nCREATE TABLE t (a int,, b int);"));
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    assert_eq!(errors[0].code, Some("42601"));
}

#[test]
fn a_doubt_covers_only_what_the_statement_names() {
    // `ALTER TABLE a` cannot be read, so a is uncertain; b is not, and its error stands.
    let diagnostics = fold(
        "CREATE TABLE a (x int); CREATE TABLE b (y int);\nALTER TABLE a FROBNICATE;\nALTER TABLE a DROP COLUMN z;\nALTER TABLE b DROP COLUMN z;",
    );
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, ["m.sql:4:1: column z of b does not exist"]);
}

#[test]
fn an_object_made_again_from_scratch_is_certain_again() {
    let diagnostics = fold(
        "CREATE TABLE t (a int);\nALTER TABLE t FROBNICATE;\nDROP TABLE t;\nCREATE TABLE t (b int);\nALTER TABLE t DROP COLUMN a;",
    );
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, ["m.sql:5:1: column a of t does not exist"]);
}

#[test]
fn one_unreadable_view_is_one_warning_not_a_cascade() {
    let (schema, diagnostics) = stagely_codegen::load(Path::new("tests/fixtures/unreadable_view/migrations"));
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(rendered.len(), 1, "{rendered:#?}");
    assert!(!diagnostics[0].is_error());
    assert!(
        rendered[0].contains("v is uncertain from here on")
            && rendered[0].contains(
                "5 later statements depend on it and were not applied, the first at 001_views.sql:6:1"
            ),
        "{}",
        rendered[0]
    );
    // `schema` marks what is uncertain, and why.
    let outline = stagely_codegen::catalog::outline(&schema.catalog);
    for name in ["v", "w", "w2", "ww"] {
        assert!(
            outline.contains(&format!("uncertain {name} (since 001_views.sql:5:")),
            "{outline}"
        );
    }
}
