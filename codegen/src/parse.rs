//! SQL in, located statements out: the only place that knows about sqlparser.
//!
//! Each Up section is tokenized once; statements are cut at top-level `;` from the token stream
//! (dollar-quoted bodies are single tokens, and `BEGIN ATOMIC ... END` bodies are kept whole),
//! so every statement knows the file line and column of its first token before it is parsed.
//! Statements are then parsed one by one: a statement that does not parse is reported at the
//! position sqlparser names (or at the end of the statement, never at a made-up `1:1`) and the
//! next statement is parsed as if nothing happened. Parsed statements are lowered into
//! [`crate::catalog::ddl`], our own small DDL language.

mod lower;
mod lower_expr;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::diagnostic::{Diagnostic, Location};
use crate::source::Section;
use crate::sql::TypeName;
use crate::sql::ddl::{Ddl, Statement};
use crate::sql::expr::Expr;

/// Parses every statement of an Up (or Down) section.
///
/// Errors are pushed onto `diagnostics`, one per statement that does not parse; the statements
/// that do parse are returned in order, each with its position in the file.
pub fn parse_section(section: &Section, diagnostics: &mut Vec<Diagnostic>) -> Vec<Statement> {
    let mut found = Vec::new();
    let statements = parse_located(section, &mut found);
    // Reported in file order, whichever stage noticed them.
    found.sort_by_key(|d| d.location);
    diagnostics.extend(found);
    statements
}

fn parse_located(section: &Section, diagnostics: &mut Vec<Diagnostic>) -> Vec<Statement> {
    let to_file = |at: sqlparser::tokenizer::Location| file_location(section, at);
    let tokens = match Tokenizer::new(&PostgreSqlDialect {}, &section.sql).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(err) => {
            diagnostics.push(Diagnostic::error_at(
                &section.path,
                to_file(err.location),
                format!("cannot read SQL: {}", err.message),
            ));
            // Everything before the bad token still counts; the statement it is in does not.
            match tokenize_prefix(section, err.location) {
                Some(tokens) => tokens,
                None => return Vec::new(),
            }
        }
    };
    split_statements(tokens)
        .into_iter()
        .filter_map(|(tokens, _)| parse_statement(section, tokens, diagnostics))
        .collect()
}

/// One statement's SQL text and where it starts in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlStatement {
    /// The statement, without the leading comments and the closing `;`.
    pub sql: String,
    /// Where its first token is in the file.
    pub location: Location,
    /// Byte offset of `sql` within the section.
    pub offset: usize,
}

/// Cuts a section into statements the way psql does, for running them one at a time.
pub fn split_section(section: &Section) -> Result<Vec<SqlStatement>, Diagnostic> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, &section.sql)
        .tokenize_with_location()
        .map_err(|err| {
            Diagnostic::error_at(
                &section.path,
                file_location(section, err.location),
                format!("cannot read SQL: {}", err.message),
            )
        })?;
    let mut out = Vec::new();
    for (tokens, end) in split_statements(tokens) {
        let Some(first) = tokens.iter().find(|t| !is_trivia(&t.token)) else {
            continue;
        };
        let start = byte_offset(&section.sql, first.span.start).unwrap_or(0);
        let end = end
            .and_then(|at| byte_offset(&section.sql, at))
            .unwrap_or(section.sql.len())
            .max(start);
        out.push(SqlStatement {
            sql: section.sql[start..end].to_string(),
            location: file_location(section, first.span.start),
            offset: start,
        });
    }
    Ok(out)
}

/// Parses one SQL expression, as PostgreSQL prints stored ones (`pg_get_expr`), for `verify`.
pub fn parse_expression(sql: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(sql)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if parser.peek_token().token != Token::EOF {
        return Err(format!("unexpected text after expression: {sql}"));
    }
    Ok(lower_expr::expr(&expr, &lower::Context::detached()))
}

/// Parses a type name as PostgreSQL prints it (`format_type`), for `verify`.
pub fn parse_type(sql: &str) -> Result<TypeName, String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(sql)
        .map_err(|e| e.to_string())?;
    let data_type = parser.parse_data_type().map_err(|e| e.to_string())?;
    Ok(lower_expr::type_name(&data_type))
}

/// Converts a position in a section (as the tokenizer counts) into a position in the file.
fn file_location(section: &Section, at: sqlparser::tokenizer::Location) -> Location {
    Location {
        line: section.first_line + (at.line.max(1) as u32) - 1,
        column: at.column.max(1) as u32,
    }
}

/// Tokenizes the text before `stop`, for recovering from a tokenizer error.
fn tokenize_prefix(section: &Section, stop: sqlparser::tokenizer::Location) -> Option<Vec<TokenWithSpan>> {
    let offset = byte_offset(&section.sql, stop)?;
    let mut tokens = Tokenizer::new(&PostgreSqlDialect {}, &section.sql[..offset])
        .tokenize_with_location()
        .ok()?;
    // The statement the bad token belongs to is incomplete: keep only whole statements.
    let last_semicolon = tokens.iter().rposition(|t| t.token == Token::SemiColon)?;
    tokens.truncate(last_semicolon + 1);
    Some(tokens)
}

/// The byte offset of a 1-based line and character column in `text`.
fn byte_offset(text: &str, at: sqlparser::tokenizer::Location) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..at.line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let column = at.column.saturating_sub(1) as usize;
    let within = text[line_start..]
        .char_indices()
        .nth(column)
        .map_or(text.len() - line_start, |(i, _)| i);
    Some(line_start + within)
}

fn is_trivia(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

fn keyword_is(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Cuts a token stream into statements at top-level semicolons.
///
/// A semicolon inside a SQL-standard function body (`BEGIN ATOMIC ... END`) does not end the
/// statement, as in psql. Statements made only of whitespace and comments are dropped.
///
/// Each statement comes with the position of the `;` that ends it (none for the last one
/// when the file does not end with `;`).
fn split_statements(
    tokens: Vec<TokenWithSpan>,
) -> Vec<(Vec<TokenWithSpan>, Option<sqlparser::tokenizer::Location>)> {
    let mut statements = Vec::new();
    let mut current: Vec<TokenWithSpan> = Vec::new();
    let mut atomic_depth = 0u32;
    for token in tokens {
        if token.token == Token::EOF {
            break;
        }
        if atomic_depth > 0 {
            if keyword_is(&token.token, "CASE") {
                atomic_depth += 1;
            } else if keyword_is(&token.token, "END") {
                atomic_depth -= 1;
            }
        } else if keyword_is(&token.token, "ATOMIC")
            && current
                .iter()
                .rev()
                .find(|t| !is_trivia(&t.token))
                .is_some_and(|t| keyword_is(&t.token, "BEGIN"))
        {
            atomic_depth = 1;
        }
        if token.token == Token::SemiColon && atomic_depth == 0 {
            if current.iter().any(|t| !is_trivia(&t.token)) {
                statements.push((std::mem::take(&mut current), Some(token.span.start)));
            } else {
                current.clear();
            }
            continue;
        }
        current.push(token);
    }
    if current.iter().any(|t| !is_trivia(&t.token)) {
        statements.push((current, None));
    }
    statements
}

/// The unquoted words a statement starts with, upper case (`["CREATE", "OR", "REPLACE", ...]`).
fn leading_words(tokens: &[TokenWithSpan], n: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            other => other.to_string(),
        })
        .collect()
}

fn parse_statement(
    section: &Section,
    tokens: Vec<TokenWithSpan>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let first = tokens.iter().find(|t| !is_trivia(&t.token))?;
    let location = file_location(section, first.span.start);
    let end = tokens
        .iter()
        .rev()
        .find(|t| !is_trivia(&t.token))
        .map_or(first.span.end, |t| t.span.end);
    let words = leading_words(&tokens, 4);
    let all_words = leading_words(&tokens, usize::MAX);

    // sqlparser does not read DO blocks, and nobody can see into them statically.
    if words.first().is_some_and(|w| w == "DO") {
        let ddl = Ddl::Unsupported {
            reason: "DO block: the generator cannot see into it, so any DDL inside is not in the catalog; write the DDL as plain statements".into(),
        };
        return Some(Statement { location, ddl });
    }

    let mut parsed = parse_tokens(tokens.clone());
    let mut domain_not_null = false;
    if parsed.is_err() {
        // PostgreSQL accepts a few clauses sqlparser does not read. `NOT VALID` on a constraint
        // only skips checking existing rows; `NOT NULL` on a domain is recorded by hand.
        let is_domain = words.get(1).is_some_and(|w| w == "DOMAIN");
        let mut retry = without_words(&tokens, &["NOT", "VALID"]).0;
        if is_domain {
            let (stripped, removed) = without_words(&retry, &["NOT", "NULL"]);
            domain_not_null = removed;
            retry = without_words(&stripped, &["NULL"]).0;
        }
        if retry.len() != tokens.len()
            && let Ok(statement) = parse_tokens(retry)
        {
            parsed = Ok(statement);
        }
    }
    match parsed {
        Ok(statement) => {
            let context = lower::Context::new(section, location);
            let mut ddl = lower::statement(statement, &context);
            if let Ddl::CreateDomain { not_null, .. } = &mut ddl {
                *not_null |= domain_not_null;
            }
            Some(Statement { location, ddl })
        }
        Err(err) => {
            if cannot_change_shape(&words) || storage_only_alter(&all_words) {
                // The server will judge it; it cannot change tables, views or types.
                return Some(Statement {
                    location,
                    ddl: Ddl::Skipped,
                });
            }
            let (message, at) = split_parser_error(&err);
            let at = at.map_or_else(|| file_location(section, end), |at| file_location(section, at));
            diagnostics.push(Diagnostic::error_at(
                &section.path,
                at,
                format!("cannot parse statement: {message}"),
            ));
            None
        }
    }
}

/// Parses the tokens of one statement, which must be all of it.
fn parse_tokens(tokens: Vec<TokenWithSpan>) -> Result<sqlparser::ast::Statement, ParserError> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(tokens);
    let statement = parser.parse_statement()?;
    let next = parser.peek_token();
    if next.token == Token::EOF {
        Ok(statement)
    } else {
        Err(ParserError::ParserError(format!(
            "Expected: end of statement, found: {}{}",
            next.token, next.span.start
        )))
    }
}

/// The tokens without any run of the unquoted words `words` (whitespace between them
/// allowed), and whether there was one.
fn without_words(tokens: &[TokenWithSpan], words: &[&str]) -> (Vec<TokenWithSpan>, bool) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut removed = false;
    let mut i = 0;
    while i < tokens.len() {
        // Try to match `words` starting here, skipping trivia between them.
        let mut j = i;
        let mut matched = 0;
        while matched < words.len() && j < tokens.len() {
            if is_trivia(&tokens[j].token) && matched > 0 {
                j += 1;
                continue;
            }
            if keyword_is(&tokens[j].token, words[matched]) {
                matched += 1;
                j += 1;
            } else {
                break;
            }
        }
        if matched == words.len() {
            removed = true;
            i = j;
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    (out, removed)
}

/// Separates sqlparser's " at Line: l, Column: c" suffix from its message.
fn split_parser_error(err: &ParserError) -> (String, Option<sqlparser::tokenizer::Location>) {
    let text = match err {
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => {
            return ("expression nested too deeply".into(), None);
        }
    };
    if let Some(i) = text.rfind(" at Line: ") {
        let tail = &text[i + " at Line: ".len()..];
        if let Some((line, column)) = tail.split_once(", Column: ")
            && let (Ok(line), Ok(column)) = (line.trim().parse(), column.trim().parse())
        {
            return (
                text[..i].to_string(),
                Some(sqlparser::tokenizer::Location { line, column }),
            );
        }
    }
    (text, None)
}

/// `ALTER TABLE t ALTER COLUMN c SET STATISTICS 100` and other single actions that only
/// change how a table is stored (sqlparser reads few of them).
fn storage_only_alter(words: &[String]) -> bool {
    let text = words.join(" ");
    let single_action = !words.iter().any(|w| w == ",");
    text.starts_with("ALTER TABLE ")
        && single_action
        && [
            " SET STATISTICS ",
            " SET STORAGE ",
            " SET COMPRESSION ",
            " SET TABLESPACE ",
            " CLUSTER ON ",
            " SET WITHOUT CLUSTER",
            " SET ACCESS METHOD ",
            " SET (",
            " RESET (",
        ]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Statements that cannot change tables, views or types, judged by their first words; used
/// when sqlparser cannot read a statement (PL/pgSQL bodies, unusual options).
fn cannot_change_shape(words: &[String]) -> bool {
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    let object = if word(1) == "OR" && word(2) == "REPLACE" {
        word(3)
    } else {
        word(1)
    };
    match word(0) {
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "SELECT" | "VALUES" | "WITH" | "GRANT" | "REVOKE"
        | "SET" | "RESET" | "BEGIN" | "COMMIT" | "ROLLBACK" | "START" | "END" | "SAVEPOINT" | "RELEASE"
        | "ANALYZE" | "VACUUM" | "NOTIFY" | "LISTEN" | "UNLISTEN" | "TRUNCATE" | "COPY" | "LOCK"
        | "DISCARD" | "CLUSTER" | "REINDEX" | "CHECKPOINT" | "REFRESH" | "SECURITY" | "PREPARE"
        | "DEALLOCATE" | "DECLARE" | "FETCH" | "CLOSE" | "MOVE" | "SHOW" | "EXPLAIN" | "LOAD" => true,
        "CREATE" | "ALTER" | "DROP" => matches!(
            object,
            "FUNCTION"
                | "PROCEDURE"
                | "TRIGGER"
                | "CONSTRAINT"
                | "EVENT"
                | "ROLE"
                | "USER"
                | "GROUP"
                | "POLICY"
                | "RULE"
                | "AGGREGATE"
                | "OPERATOR"
                | "CAST"
                | "COLLATION"
                | "CONVERSION"
                | "LANGUAGE"
                | "PUBLICATION"
                | "SUBSCRIPTION"
                | "SERVER"
                | "STATISTICS"
                | "TEXT"
                | "SEQUENCE"
                | "EXTENSION"
                | "DEFAULT"
                | "ROUTINE"
                | "TRANSFORM"
                | "ACCESS"
                | "FOREIGN"
                | "TABLESPACE"
                | "DATABASE"
        ),
        "COMMENT" => !matches!(
            object,
            "TABLE" | "COLUMN" | "VIEW" | "MATERIALIZED" | "TYPE" | "DOMAIN"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::sql::ddl::Ddl;

    fn section(sql: &str, first_line: u32) -> Section {
        Section {
            sql: sql.to_string(),
            path: PathBuf::from("m.sql"),
            first_line,
        }
    }

    fn parse(sql: &str) -> (Vec<Statement>, Vec<String>) {
        let mut d = Vec::new();
        let statements = parse_section(&section(sql, 1), &mut d);
        (statements, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn locates_each_statement_at_its_first_token_in_the_file() {
        let mut d = Vec::new();
        let sql = "-- c\nCREATE TABLE a (id int);\n\n  CREATE TABLE b (id int);";
        let statements = parse_section(&section(sql, 10), &mut d);
        assert!(d.is_empty(), "{d:?}");
        let at: Vec<_> = statements
            .iter()
            .map(|s| (s.location.line, s.location.column))
            .collect();
        assert_eq!(at, vec![(11, 1), (13, 3)]);
    }

    #[test]
    fn keeps_dollar_quoted_bodies_whole() {
        let sql = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN x; y; END; $$ LANGUAGE plpgsql;\nCREATE TABLE a (id int);";
        let (statements, d) = parse(sql);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(statements.len(), 2);
        assert!(matches!(
            statements[0].ddl,
            Ddl::CreateFunction { runs_ddl: false, .. }
        ));
        assert!(matches!(statements[1].ddl, Ddl::CreateTable(_)));
    }

    #[test]
    fn keeps_begin_atomic_bodies_whole() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nCREATE TABLE a (id int);";
        let split = split_statements(
            Tokenizer::new(&PostgreSqlDialect {}, sql)
                .tokenize_with_location()
                .unwrap(),
        );
        assert_eq!(split.len(), 2);
    }

    #[test]
    fn reports_every_bad_statement_and_goes_on() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE (;\nCREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN;\nCREATE TABLE c (id int);";
        let (statements, d) = parse(sql);
        assert_eq!(statements.len(), 3, "{d:?}");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("m.sql:2:14: cannot parse statement"), "{d:?}");
        assert!(d[1].starts_with("m.sql:4:"), "{d:?}");
    }

    #[test]
    fn reports_an_unfinished_statement_at_its_end_not_at_1_1() {
        let (_, d) = parse("\n\nCREATE TABLE a (id int");
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("m.sql:3:"), "{d:?}");
        assert!(!d[0].starts_with("m.sql:1:1"), "{d:?}");
    }

    #[test]
    fn reports_tokenizer_errors_and_keeps_the_statements_before() {
        let (statements, d) = parse("CREATE TABLE a (id int);\nSELECT 'unterminated");
        assert_eq!(statements.len(), 1);
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("m.sql:2:8: cannot read SQL"), "{d:?}");
    }

    #[test]
    fn warns_about_do_blocks() {
        let (statements, d) = parse("DO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$;");
        assert!(d.is_empty());
        assert!(matches!(statements[0].ddl, Ddl::Unsupported { .. }));
    }

    #[test]
    fn skips_unparseable_statements_that_cannot_change_the_shape() {
        let (statements, d) = parse(
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql COST 100 ROWS 5 WINDOW;",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(statements[0].ddl, Ddl::Skipped);
    }

    #[test]
    fn parses_stored_expressions_and_types() {
        let e = parse_expression("((q)::text = ANY ((ARRAY['x'::character varying])::text[]))").unwrap();
        assert_eq!(e.canonical(), "(q = 'x')");
        assert_eq!(parse_type("character varying(20)").unwrap().modifiers, vec![20]);
    }
}
