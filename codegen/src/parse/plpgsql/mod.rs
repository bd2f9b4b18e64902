//! `DO` blocks: the PL/pgSQL around the statements, read far enough to fold what is statically
//! evident.
//!
//! A block's statements are cut and read like a migration's (so DDL inside folds as usual);
//! the PL/pgSQL around them becomes a small tree ([`crate::sql::ddl::PlStatement`]): nested
//! blocks with their `EXCEPTION WHEN ... THEN` handlers, `IF` branches with conditions the fold
//! can evaluate against its own catalog ([`Guard`]: `EXISTS` over `pg_type`, `pg_class`,
//! `pg_constraint`, `information_schema.columns`, ..., and the server version), loops (which
//! run a number of times only the data knows), and `EXECUTE` of constant text (read as SQL)
//! or of text built at run time (which nobody can read). Assignments, `PERFORM`, `RAISE`,
//! `SELECT ... INTO` variables and the like change nothing.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

mod guard;

use super::lower::to_file;
use super::script::SqlStatement;
use crate::diagnostic::{Diagnostic, Location};
use crate::source::Section;
use crate::sql::ddl::{Ddl, Handler, PlBlock, PlStatement};
use guard::guard;

/// The server version the generator reads migrations for (`server_version_num`): any
/// PostgreSQL 15 compares alike with the versions migrations test for.
pub const SERVER_VERSION_NUM: i64 = 150000;

/// Reads a `DO [LANGUAGE plpgsql] 'body' [LANGUAGE plpgsql]` statement.
pub(super) fn do_block(
    section: &Section,
    tokens: &[TokenWithSpan],
    location: Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Ddl {
    let significant: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let language = significant
        .windows(2)
        .find(|w| is_keyword(&w[0].token, "LANGUAGE"))
        .and_then(|w| match &w[1].token {
            Token::Word(word) => Some(word.value.to_ascii_lowercase()),
            Token::SingleQuotedString(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        });
    if language.as_deref().is_some_and(|l| l != "plpgsql") {
        return Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: format!(
                "DO block in {}: the generator reads PL/pgSQL only, so any DDL inside is not in the catalog",
                language.unwrap_or_default()
            ),
        };
    }
    let Some((body, tag_len, at)) = significant.iter().find_map(|t| match &t.token {
        Token::DollarQuotedString(s) => Some((
            s.value.clone(),
            s.tag.as_ref().map_or(0, String::len) + 2,
            t.span.start,
        )),
        Token::SingleQuotedString(s) => Some((s.clone(), 1, t.span.start)),
        _ => None,
    }) else {
        return Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: "DO block without a body".into(),
        };
    };
    let start = to_file(location, at);
    let origin = Location {
        line: start.line,
        column: start.column + tag_len as u32,
    };
    let mut reader = match Reader::new(section, &body, origin) {
        Some(reader) => reader,
        None => {
            return Ddl::Unsupported {
                reach: crate::sql::ddl::Reach::none(),
                reason:
                    "DO block whose body cannot be read as PL/pgSQL; any DDL inside is not in the catalog"
                        .into(),
            };
        }
    };
    match reader.top_block(diagnostics) {
        Some(block) => Ddl::Do(block),
        None => Ddl::Unsupported {
            reach: crate::sql::ddl::Reach::none(),
            reason: "DO block whose body cannot be read as PL/pgSQL; any DDL inside is not in the catalog"
                .into(),
        },
    }
}

fn is_keyword(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// A cursor over the significant tokens of a PL/pgSQL body.
struct Reader<'a> {
    section: &'a Section,
    body: &'a str,
    /// Where the body's first character is in the file.
    origin: Location,
    tokens: Vec<TokenWithSpan>,
    pos: usize,
    /// Byte offset of each line's start in `body`.
    line_starts: Vec<usize>,
}

impl<'a> Reader<'a> {
    fn new(section: &'a Section, body: &'a str, origin: Location) -> Option<Self> {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, body)
            .tokenize_with_location()
            .ok()?
            .into_iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .collect();
        let mut line_starts = vec![0];
        line_starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        Some(Self {
            section,
            body,
            origin,
            tokens,
            pos: 0,
            line_starts,
        })
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn is(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| is_keyword(t, word))
    }

    fn eat(&mut self, word: &str) -> bool {
        let found = self.is(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_token(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    /// The byte offset in the body of a tokenizer position.
    fn offset(&self, at: sqlparser::tokenizer::Location) -> usize {
        let line = (at.line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[line];
        let column = at.column.max(1) as usize - 1;
        self.body[start..]
            .char_indices()
            .nth(column)
            .map_or(self.body.len(), |(i, _)| start + i)
    }

    /// The file position of a tokenizer position in the body.
    fn locate(&self, at: sqlparser::tokenizer::Location) -> Location {
        to_file(self.origin, at)
    }

    /// `[DECLARE ...] BEGIN ... END [;]`, the whole body.
    fn top_block(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlBlock> {
        self.skip_label();
        self.skip_declare();
        let block = self.block(diagnostics)?;
        self.eat_token(&Token::SemiColon);
        (self.pos >= self.tokens.len()).then_some(block)
    }

    fn skip_label(&mut self) {
        if self.peek() == Some(&Token::ShiftLeft) {
            while let Some(t) = self.peek() {
                let end = *t == Token::ShiftRight;
                self.pos += 1;
                if end {
                    break;
                }
            }
        }
    }

    fn skip_declare(&mut self) {
        if self.eat("DECLARE") {
            while self.peek().is_some() && !self.is("BEGIN") {
                self.pos += 1;
            }
        }
    }

    /// `BEGIN statements [EXCEPTION WHEN ... THEN statements ...] END [label]`.
    fn block(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlBlock> {
        if !self.eat("BEGIN") {
            return None;
        }
        let statements = self.statements(&["EXCEPTION", "END"], diagnostics)?;
        let mut handlers = Vec::new();
        if self.eat("EXCEPTION") {
            while self.eat("WHEN") {
                let mut conditions = Vec::new();
                loop {
                    match self.peek()? {
                        Token::Word(w) if w.value.eq_ignore_ascii_case("SQLSTATE") => {
                            self.pos += 1;
                            match self.peek()? {
                                Token::SingleQuotedString(code) => conditions.push(code.to_ascii_uppercase()),
                                _ => return None,
                            }
                            self.pos += 1;
                        }
                        Token::Word(w) => {
                            conditions.push(w.value.to_ascii_lowercase());
                            self.pos += 1;
                        }
                        _ => return None,
                    }
                    if !self.eat("OR") {
                        break;
                    }
                }
                if !self.eat("THEN") {
                    return None;
                }
                let body = self.statements(&["WHEN", "END"], diagnostics)?;
                handlers.push(Handler {
                    conditions,
                    statements: body,
                });
            }
        }
        if !self.eat("END") {
            return None;
        }
        // An optional label after END.
        if matches!(self.peek(), Some(Token::Word(_))) && !self.is("IF") && !self.is("LOOP") {
            self.pos += 1;
        }
        Some(PlBlock { statements, handlers })
    }

    /// Statements up to (not including) one of `stops` at statement start.
    fn statements(&mut self, stops: &[&str], diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<PlStatement>> {
        let mut out = Vec::new();
        loop {
            self.skip_label();
            let token = self.peek()?;
            if stops.iter().any(|s| is_keyword(token, s)) {
                return Some(out);
            }
            if self.eat_token(&Token::SemiColon) {
                continue;
            }
            out.push(self.statement(diagnostics)?);
        }
    }

    fn statement(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlStatement> {
        if self.is("DECLARE") || self.is("BEGIN") {
            self.skip_declare();
            let block = self.block(diagnostics)?;
            self.eat_token(&Token::SemiColon);
            return Some(PlStatement::Block(block));
        }
        if self.eat("IF") {
            return self.if_statement(diagnostics);
        }
        if self.is("LOOP") || self.is("WHILE") || self.is("FOR") || self.is("FOREACH") {
            return self.loop_statement(diagnostics);
        }
        if self.eat("CASE") {
            return self.case_statement(diagnostics);
        }
        if self.eat("EXECUTE") {
            let tokens = self.until_semicolon();
            return Some(self.execute(&tokens, diagnostics));
        }
        // Assignments (`x := ...`, `x = ...`) and PL/pgSQL statements that change nothing.
        let assignment = matches!(self.peek(), Some(Token::Word(_)))
            && matches!(
                self.tokens.get(self.pos + 1).map(|t| &t.token),
                Some(Token::Assignment | Token::Eq | Token::Period | Token::LBracket)
            )
            && !self.is("SELECT");
        const NOTHING: &[&str] = &[
            "NULL", "RAISE", "PERFORM", "RETURN", "EXIT", "CONTINUE", "GET", "ASSERT", "OPEN", "FETCH",
            "CLOSE", "MOVE", "SELECT", "WITH", "COMMIT", "ROLLBACK",
        ];
        if assignment || NOTHING.iter().any(|w| self.is(w)) {
            self.until_semicolon();
            return Some(PlStatement::Nothing);
        }
        let tokens = self.until_semicolon();
        Some(self.sql(&tokens, diagnostics))
    }

    /// `IF cond THEN ... [ELSIF cond THEN ...] [ELSE ...] END IF`.
    fn if_statement(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlStatement> {
        let mut branches = Vec::new();
        loop {
            let condition = self.until_keyword("THEN")?;
            let guard = guard(&condition);
            let body = self.statements(&["ELSIF", "ELSEIF", "ELSE", "END"], diagnostics)?;
            branches.push((guard, body));
            if !(self.eat("ELSIF") || self.eat("ELSEIF")) {
                break;
            }
        }
        let otherwise = if self.eat("ELSE") {
            self.statements(&["END"], diagnostics)?
        } else {
            Vec::new()
        };
        if !(self.eat("END") && self.eat("IF")) {
            return None;
        }
        self.eat_token(&Token::SemiColon);
        Some(PlStatement::If { branches, otherwise })
    }

    /// `[WHILE cond | FOR ... IN ... | FOREACH ...] LOOP ... END LOOP [label]`.
    fn loop_statement(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlStatement> {
        self.until_keyword("LOOP")?;
        let body = self.statements(&["END"], diagnostics)?;
        if !(self.eat("END") && self.eat("LOOP")) {
            return None;
        }
        if matches!(self.peek(), Some(Token::Word(_))) {
            self.pos += 1;
        }
        self.eat_token(&Token::SemiColon);
        Some(PlStatement::Loop(body))
    }

    /// `CASE [expr] WHEN ... THEN ... [ELSE ...] END CASE`: which branch runs depends on
    /// values, so it reads like a loop body that may or may not run.
    fn case_statement(&mut self, diagnostics: &mut Vec<Diagnostic>) -> Option<PlStatement> {
        let mut all = Vec::new();
        self.until_keyword_at_start("WHEN")?;
        while self.eat("WHEN") {
            self.until_keyword("THEN")?;
            all.extend(self.statements(&["WHEN", "ELSE", "END"], diagnostics)?);
        }
        if self.eat("ELSE") {
            all.extend(self.statements(&["END"], diagnostics)?);
        }
        if !(self.eat("END") && self.eat("CASE")) {
            return None;
        }
        self.eat_token(&Token::SemiColon);
        Some(PlStatement::Loop(all))
    }

    /// Consumes tokens up to a top-level `keyword` (consumed too); returns those before it.
    fn until_keyword(&mut self, keyword: &str) -> Option<Vec<TokenWithSpan>> {
        let mut depth = 0i32;
        let start = self.pos;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                t if depth == 0 && is_keyword(t, keyword) => {
                    let tokens = self.tokens[start..self.pos].to_vec();
                    self.pos += 1;
                    return Some(tokens);
                }
                _ => {}
            }
            self.pos += 1;
        }
        None
    }

    /// Skips to a top-level `keyword` without consuming it.
    fn until_keyword_at_start(&mut self, keyword: &str) -> Option<()> {
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                t if depth == 0 && is_keyword(t, keyword) => return Some(()),
                _ => {}
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes one statement's tokens and its `;`.
    fn until_semicolon(&mut self) -> Vec<TokenWithSpan> {
        let mut depth = 0i32;
        let start = self.pos;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::SemiColon if depth <= 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        let tokens = self.tokens[start..self.pos].to_vec();
        self.eat_token(&Token::SemiColon);
        tokens
    }

    /// An SQL statement inside the block, read like any migration statement.
    fn sql(&self, tokens: &[TokenWithSpan], diagnostics: &mut Vec<Diagnostic>) -> PlStatement {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return PlStatement::Nothing;
        };
        let (start, end) = (self.offset(first.span.start), self.offset(last.span.end));
        let statement = SqlStatement {
            sql: self.body[start..end.max(start)].to_string(),
            location: self.locate(first.span.start),
            offset: 0,
            interpolated: false,
            copy_data: None,
        };
        match super::parse_statement(self.section, &statement, diagnostics) {
            Some(statement) => PlStatement::Sql(Box::new(statement)),
            None => PlStatement::Nothing,
        }
    }

    /// `EXECUTE expr [INTO ...] [USING ...]`: constant text is read as SQL; text built at run
    /// time is known only by the command it starts with, when it starts with a literal.
    fn execute(&self, tokens: &[TokenWithSpan], diagnostics: &mut Vec<Diagnostic>) -> PlStatement {
        let end = tokens
            .iter()
            .position(|t| is_keyword(&t.token, "INTO") || is_keyword(&t.token, "USING"))
            .unwrap_or(tokens.len());
        let expression = &tokens[..end];
        let literals: Option<Vec<String>> = expression
            .iter()
            .enumerate()
            .map(|(i, t)| match (&t.token, i % 2) {
                (Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s), 0) => Some(s.clone()),
                (Token::DollarQuotedString(s), 0) => Some(s.value.clone()),
                (Token::StringConcat, 1) => Some(String::new()),
                _ => None,
            })
            .collect();
        let at = expression
            .first()
            .map_or(self.origin, |t| self.locate(t.span.start));
        if let Some(parts) = literals {
            let text: String = parts.concat();
            let inner = Section {
                sql: text,
                path: self.section.path.clone(),
                first_line: at.line,
            };
            let statements = super::parse_section(&inner, diagnostics)
                .into_iter()
                .map(|mut s| {
                    s.location = at;
                    PlStatement::Sql(Box::new(s))
                })
                .collect();
            return PlStatement::Block(PlBlock {
                statements,
                handlers: Vec::new(),
            });
        }
        // `EXECUTE format('GRANT ...', x)` or `'INSERT ...' || x`: its leading words decide.
        let leading = expression.iter().find_map(|t| match &t.token {
            Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Some(s.clone()),
            Token::DollarQuotedString(s) => Some(s.value.clone()),
            _ => None,
        });
        let leading = leading.unwrap_or_default();
        let words: Vec<String> = leading
            .split_whitespace()
            .take(6)
            .map(str::to_ascii_uppercase)
            .collect();
        match super::commands::classify(&words, false, false) {
            Some(command) if !command.shapes => PlStatement::Nothing,
            // What the text's constant start names, else anything.
            _ => PlStatement::DynamicExecute(at, super::reach::reach(&leading)),
        }
    }
}
