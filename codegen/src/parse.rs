//! SQL in, located statements out: the only place that knows about sqlparser.
//!
//! Each Up section is cut into statements the way psql cuts a file ([`script`]: quotes,
//! comments, meta-commands, variables, `COPY` data), so every statement knows the file line
//! and column of its first character before it is read. Each statement is then named from its
//! leading keywords against PostgreSQL's list of SQL commands ([`commands`]): commands that
//! cannot change the shape are skipped and counted without parsing; the others are parsed by
//! sqlparser, and lowered into [`crate::sql::ddl`], our own small DDL language. A statement
//! sqlparser cannot read is retried without clauses that do not change the shape, then given
//! to our own parser for the forms sqlparser lacks ([`fallback`]); what none of them reads is
//! an error at the place sqlparser stopped, as are leading keywords that name no command.

pub mod commands;
mod fallback;
mod grammar;
pub(crate) mod lower;
pub(crate) mod lower_expr;
mod plpgsql;
pub(crate) mod reach;
pub mod script;
mod syntax;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::diagnostic::{Diagnostic, Location};
use crate::source::Section;
use crate::sql::TypeName;
use crate::sql::ddl::{Ddl, Reach, RelationKindWritten, Statement};
use crate::sql::expr::Expr;
use commands::Command;
use script::{Piece, SqlStatement, Variables};

/// Parses every statement of an Up (or Down) section.
///
/// Errors are pushed onto `diagnostics`, one per statement that cannot be read; the statements
/// that can are returned in order, each with its position in the file.
pub fn parse_section(section: &Section, diagnostics: &mut Vec<Diagnostic>) -> Vec<Statement> {
    let mut found = Vec::new();
    let mut statements = Vec::new();
    for piece in script::split(section, &mut Variables::offline(), &mut found) {
        match piece {
            Piece::Statement(sql) => {
                if let Some(mut statement) = parse_statement(section, &sql, &mut found) {
                    match &mut statement.ddl {
                        Ddl::Unsupported { reach, .. } if reach.is_empty() => *reach = reach::reach(&sql.sql),
                        Ddl::AlterTable(a) => {
                            if let Some(form) = RelationKindWritten::of_command(statement.command) {
                                a.form = form;
                            }
                        }
                        _ => {}
                    }
                    statements.push(statement);
                }
            }
            Piece::Meta(meta) => statements.push(Statement {
                location: meta.location,
                command: "psql meta-command",
                ddl: Ddl::Unsupported {
                    reason: format!(
                        "psql meta-command \\{}: the generator does not follow it, so its effect is not in the catalog",
                        meta.name
                    ),
                    reach: meta_reach(&meta.name),
                },
            }),
        }
    }
    // Reported in file order, whichever stage noticed them.
    found.sort_by_key(|d| d.location);
    diagnostics.extend(found);
    statements
}

/// What a psql meta-command may change: one that runs other SQL (`\\i`, `\\ir`, `\\gexec`,
/// `\\c` to another database) may change anything; the others only what psql prints or keeps.
fn meta_reach(name: &str) -> Reach {
    match name {
        "i" | "include" | "ir" | "include_relative" | "gexec" | "c" | "connect" | "g" | "gx" => {
            Reach::anything()
        }
        _ => Reach::none(),
    }
}

/// Parses one SQL expression, as PostgreSQL prints stored ones (`pg_get_expr`), for `verify`.
pub fn parse_expression(sql: &str) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| e.to_string())?;
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(grammar::respell(tokens));
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if parser.peek_token().token != Token::EOF {
        return Err(format!("unexpected text after expression: {sql}"));
    }
    Ok(lower_expr::expr(&expr, &lower::Context::detached()))
}

/// Parses the statements of a query (one annotated query of a query file), with PostgreSQL's
/// special forms respelled as for migrations; the error is sqlparser's, with its location.
pub fn parse_statements(sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| format!("sql parser error: {e}"))?;
    Parser::new(&dialect)
        .with_tokens_with_locations(grammar::respell(tokens))
        .parse_statements()
        .map_err(|e| e.to_string())
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

fn is_trivia(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

fn keyword_is(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
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
    sql: &SqlStatement,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let location = sql.location;
    let at = |position| lower::to_file(location, position);
    let tokens = match Tokenizer::new(&PostgreSqlDialect {}, &sql.sql).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(err) => {
            // sqlparser's tokenizer is stricter than PostgreSQL's in places (some operators and
            // string prefixes); the command named by the first words tells whether it matters.
            let words: Vec<String> = sql
                .sql
                .split_whitespace()
                .take(6)
                .map(str::to_ascii_uppercase)
                .collect();
            let command = commands::classify(&words, false, false);
            if let Some(command) = command
                && !command.shapes
            {
                return Some(skipped(location, command));
            }
            // A quote or comment left open is an error for PostgreSQL's lexer too; anything
            // else sqlparser's lexer refuses, PostgreSQL's may take.
            if err.message.to_ascii_lowercase().starts_with("unterminated") {
                diagnostics.push(
                    Diagnostic::error_at(
                        &section.path,
                        at(err.location),
                        format!("cannot read SQL: {}", err.message),
                    )
                    .with_code("42601"),
                );
                return None;
            }
            return Some(unread(
                sql,
                command.map_or("SQL", |c| c.name),
                at(err.location),
                format!("cannot read SQL ({})", err.message),
            ));
        }
    };
    let tokens = grammar::respell(tokens);
    let words = leading_words(&tokens, 8);
    let (as_query, into_table) = query_markers(&tokens);
    let Some(command) = commands::classify(&words, as_query, into_table) else {
        diagnostics.push(
            Diagnostic::error_at(
                &section.path,
                location,
                format!(
                    "syntax error: `{}` does not start an SQL command PostgreSQL knows",
                    words.iter().take(2).cloned().collect::<Vec<_>>().join(" ")
                ),
            )
            .with_code("42601"),
        );
        return None;
    };
    if !command.shapes {
        return Some(skipped(location, command));
    }
    // sqlparser does not read DO blocks; our PL/pgSQL reader sees what is evident in them.
    if command.name == "DO" {
        let ddl = plpgsql::do_block(section, &tokens, location, diagnostics);
        return Some(Statement {
            location,
            command: command.name,
            ddl,
        });
    }
    if command.name == "CREATE SCHEMA"
        && let Some(statement) = schema_with_elements(section, sql, &tokens, diagnostics)
    {
        return Some(statement);
    }
    let cx = lower::Context::new(location);
    // Session and transaction statements are read by our own parser, which knows all their
    // spellings; so is a CREATE TABLE with LIKE, which sqlparser reads only first in the list
    // and without INCLUDING (a later one it takes for a column named "like"). sqlparser reads
    // the rest first.
    let own = OWN_COMMANDS.contains(&command.name)
        || (matches!(command.name, "CREATE TABLE" | "CREATE FOREIGN TABLE") && has_like_element(&tokens));
    if own && let Some(ddl) = fallback::statement(&tokens, command, &cx) {
        return Some(Statement {
            location,
            command: command.name,
            ddl,
        });
    }
    match parse_with_retries(&tokens, &words, command.name) {
        Ok((statement, domain_not_null)) => {
            let mut ddl = lower::statement(statement, &cx);
            if let Ddl::CreateDomain { not_null, .. } = &mut ddl {
                *not_null |= domain_not_null;
            }
            Some(Statement {
                location,
                command: command.name,
                ddl,
            })
        }
        Err(err) => {
            if let Some(ddl) = fallback::statement(&tokens, command, &cx) {
                return Some(Statement {
                    location,
                    command: command.name,
                    ddl,
                });
            }
            let needs_name = matches!(
                words.first().map(String::as_str),
                Some("CREATE" | "ALTER" | "DROP" | "COMMENT")
            );
            let command_words = if needs_name {
                command.name.split(' ').count()
            } else {
                0
            };
            if let Some((why, position)) = syntax::rejected(&tokens, command_words) {
                diagnostics.push(Diagnostic::error_at(&section.path, at(position), why).with_code("42601"));
                return None;
            }
            let (message, position) = split_parser_error(&err);
            Some(unread(
                sql,
                command.name,
                position.map_or_else(|| at(end_of(&tokens)), at),
                format!("cannot parse statement ({message})"),
            ))
        }
    }
}

/// A statement PostgreSQL takes but no parser here reads: where reading stopped, and what its
/// words show it may have changed.
fn unread(sql: &SqlStatement, command: &'static str, stopped: Location, why: String) -> Statement {
    Statement {
        location: sql.location,
        command,
        ddl: Ddl::Unread {
            reason: format!("{command}: {why}; the generator skipped the statement"),
            reach: reach::reach(&sql.sql),
            at: stopped,
        },
    }
}

/// `CREATE SCHEMA ... CREATE TABLE ... CREATE VIEW ...`: the schema, then each element read
/// as a statement of its own (at its place in the file). `None` when there are no elements.
fn schema_with_elements(
    section: &Section,
    sql: &SqlStatement,
    tokens: &[TokenWithSpan],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    // Elements start at a top-level CREATE or GRANT after the first word.
    let mut depth = 0i32;
    let mut starts = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            token if depth == 0 && i > 0 && (keyword_is(token, "CREATE") || keyword_is(token, "GRANT")) => {
                starts.push(i)
            }
            _ => {}
        }
    }
    let first = *starts.first()?;
    let header = parse_statement(
        section,
        &SqlStatement {
            sql: tokens[..first].iter().map(|t| t.token.to_string()).collect(),
            ..sql.clone()
        },
        diagnostics,
    )?;
    let Ddl::CreateSchema { name, .. } = header.ddl else {
        return None;
    };
    let mut elements = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(tokens.len());
        let part = SqlStatement {
            sql: tokens[start..end].iter().map(|t| t.token.to_string()).collect(),
            location: lower::to_file(sql.location, tokens[start].span.start),
            ..sql.clone()
        };
        elements.extend(parse_statement(section, &part, diagnostics));
    }
    Some(Statement {
        ddl: Ddl::CreateSchema { name, elements },
        ..header
    })
}

/// Whether a `CREATE TABLE`'s element list has a `LIKE` element (an unquoted `LIKE` right
/// after its opening parenthesis or a comma at that level).
fn has_like_element(tokens: &[TokenWithSpan]) -> bool {
    let mut depth = 0i32;
    let mut previous: Option<&Token> = None;
    for t in tokens.iter().filter(|t| !is_trivia(&t.token)) {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            token
                if depth == 1
                    && keyword_is(token, "LIKE")
                    && matches!(previous, Some(Token::LParen | Token::Comma)) =>
            {
                return true;
            }
            _ => {}
        }
        previous = Some(&t.token);
    }
    false
}

/// Commands our own parser reads before sqlparser is asked.
const OWN_COMMANDS: &[&str] = &[
    "SET",
    "RESET",
    "DISCARD",
    "BEGIN",
    "START TRANSACTION",
    "COMMIT",
    "END",
    "ABORT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "RELEASE SAVEPOINT",
    "ROLLBACK TO SAVEPOINT",
];

/// Where the last token of a statement ends.
fn end_of(tokens: &[TokenWithSpan]) -> sqlparser::tokenizer::Location {
    tokens
        .iter()
        .rev()
        .find(|t| !is_trivia(&t.token) && t.token != Token::EOF)
        .map_or(sqlparser::tokenizer::Location { line: 1, column: 1 }, |t| {
            t.span.end
        })
}

/// A statement that cannot change the shape, skipped unread.
fn skipped(location: Location, command: Command) -> Statement {
    Statement {
        location,
        command: command.name,
        ddl: Ddl::Skipped,
    }
}

/// Whether the statement has, outside parentheses, an `AS` (`CREATE TABLE ... AS query`) and
/// an `INTO` not right after `INSERT` or `MERGE` (`SELECT ... INTO new_table`).
fn query_markers(tokens: &[TokenWithSpan]) -> (bool, bool) {
    let mut depth = 0i32;
    let (mut as_query, mut into_table) = (false, false);
    let mut previous: Option<&Token> = None;
    for t in tokens.iter().filter(|t| !is_trivia(&t.token)) {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            token if depth == 0 && keyword_is(token, "AS") => as_query = true,
            token if depth == 0 && keyword_is(token, "INTO") => {
                into_table |= !previous.is_some_and(|p| keyword_is(p, "INSERT") || keyword_is(p, "MERGE"));
            }
            _ => {}
        }
        previous = Some(&t.token);
    }
    (as_query, into_table)
}

/// Parses a statement with sqlparser; when that fails, once more without the clauses
/// PostgreSQL accepts and sqlparser does not read but that cannot change the shape: `NOT
/// VALID` on a constraint (it only skips checking existing rows), `WITH [NO] DATA` after a
/// query (it only decides whether rows are computed now). `NOT NULL` on a domain is taken out
/// and returned, to be recorded by hand.
fn parse_with_retries(
    tokens: &[TokenWithSpan],
    words: &[String],
    command: &str,
) -> Result<(sqlparser::ast::Statement, bool), ParserError> {
    let first = match parse_tokens(tokens.to_vec()) {
        Ok(statement) => return Ok((statement, false)),
        Err(err) => err,
    };
    let mut retry = without_words(tokens, &["NOT", "VALID"]).0;
    retry = without_words(&retry, &["WITH", "NO", "DATA"]).0;
    retry = without_words(&retry, &["WITH", "DATA"]).0;
    retry = without_neutral_clauses(&retry, command);
    let mut domain_not_null = false;
    if words.get(1).is_some_and(|w| w == "DOMAIN") {
        let (stripped, removed) = without_words(&retry, &["NOT", "NULL"]);
        domain_not_null = removed;
        retry = without_words(&stripped, &["NULL"]).0;
    }
    if retry.len() != tokens.len()
        && let Ok(statement) = parse_tokens(retry)
    {
        return Ok((statement, domain_not_null));
    }
    Err(first)
}

/// The statement without clauses PostgreSQL takes that cannot change the shape and sqlparser
/// does not read: `CONCURRENTLY` of `DROP INDEX`, `UNLOGGED` of `CREATE SEQUENCE`, `WITH
/// [CASCADED | LOCAL] CHECK OPTION` of a view, the access method of a materialized view or
/// `CREATE TABLE ... AS` (`USING heap`), and an index key's operator class parameters
/// (`tsvector_ops (siglen = 100)`).
fn without_neutral_clauses(tokens: &[TokenWithSpan], command: &str) -> Vec<TokenWithSpan> {
    match command {
        "DROP INDEX" => without_words(tokens, &["CONCURRENTLY"]).0,
        "CREATE SEQUENCE" => without_words(tokens, &["UNLOGGED"]).0,
        "CREATE VIEW" | "ALTER VIEW" => {
            let mut out = without_words(tokens, &["WITH", "CASCADED", "CHECK", "OPTION"]).0;
            out = without_words(&out, &["WITH", "LOCAL", "CHECK", "OPTION"]).0;
            without_words(&out, &["WITH", "CHECK", "OPTION"]).0
        }
        "CREATE MATERIALIZED VIEW" | "CREATE TABLE AS" => without_access_method(tokens),
        "CREATE INDEX" => without_opclass_parameters(tokens),
        _ => tokens.to_vec(),
    }
}

/// The tokens without a top-level `USING method` that comes before `AS`.
fn without_access_method(tokens: &[TokenWithSpan]) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .collect();
    let mut depth = 0i32;
    for (k, &i) in significant.iter().enumerate() {
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            t if depth == 0 && keyword_is(t, "AS") => break,
            t if depth == 0 && keyword_is(t, "USING") => {
                if let Some(&method) = significant.get(k + 1) {
                    return tokens
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i && *j != method)
                        .map(|(_, t)| t.clone())
                        .collect();
                }
            }
            _ => {}
        }
    }
    tokens.to_vec()
}

/// The tokens without parenthesised `name = value` lists right after an operator class in an
/// index key (`a tsvector_ops (siglen = 484)`): storage parameters only.
fn without_opclass_parameters(tokens: &[TokenWithSpan]) -> Vec<TokenWithSpan> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .collect();
    let mut drop = vec![false; tokens.len()];
    for (k, &i) in significant.iter().enumerate() {
        if tokens[i].token != Token::LParen || k < 2 {
            continue;
        }
        let opclass = &tokens[significant[k - 1]].token;
        let key = &tokens[significant[k - 2]].token;
        if !matches!(opclass, Token::Word(_)) || !matches!(key, Token::Word(_) | Token::RParen) {
            continue;
        }
        // The group, if it holds `=` at its own level.
        let mut depth = 0;
        let mut has_eq = false;
        let mut end = None;
        for &j in &significant[k..] {
            match tokens[j].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
                Token::Eq if depth == 1 => has_eq = true,
                _ => {}
            }
        }
        if let (true, Some(end)) = (has_eq, end) {
            for flag in &mut drop[i..=end] {
                *flag = true;
            }
        }
    }
    tokens
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(t, _)| t.clone())
        .collect()
}

/// Parses the tokens of one statement, which must be all of it.
pub(crate) fn parse_tokens(tokens: Vec<TokenWithSpan>) -> Result<sqlparser::ast::Statement, ParserError> {
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
pub(crate) fn without_words(tokens: &[TokenWithSpan], words: &[&str]) -> (Vec<TokenWithSpan>, bool) {
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::sql::ddl::{Ddl, Routine, RoutineResult};

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
        assert!(matches!(statements[0].ddl, Ddl::CreateFunction { ddl: None, .. }));
        assert!(matches!(statements[1].ddl, Ddl::CreateTable(_)));
    }

    #[test]
    fn reports_what_the_grammar_rejects_and_reads_on() {
        let sql = "CREATE TABLE a (id int);\nCREATE TABLE x (id int,, y int);\nCREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN;\nCREATE TABLE c (id int);";
        let (statements, d) = parse(sql);
        // `,,` is no list PostgreSQL has: an error. The ALTER TABLE is one no parser here
        // reads, which proves nothing: it goes on to the fold as unread, with what it names.
        assert_eq!(
            d,
            ["m.sql:2:24: syntax error at or near \",\": a list may not have an empty element"]
        );
        assert_eq!(statements.len(), 4, "{d:?}");
        let Ddl::Unread { reach, at, .. } = &statements[2].ddl else {
            panic!("{:?}", statements[2]);
        };
        assert_eq!(reach.objects, [crate::sql::QualifiedName::bare("b")]);
        assert_eq!((at.line, at.column), (4, 25));
    }

    #[test]
    fn reports_an_unfinished_statement_at_its_end_not_at_1_1() {
        let (_, d) = parse("\n\nCREATE TABLE a (id int");
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("m.sql:3:"), "{d:?}");
        assert!(d[0].contains("never closed"), "{d:?}");
    }

    #[test]
    fn reads_forms_it_does_not_know_as_unread_not_as_errors() {
        let (statements, d) = parse("CREATE VIEW v AS SELECT (a).* FROM a WINDOW;");
        assert!(d.is_empty(), "{d:?}");
        assert!(matches!(&statements[0].ddl, Ddl::Unread { reach, .. } if reach.objects[0].name == "v"));
    }

    #[test]
    fn reports_tokenizer_errors_and_keeps_the_statements_before() {
        let (statements, d) = parse("CREATE TABLE a (id int);\nSELECT 'unterminated");
        assert_eq!(statements.len(), 1);
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("m.sql:2:8: cannot read SQL"), "{d:?}");
    }

    #[test]
    fn reads_do_blocks() {
        let (statements, d) = parse("DO $$ BEGIN EXECUTE 'CREATE TABLE x ()'; END $$;");
        assert!(d.is_empty());
        assert!(matches!(statements[0].ddl, Ddl::Do(_)));
        let (statements, _) = parse("DO LANGUAGE plpython3u $$ x = 1 $$;");
        assert!(matches!(statements[0].ddl, Ddl::Unsupported { .. }));
    }

    #[test]
    fn reads_routines_sqlparser_cannot() {
        let (statements, d) = parse(
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql COST 100 ROWS 5 WINDOW;",
        );
        assert!(d.is_empty(), "{d:?}");
        let Ddl::CreateFunction {
            name,
            ddl: None,
            routine: Some(routine),
        } = &statements[0].ddl
        else {
            panic!("{:?}", statements[0].ddl);
        };
        assert_eq!(name, "f");
        assert!(!routine.set);
        assert!(
            matches!(&routine.result, RoutineResult::Type(t) if t.written == "int"),
            "{routine:?}"
        );
    }

    #[test]
    fn reads_what_routines_return() {
        let (statements, d) = parse(
            "CREATE FUNCTION app.f(a int, OUT x text, INOUT y bigint DEFAULT 1) RETURNS SETOF record AS 'x' LANGUAGE sql WINDOW;\n\
             CREATE FUNCTION g() RETURNS TABLE (id uuid, \"Name\" text) AS 'x' LANGUAGE sql WINDOW;\n\
             CREATE FUNCTION h() RETURNS trigger AS 'x' LANGUAGE sql WINDOW;",
        );
        assert!(d.is_empty(), "{d:?}");
        let routines: Vec<Option<&Routine>> = statements
            .iter()
            .map(|s| match &s.ddl {
                Ddl::CreateFunction { routine, .. } => routine.as_ref(),
                other => panic!("{other:?}"),
            })
            .collect();
        let columns = |r: &Routine| match &r.result {
            RoutineResult::Columns(c) => c
                .iter()
                .map(|(n, t)| format!("{n} {}", t.written))
                .collect::<Vec<_>>(),
            RoutineResult::Type(t) => vec![t.written.clone()],
        };
        let f = routines[0].unwrap();
        assert_eq!(f.name.to_string(), "app.f");
        assert!(f.set);
        assert_eq!(columns(f), ["x text", "y bigint"]);
        let g = routines[1].unwrap();
        assert!(g.set);
        assert_eq!(columns(g), ["id uuid", "Name text"]);
        assert_eq!(routines[2], None);
    }

    #[test]
    fn skips_commands_that_cannot_change_the_shape_unread() {
        let (statements, d) = parse("INSERT INTO t VALUES (1 2 3);\nGRANT nonsense here;\nVACUUM (FULL) t;");
        assert!(d.is_empty(), "{d:?}");
        assert!(statements.iter().all(|s| s.ddl == Ddl::Skipped));
        assert_eq!(statements[0].command, "INSERT");
    }

    #[test]
    fn names_no_command_as_an_error() {
        let (_, d) = parse("FROBNICATE the table;");
        assert_eq!(
            d,
            vec!["m.sql:1:1: syntax error: `FROBNICATE THE` does not start an SQL command PostgreSQL knows"]
        );
    }

    #[test]
    fn parses_stored_expressions_and_types() {
        let e = parse_expression("((q)::text = ANY ((ARRAY['x'::character varying])::text[]))").unwrap();
        assert_eq!(e.canonical(), "(q = 'x')");
        assert_eq!(parse_type("character varying(20)").unwrap().modifiers, vec![20]);
    }
}
