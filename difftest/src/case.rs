//! One case: a history, rows, and queries; generated from choices ([`explore`]) or given as
//! text ([`replay`], what regression tests do), applied to PostgreSQL, and judged.
//!
//! The judgement ([`judge`]) holds the generator to what PostgreSQL did with the same SQL:
//! - the history folds with no error (PostgreSQL applied every statement of it);
//! - the static catalog equals the live one on every object it does not mark uncertain;
//! - every query PostgreSQL can prepare is typed, with PostgreSQL's parameter and column
//!   types, and running it over the rows never returns NULL in a column inferred NOT NULL.

use std::fmt;
use std::path::{Path, PathBuf};

use proptest::collection::vec;
use proptest::prelude::*;
use stagely_codegen::catalog::{Catalog, Fold};
use stagely_codegen::diagnostic::Diagnostic;
use stagely_codegen::parse::parse_section;
use stagely_codegen::queries::{self, TypedQuery};
use stagely_codegen::source::Section;
use stagely_codegen::verify::compare;

use crate::choices::Forms;
use crate::history::{self, State};
use crate::oracle::{Oracle, OracleError};
use crate::types::{SqlTy, value_of};

/// The choices a case is generated from: one list per history statement, one for the rows,
/// one per query. Shrinking removes statements and queries and lowers choices towards 0.
#[derive(Debug, Clone)]
pub struct Choices {
    /// One list per statement of the history.
    pub steps: Vec<Vec<u16>>,
    /// The rows.
    pub rows: Vec<u16>,
    /// One list per query.
    pub queries: Vec<Vec<u16>>,
}

/// The strategy of cases with at most `max_steps` statements and `max_queries` queries.
pub fn strategy(max_steps: usize, max_queries: usize) -> impl Strategy<Value = Choices> {
    (
        vec(vec(any::<u16>(), 32), 1..=max_steps.max(1)),
        vec(any::<u16>(), 64),
        vec(vec(any::<u16>(), 64), 0..=max_queries),
    )
        .prop_map(|(steps, rows, queries)| Choices { steps, rows, queries })
}

/// A case as SQL: what a regression test holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The history, statement by statement (those PostgreSQL accepted, once applied).
    pub history: Vec<String>,
    /// Rows inserted after it.
    pub data: Vec<String>,
    /// Annotated queries (`-- name: Q1 :many` and the SQL).
    pub queries: Vec<String>,
}

impl Written {
    /// A case from string slices (as regression tests write them).
    pub fn new(history: &[&str], data: &[&str], queries: &[&str]) -> Self {
        let own = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        Self {
            history: own(history),
            data: own(data),
            queries: own(queries),
        }
    }

    /// The case as a test for `difftest/tests/regressions.rs`, named `name`.
    pub fn as_test(&self, name: &str, about: &str) -> String {
        let list = |items: &[String]| -> String {
            if items.is_empty() {
                return "&[]".into();
            }
            let lines: Vec<String> = items.iter().map(|s| format!("            {s:?},")).collect();
            format!("&[\n{}\n        ]", lines.join("\n"))
        };
        format!(
            "/// {about}\n#[tokio::test]\nasync fn {name}() {{\n    agrees(Written::new(\n        {},\n        {},\n        {},\n    ))\n    .await;\n}}\n",
            list(&self.history),
            list(&self.data),
            list(&self.queries)
        )
    }
}

/// What kind of disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The fold reported an error on a history PostgreSQL applied.
    FoldError,
    /// The static catalog differs from the live one.
    Catalog,
    /// A query PostgreSQL prepares was rejected by the generator.
    QueryRejected,
    /// A query's inferred parameter or column types differ from PostgreSQL's.
    Types,
    /// A column inferred NOT NULL returned NULL.
    Nullability,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::FoldError => "fold error on a history PostgreSQL applies",
            Kind::Catalog => "catalog difference",
            Kind::QueryRejected => "query PostgreSQL prepares was rejected",
            Kind::Types => "query type difference",
            Kind::Nullability => "NULL in a column inferred NOT NULL",
        })
    }
}

/// One way the generator and PostgreSQL disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// What kind.
    pub kind: Kind,
    /// What exactly.
    pub detail: String,
}

/// What a case came to.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The case as applied: only what PostgreSQL accepted.
    pub written: Written,
    /// Statements, rows and queries PostgreSQL rejected (dropped from the case).
    pub rejected: usize,
    /// Queries prepared and compared.
    pub queries: usize,
    /// Rows the queries returned.
    pub rows: usize,
    /// The disagreements.
    pub disagreements: Vec<Disagreement>,
    /// The generator's warnings (what it did not understand).
    pub warnings: Vec<String>,
    /// Forms produced.
    pub forms: Forms,
}

/// Generates a case from `choices` and judges it: each history statement is written against
/// the catalog folded from those PostgreSQL accepted before it.
pub async fn explore(oracle: &mut Oracle, choices: &Choices) -> Result<Outcome, OracleError> {
    let mut outcome = Outcome::default();
    oracle.begin().await?;
    let mut fold = Fold::new();
    let path = PathBuf::from("history.sql");
    fold.begin_file(&path);
    let mut state = State::default();
    for (i, numbers) in choices.steps.iter().enumerate() {
        let statement = history::statement(numbers, fold.catalog(), &state);
        outcome.forms.merge(&statement.forms);
        if oracle.try_statement(&statement.sql).await? {
            state = statement.after;
            fold_one(&mut fold, &path, &statement.sql, i as u32 + 1);
            outcome.written.history.push(statement.sql);
        } else {
            state.counter = statement.after.counter;
            outcome.rejected += 1;
        }
    }
    let (catalog, _) = fold.finish();
    outcome.written.data = crate::data::rows(&choices.rows, &catalog);
    for (i, numbers) in choices.queries.iter().enumerate() {
        let q = crate::query::query(i + 1, numbers, &catalog);
        outcome.forms.merge(&q.forms);
        outcome.written.queries.push(q.text);
    }
    let judged = judge(oracle, &mut outcome).await;
    oracle.rollback().await?;
    judged?;
    Ok(outcome)
}

/// Applies and judges a written case (statements PostgreSQL rejects are dropped).
pub async fn replay(oracle: &mut Oracle, written: &Written) -> Result<Outcome, OracleError> {
    let mut outcome = Outcome::default();
    oracle.begin().await?;
    let applied = async {
        for sql in &written.history {
            if oracle.try_statement(sql).await? {
                outcome.written.history.push(sql.clone());
            } else {
                outcome.rejected += 1;
            }
        }
        outcome.written.data = written.data.clone();
        outcome.written.queries = written.queries.clone();
        judge(oracle, &mut outcome).await
    }
    .await;
    oracle.rollback().await?;
    applied?;
    Ok(outcome)
}

fn fold_one(fold: &mut Fold, path: &Path, sql: &str, line: u32) {
    let section = Section {
        sql: format!("{sql};\n"),
        path: path.to_path_buf(),
        first_line: line,
    };
    let mut ignored = Vec::new();
    for statement in parse_section(&section, &mut ignored) {
        fold.fold(path, &statement);
    }
}

/// The history as one migration file, a statement per line.
fn history_text(history: &[String]) -> String {
    history.iter().map(|s| format!("{s};\n")).collect()
}

/// Judges a case whose history is applied in the open transaction: folds it from scratch,
/// compares catalogs, inserts the rows, types and runs the queries.
async fn judge(oracle: &mut Oracle, outcome: &mut Outcome) -> Result<(), OracleError> {
    let path = PathBuf::from("history.sql");
    let section = Section {
        sql: history_text(&outcome.written.history),
        path: path.clone(),
        first_line: 1,
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let statements = parse_section(&section, &mut diagnostics);
    let mut fold = Fold::new();
    fold.begin_file(&path);
    for statement in &statements {
        fold.fold(&path, statement);
    }
    // Queries see the catalog as a new session does, on both sides.
    oracle.try_statement("RESET search_path").await?;
    let queries_path = PathBuf::from("queries.sql");
    fold.begin_file(&queries_path);
    let mut typed: Vec<Option<TypedQuery>> = Vec::new();
    let mut query_problems: Vec<Vec<Diagnostic>> = Vec::new();
    for text in &outcome.written.queries {
        let mut found = Vec::new();
        let defs = queries::split_file(&queries_path, text, &mut found);
        let (mut ok, problems) = queries::check(&fold, fold.catalog(), defs);
        found.extend(problems);
        typed.push(ok.pop());
        query_problems.push(found);
    }
    let (expected, fold_diagnostics) = fold.finish();
    diagnostics.extend(fold_diagnostics);
    for d in &diagnostics {
        if d.is_error() {
            outcome.disagreements.push(Disagreement {
                kind: Kind::FoldError,
                detail: d.to_string(),
            });
        } else {
            outcome.warnings.push(d.to_string());
        }
    }
    let live = oracle.catalog().await?;
    let mut settled = expected.clone();
    oracle.settle(&mut settled).await?;
    for difference in compare(&settled, &live) {
        if difference.uncertain.is_none() {
            outcome.disagreements.push(Disagreement {
                kind: Kind::Catalog,
                detail: difference.to_string(),
            });
        }
    }
    let mut kept = Vec::new();
    for sql in &outcome.written.data {
        if oracle.try_statement(sql).await? {
            kept.push(sql.clone());
        } else {
            outcome.rejected += 1;
        }
    }
    outcome.written.data = kept;
    let texts = std::mem::take(&mut outcome.written.queries);
    for ((text, typed), problems) in texts.into_iter().zip(typed).zip(query_problems) {
        let sql = query_sql(&text);
        let Some(param_types) = oracle.prepare(&sql).await? else {
            outcome.rejected += 1;
            continue;
        };
        outcome.queries += 1;
        let Some(typed) = typed else {
            let why: Vec<String> = problems.iter().map(ToString::to_string).collect();
            outcome.disagreements.push(Disagreement {
                kind: Kind::QueryRejected,
                detail: format!("{}: {}", first_line(&sql), why.join("; ")),
            });
            outcome.written.queries.push(text);
            continue;
        };
        for difference in oracle.prove(&typed).await? {
            outcome.disagreements.push(Disagreement {
                kind: Kind::Types,
                detail: format!("{difference} in `{sql}`"),
            });
        }
        let run = with_arguments(&typed.def.positional, &param_types, &expected);
        if let Some(rows) = oracle.null_map(&run).await? {
            outcome.rows += rows.len();
            for row in &rows {
                for (column, is_null) in typed.columns.iter().zip(row) {
                    if *is_null && !column.typed.nullable {
                        outcome.disagreements.push(Disagreement {
                            kind: Kind::Nullability,
                            detail: format!(
                                "column {} is inferred NOT NULL but `{run}` returned NULL",
                                column.name
                            ),
                        });
                    }
                }
            }
        }
        outcome.written.queries.push(text);
    }
    outcome.disagreements.dedup();
    Ok(())
}

/// The SQL of an annotated query, without its header and `;`.
fn query_sql(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("-- name:"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .trim_end_matches(';')
        .to_string()
}

fn first_line(sql: &str) -> &str {
    sql.lines().next().unwrap_or(sql)
}

/// `sql` with each `$n` replaced by a value of the type PostgreSQL gave the parameter.
fn with_arguments(sql: &str, types: &[String], catalog: &Catalog) -> String {
    let mut out = String::new();
    let mut chars = sql.char_indices().peekable();
    let mut quoted = false;
    while let Some((_, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            let mut digits = String::new();
            while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            let n: usize = digits.parse().unwrap_or(0);
            let ty = types
                .get(n.wrapping_sub(1))
                .cloned()
                .unwrap_or_else(|| "text".into());
            let numbers = [n as u16; 8];
            let mut p = crate::choices::Picks::new(&numbers);
            out.push_str(&format!(
                "({})",
                value_of(&SqlTy::of(&ty, catalog), catalog, &mut p)
            ));
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_replace_parameters_outside_literals() {
        let catalog = Catalog::default();
        let sql = with_arguments(
            "SELECT $1 + 1, '$2', $2",
            &["integer".into(), "text".into()],
            &catalog,
        );
        assert!(sql.starts_with("SELECT (CAST("), "{sql}");
        assert!(sql.contains("'$2'"), "{sql}");
        assert!(!sql.contains(", $2"), "{sql}");
    }

    #[test]
    fn a_written_case_prints_as_a_test() {
        let case = Written::new(
            &["CREATE TABLE t (a int)"],
            &[],
            &["-- name: Q1 :many\nSELECT a FROM t;\n"],
        );
        let test = case.as_test("selects_a_column", "Pins: plain columns.");
        assert!(test.contains("async fn selects_a_column()"), "{test}");
        assert!(test.contains("\"CREATE TABLE t (a int)\","), "{test}");
    }
}
