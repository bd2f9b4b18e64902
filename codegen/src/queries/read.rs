//! Query files: `schema/queries/*.sql`, each query headed `-- name: <Name> :<command>` (sqlc's
//! annotation), its parameters written `$1`.. or by name (`@name`, `sqlc.arg(name)`,
//! `sqlc.narg(name)` for one that may be NULL) and rewritten to positions here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location};

/// What a query's function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `:one`: at most one row, `Option<Row>`.
    One,
    /// `:many`: every row, `Vec<Row>`.
    Many,
    /// `:exec`: nothing.
    Exec,
    /// `:execrows`: the number of rows affected.
    ExecRows,
}

impl Command {
    /// The annotation without its colon (`many`).
    pub fn as_str(self) -> &'static str {
        match self {
            Command::One => "one",
            Command::Many => "many",
            Command::Exec => "exec",
            Command::ExecRows => "execrows",
        }
    }

    fn parse(word: &str) -> Option<Command> {
        Some(match word {
            ":one" => Command::One,
            ":many" => Command::Many,
            ":exec" => Command::Exec,
            ":execrows" => Command::ExecRows,
            _ => return None,
        })
    }
}

/// One annotated query, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDef {
    /// Its name (`LogsAfter`).
    pub name: String,
    /// What its function returns.
    pub command: Command,
    /// The file it is in.
    pub path: PathBuf,
    /// The line of its `-- name:` header.
    pub line: u32,
    /// Comment lines between the header and the SQL: the function's documentation.
    pub doc: Vec<String>,
    /// The SQL as written (without the trailing `;`).
    pub sql: String,
    /// The line the SQL starts on.
    pub sql_line: u32,
    /// The SQL with named parameters rewritten to `$n`.
    pub positional: String,
    /// How many parameters it takes.
    pub params: u32,
    /// Names given to parameters (`@name`, `sqlc.arg(name)`), by number.
    pub param_names: BTreeMap<u32, String>,
    /// Parameters declared nullable (`sqlc.narg`).
    pub nullable: BTreeSet<u32>,
}

impl QueryDef {
    /// Where `needle` (a name or parameter) first appears in the query's SQL, as a place in
    /// its file; the query's first line when it does not appear.
    pub fn locate(&self, needle: &str) -> Location {
        let lower = self.sql.to_ascii_lowercase();
        let needle = needle.to_ascii_lowercase();
        let found = (!needle.is_empty())
            .then(|| {
                lower.match_indices(&needle).map(|(i, _)| i).find(|&i| {
                    let before = lower[..i].chars().next_back();
                    let after = lower[i + needle.len()..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    let ends_in_word = needle.chars().last().is_some_and(char::is_alphanumeric);
                    !(word(before) || ends_in_word && word(after))
                })
            })
            .flatten();
        match found {
            Some(i) => crate::diagnostic::locate(&self.sql, i, self.sql_line),
            None => Location {
                line: self.sql_line,
                column: 1,
            },
        }
    }
}

/// The query files of `dir` (`*.sql`, by name), each cut into its annotated queries. A missing
/// directory holds no queries.
pub fn read_queries(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<QueryDef> {
    let mut paths: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                dir,
                format!("cannot read the query folder: {e}"),
            ));
            return Vec::new();
        }
    };
    paths.sort();
    let mut out: Vec<QueryDef> = Vec::new();
    for path in paths {
        match fs::read_to_string(&path) {
            Ok(text) => {
                for q in split_file(&path, &text, diagnostics) {
                    if let Some(first) = out.iter().find(|o| o.name == q.name) {
                        diagnostics.push(Diagnostic::error_at(
                            &q.path,
                            Location {
                                line: q.line,
                                column: 1,
                            },
                            format!(
                                "query {} is defined twice (first at {}:{}); query names must be unique",
                                q.name,
                                first.path.display(),
                                first.line
                            ),
                        ));
                    } else {
                        out.push(q);
                    }
                }
            }
            Err(e) => diagnostics.push(Diagnostic::error(&path, format!("cannot read the file: {e}"))),
        }
    }
    out
}

/// The queries of one file's text, `path` naming the file in what they report (tools that
/// write queries in memory, such as the differential tester, read them here).
pub fn split_file(path: &Path, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<QueryDef> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let headers: Vec<usize> = (0..lines.len())
        .filter(|&i| header_of(lines[i]).is_some())
        .collect();
    if headers.is_empty()
        && text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
    {
        diagnostics.push(Diagnostic::error(
            path,
            "SQL without a `-- name: <Name> :one|:many|:exec|:execrows` header; head every query with one",
        ));
    }
    for (k, &start) in headers.iter().enumerate() {
        let end = headers.get(k + 1).copied().unwrap_or(lines.len());
        let line = start as u32 + 1;
        let at = |column: u32| Location { line, column };
        let (name, command) = match header_of(lines[start]) {
            Some(Ok(parts)) => parts,
            Some(Err(message)) => {
                diagnostics.push(Diagnostic::error_at(path, at(1), message));
                continue;
            }
            None => continue,
        };
        let body = &lines[start + 1..end];
        let first_sql = body
            .iter()
            .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"));
        let Some(first_sql) = first_sql else {
            diagnostics.push(Diagnostic::error_at(
                path,
                at(1),
                format!("query {name} has no SQL"),
            ));
            continue;
        };
        let doc = body[..first_sql]
            .iter()
            .filter_map(|l| l.trim_start().strip_prefix("--"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l).to_string())
            .collect();
        let sql = body[first_sql..].join("\n");
        let sql = sql.trim_end().trim_end_matches(';').trim_end().to_string();
        let sql_line = line + 1 + first_sql as u32;
        match rewrite_params(&sql) {
            Ok(rewritten) => out.push(QueryDef {
                name,
                command,
                path: path.to_path_buf(),
                line,
                doc,
                sql,
                sql_line,
                positional: rewritten.sql,
                params: rewritten.count,
                param_names: rewritten.names,
                nullable: rewritten.nullable,
            }),
            Err(message) => diagnostics.push(Diagnostic::error_at(
                path,
                Location {
                    line: sql_line,
                    column: 1,
                },
                message,
            )),
        }
    }
    out
}

/// `-- name: Name :command`: `None` for other lines, `Err` for a malformed header.
fn header_of(line: &str) -> Option<Result<(String, Command), String>> {
    let rest = line
        .trim_start()
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("name:")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    Some(match words.as_slice() {
        [name, command] => {
            let Some(command) = Command::parse(command) else {
                return Some(Err(format!(
                    "unknown command `{command}` for query {name}; use :one, :many, :exec or :execrows"
                )));
            };
            if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Some(Err(format!(
                    "query name `{name}` must start with a letter and hold only letters, digits and _"
                )));
            }
            Ok((name.to_string(), command))
        }
        _ => Err("a query header is `-- name: <Name> :one|:many|:exec|:execrows`".into()),
    })
}

/// SQL with its named parameters replaced by positions.
#[derive(Debug)]
struct Rewritten {
    sql: String,
    count: u32,
    names: BTreeMap<u32, String>,
    nullable: BTreeSet<u32>,
}

/// Replaces `@name`, `sqlc.arg(name)` and `sqlc.narg(name)` with `$n` (one number per name),
/// outside strings, quoted names and comments; counts `$n` parameters written by position.
fn rewrite_params(sql: &str) -> Result<Rewritten, String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    let mut nullable = BTreeSet::new();
    let mut positional = 0u32;
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut named = |name: String, null: bool, names: &mut BTreeMap<u32, String>| -> u32 {
        let n = match names.iter().find(|(_, v)| **v == name) {
            Some((n, _)) => *n,
            None => {
                let n = names.len() as u32 + 1;
                names.insert(n, name);
                n
            }
        };
        if null {
            nullable.insert(n);
        }
        n
    };
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 10)]
            .iter()
            .collect::<String>()
            .to_ascii_lowercase();
        if c == '\'' || c == '"' {
            let mut j = i + 1;
            while j < chars.len() {
                if chars[j] == c {
                    if chars.get(j + 1) == Some(&c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            out.extend(&chars[i..end]);
            i = end;
        } else if rest.starts_with("--") {
            let end = (i..chars.len())
                .find(|&j| chars[j] == '\n')
                .unwrap_or(chars.len());
            out.extend(&chars[i..end]);
            i = end;
        } else if rest.starts_with("/*") {
            let end = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2);
            out.extend(&chars[i..end]);
            i = end;
        } else if c == '$'
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && !(i > 0 && ident(chars[i - 1]))
        {
            let end = (i + 1..chars.len())
                .find(|&j| !chars[j].is_ascii_digit())
                .unwrap_or(chars.len());
            let digits: String = chars[i + 1..end].iter().collect();
            let n: u32 = digits
                .parse()
                .map_err(|_| format!("parameter ${digits} is out of range"))?;
            positional = positional.max(n);
            out.extend(&chars[i..end]);
            i = end;
        } else if c == '$' && !(i > 0 && ident(chars[i - 1])) {
            // A dollar-quoted string: $tag$ ... $tag$.
            let close = (i + 1..chars.len()).find(|&j| !ident(chars[j]));
            match close {
                Some(j) if chars[j] == '$' => {
                    let tag: String = chars[i..=j].iter().collect();
                    let body_start = j + 1;
                    let text: String = chars[body_start..].iter().collect();
                    let end = text.find(&tag).map_or(chars.len(), |k| {
                        body_start + text[..k].chars().count() + tag.chars().count()
                    });
                    out.extend(&chars[i..end]);
                    i = end;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        } else if c == '@' && chars.get(i + 1).is_some_and(|&n| n.is_alphabetic() || n == '_') {
            let end = (i + 1..chars.len())
                .find(|&j| !ident(chars[j]))
                .unwrap_or(chars.len());
            let name: String = chars[i + 1..end].iter().collect::<String>().to_ascii_lowercase();
            let n = named(name, false, &mut names);
            out.push_str(&format!("${n}"));
            i = end;
        } else if (rest.starts_with("sqlc.arg(") || rest.starts_with("sqlc.narg("))
            && !(i > 0 && ident(chars[i - 1]))
        {
            let open = i + if rest.starts_with("sqlc.arg(") { 9 } else { 10 };
            let close = (open..chars.len())
                .find(|&j| chars[j] == ')')
                .ok_or("`sqlc.arg(` without its closing `)`")?;
            let name: String = chars[open..close]
                .iter()
                .collect::<String>()
                .trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .to_ascii_lowercase();
            if name.is_empty() || !name.chars().all(ident) {
                return Err(format!(
                    "`{}` does not name a parameter",
                    chars[i..=close].iter().collect::<String>()
                ));
            }
            let n = named(name, rest.starts_with("sqlc.narg("), &mut names);
            out.push_str(&format!("${n}"));
            i = close + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    if positional > 0 && !names.is_empty() {
        return Err("the query mixes $n parameters with named ones (@name, sqlc.arg); use one kind".into());
    }
    Ok(Rewritten {
        sql: out,
        count: positional.max(names.len() as u32),
        names,
        nullable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_named_parameters_to_positions_outside_strings_and_comments() {
        let r = rewrite_params(
            "SELECT '@no', $$ @no $$ FROM t -- @no\nWHERE a = @team_id AND b = sqlc.narg(since) AND c = @team_id AND d = sqlc.arg('limit')",
        )
        .unwrap();
        assert_eq!(
            r.sql,
            "SELECT '@no', $$ @no $$ FROM t -- @no\nWHERE a = $1 AND b = $2 AND c = $1 AND d = $3"
        );
        assert_eq!(r.count, 3);
        assert_eq!(
            r.names.values().collect::<Vec<_>>(),
            ["team_id", "since", "limit"]
        );
        assert_eq!(r.nullable.iter().copied().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn counts_positional_parameters_and_refuses_a_mix() {
        assert_eq!(rewrite_params("SELECT $2::int, $1").unwrap().count, 2);
        assert!(rewrite_params("SELECT $1, @x").unwrap_err().contains("mixes"));
    }

    #[test]
    fn cuts_a_file_into_annotated_queries() {
        let mut d = Vec::new();
        let text = "-- header comment\n\n-- name: GetTeam :one\n-- The team with this id.\nSELECT * FROM teams WHERE id = $1;\n\n-- name: ListTeams :many\nSELECT * FROM teams;\n-- name: Bad :some\nSELECT 1;";
        let queries = split_file(Path::new("q.sql"), text, &mut d);
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[0].name, "GetTeam");
        assert_eq!(queries[0].line, 3);
        assert_eq!(queries[0].sql_line, 5);
        assert_eq!(queries[0].doc, ["The team with this id."]);
        assert_eq!(queries[0].sql, "SELECT * FROM teams WHERE id = $1");
        assert_eq!(queries[1].command, Command::Many);
        assert_eq!(d.len(), 1);
        assert!(d[0].to_string().contains("unknown command `:some`"), "{}", d[0]);
    }
}
