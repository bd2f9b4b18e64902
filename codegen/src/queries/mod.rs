//! Typed queries: annotated SQL files ([`read`]) checked and typed against the catalog the
//! migrations fold into, with the same inference as views ([`crate::infer`]), statically.
//! `emit::queries` turns them into functions; `verify` proves the types on a live server.

pub mod read;

use std::path::Path;

use serde::Serialize;
use sqlparser::ast::Statement;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Location};
use crate::infer::{self, OutputColumn};
use crate::parse::lower_expr;
use crate::sql::query::Query;
pub use read::{Command, QueryDef, read_queries, split_file};

/// A query with what it takes and returns.
#[derive(Debug, Clone)]
pub struct TypedQuery {
    /// The query as read.
    pub def: QueryDef,
    /// Its parameters, `$1` first, each with a Rust-ready name.
    pub params: Vec<NamedParam>,
    /// The columns of the rows it returns (empty when it returns none).
    pub columns: Vec<OutputColumn>,
}

/// A parameter with the name its function argument gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedParam {
    /// The name: given (`@team_id`), else the column it is compared with or written to, else
    /// `p<n>`; unique within the query.
    pub name: String,
    /// Its type, as `format_type()` prints it.
    pub ty: String,
    /// May be NULL (`sqlc.narg`).
    pub nullable: bool,
}

/// The folder of query files beside a migrations folder (`schema/migrations` ->
/// `schema/queries`).
pub fn default_dir(migrations: &Path) -> std::path::PathBuf {
    migrations.parent().unwrap_or(Path::new(".")).join("queries")
}

/// Types every query against `schema` (the fold, after the migrations) and `catalog` (for the
/// hints of errors). Every problem is reported, each at its query's line and column.
pub fn check(
    schema: &dyn infer::Schema,
    catalog: &Catalog,
    defs: Vec<QueryDef>,
) -> (Vec<TypedQuery>, Vec<Diagnostic>) {
    let mut typed = Vec::new();
    let mut diagnostics = Vec::new();
    for def in defs {
        match check_one(schema, catalog, &def) {
            Ok((params, columns)) => typed.push(TypedQuery { def, params, columns }),
            Err((location, message)) => diagnostics.push(Diagnostic::error_at(
                &def.path,
                location,
                format!("query {}: {message}", def.name),
            )),
        }
    }
    (typed, diagnostics)
}

type Checked = (Vec<NamedParam>, Vec<OutputColumn>);

fn check_one(
    schema: &dyn infer::Schema,
    catalog: &Catalog,
    def: &QueryDef,
) -> Result<Checked, (Location, String)> {
    let here = Location {
        line: def.sql_line,
        column: 1,
    };
    let statement = parse(def)?;
    let cx = crate::parse::lower::Context::detached();
    let query = match &statement {
        Statement::Query(q) => lower_expr::query(q, &cx),
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
            lower_expr::modify(&statement, &cx)
        }
        _ => {
            return Err((
                here,
                "only SELECT, INSERT, UPDATE and DELETE (with WITH, RETURNING, ON CONFLICT) can be queries"
                    .into(),
            ));
        }
    };
    let inferred = infer::infer_statement(schema, &query, def.params, &def.nullable)
        .map_err(|why| explain(def, catalog, &query, why))?;
    if inferred.columns.is_empty() && matches!(def.command, Command::One | Command::Many) {
        return Err((
            here,
            format!(
                "`:{}` needs rows, but the statement returns none; add RETURNING, or annotate it :exec or :execrows",
                def.command.as_str()
            ),
        ));
    }
    let mut params: Vec<NamedParam> = Vec::new();
    for p in inferred.params {
        let base = def
            .param_names
            .get(&p.number)
            .cloned()
            .or(p.name)
            .unwrap_or_else(|| format!("p{}", p.number));
        let mut name = base.clone();
        let mut k = 2;
        while params.iter().any(|o| o.name == name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        params.push(NamedParam {
            name,
            ty: p.ty,
            nullable: p.nullable,
        });
    }
    Ok((params, inferred.columns))
}

/// The one statement of a query, or where sqlparser stopped.
fn parse(def: &QueryDef) -> Result<Statement, (Location, String)> {
    let here = Location {
        line: def.sql_line,
        column: 1,
    };
    let mut statements = crate::parse::parse_statements(&def.positional).map_err(|message| {
        let at = parser_location(&message).map_or(here, |(line, column)| Location {
            line: def.sql_line + line - 1,
            column,
        });
        let message = message.trim_start_matches("sql parser error: ");
        let message = message.split(" at Line:").next().unwrap_or(message);
        (at, format!("cannot parse: {message}"))
    })?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        0 => Err((here, "no statement".into())),
        _ => Err((
            here,
            "holds more than one statement; give each its own `-- name:` header".into(),
        )),
    }
}

/// `... at Line: 2, Column: 5` in a sqlparser message.
fn parser_location(message: &str) -> Option<(u32, u32)> {
    let rest = &message[message.rfind("Line: ")? + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// An inference failure as an error at its place, with the nearest name as a hint.
fn explain(def: &QueryDef, catalog: &Catalog, query: &Query, why: String) -> (Location, String) {
    if let Some(rest) = why.strip_prefix("relation ")
        && let Some(name) = rest.strip_suffix(" does not exist")
    {
        let candidates = catalog.tables.iter().map(|r| {
            if r.schema == crate::catalog::fold::DEFAULT_SCHEMA {
                r.name.clone()
            } else {
                format!("{}.{}", r.schema, r.name)
            }
        });
        let hint = nearest(name, candidates).map_or(String::new(), |n| format!("; did you mean {n}?"));
        return (def.locate(name), format!("{why}{hint}"));
    }
    if let Some(rest) = why.strip_prefix("column ")
        && let Some(name) = rest.strip_suffix(" does not exist")
    {
        let bare = name.rsplit('.').next().unwrap_or(name);
        let candidates = query
            .relations()
            .iter()
            .filter_map(|n| catalog.tables.iter().find(|r| r.name == n.name))
            .flat_map(|r| r.columns.iter().map(|c| c.name.clone()))
            .collect::<Vec<_>>();
        let hint = nearest(bare, candidates).map_or(String::new(), |n| format!("; did you mean {n}?"));
        return (def.locate(name), format!("{why}{hint}"));
    }
    if let Some(rest) = why.strip_prefix("could not determine the type of parameter $") {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let shown = match n.parse::<u32>().ok().and_then(|n| def.param_names.get(&n)) {
            Some(name) if def.sql.contains(&format!("@{name}")) => format!("@{name}"),
            Some(name) => name.clone(),
            None => format!("${n}"),
        };
        return (def.locate(&shown), why);
    }
    if let Some(rest) = why.strip_prefix("column reference \"")
        && let Some((name, _)) = rest.split_once('"')
    {
        return (def.locate(name), format!("{why}; qualify it with its table"));
    }
    (
        Location {
            line: def.sql_line,
            column: 1,
        },
        why,
    )
}

/// The candidate closest to `name` by edit distance, when it is close enough to be a typo.
fn nearest(name: &str, candidates: impl IntoIterator<Item = String>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, &c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(name.chars().count()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let substitution = previous + usize::from(ca != b[j]);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The stable JSON form `stagely-codegen queries --json` prints.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    queries: Vec<ReportQuery<'a>>,
}

#[derive(Debug, Serialize)]
struct ReportQuery<'a> {
    name: &'a str,
    file: String,
    line: u32,
    command: &'static str,
    params: Vec<ReportValue<'a>>,
    columns: Vec<ReportValue<'a>>,
}

#[derive(Debug, Serialize)]
struct ReportValue<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: String,
    nullable: bool,
}

impl<'a> Report<'a> {
    /// The report of `queries`.
    pub fn new(queries: &'a [TypedQuery]) -> Self {
        Report {
            queries: queries
                .iter()
                .map(|q| ReportQuery {
                    name: &q.def.name,
                    file: q.def.path.display().to_string(),
                    line: q.def.line,
                    command: q.def.command.as_str(),
                    params: q
                        .params
                        .iter()
                        .map(|p| ReportValue {
                            name: &p.name,
                            ty: p.ty.clone(),
                            nullable: p.nullable,
                        })
                        .collect(),
                    columns: q
                        .columns
                        .iter()
                        .map(|c| ReportValue {
                            name: &c.name,
                            ty: c.typed.ty.clone().finish().unwrap_or_default(),
                            nullable: c.typed.nullable,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let names = || ["teams", "projects", "environments"].map(String::from);
        assert_eq!(nearest("projcts", names()), Some("projects".into()));
        assert_eq!(nearest("enviroments", names()), Some("environments".into()));
        assert_eq!(nearest("zzz", names()), None);
    }

    #[test]
    fn reads_sqlparser_positions() {
        assert_eq!(
            parser_location("sql parser error: Expected: end of statement, found: x at Line: 2, Column: 8"),
            Some((2, 8))
        );
    }
}
