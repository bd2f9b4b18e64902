//! Migration files as psql reads them: statements cut at top-level `;`, psql meta-commands
//! (`\set`, `\echo`, `\if`, ...), `:variable` interpolation, and the data lines that follow a
//! `COPY ... FROM stdin`.
//!
//! The cutting follows psql's own lexer: quotes (`'...'`, `E'...'`, `"..."`, `$tag$...$tag$`)
//! and comments (`--`, nested `/* */`) are opaque, a `;` inside parentheses does not end a
//! statement, nor does one inside the `BEGIN ATOMIC ... END` body of a `CREATE FUNCTION` or
//! `CREATE PROCEDURE`. A backslash outside quotes starts a meta-command that runs to the end of
//! its line. Every file starts a new psql session: variables start from psql's built-ins.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Location};
use crate::source::Section;
use crate::sql::{quote_ident, quote_literal};

/// One statement of a script, with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlStatement {
    /// The statement without its closing `;`, psql variables interpolated.
    pub sql: String,
    /// Where its first character is in the file.
    pub location: Location,
    /// Byte offset of the statement's first character within the section.
    pub offset: usize,
    /// True when variables were interpolated, so `sql` is not the file's text: positions
    /// inside it are only approximate.
    pub interpolated: bool,
    /// The data lines of a `COPY ... FROM stdin`, up to (not including) the `\.` line.
    pub copy_data: Option<String>,
}

/// A psql meta-command that is not only about psql's own output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCommand {
    /// The command without its backslash (`set`, `connect`).
    pub name: String,
    /// Where the backslash is.
    pub location: Location,
}

/// What a script is made of, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// An SQL statement.
    Statement(SqlStatement),
    /// A meta-command psql runs itself whose effect the generator does not follow.
    Meta(MetaCommand),
}

/// psql variables (`\set name value`), starting from the built-ins psql always defines.
#[derive(Debug, Clone)]
pub struct Variables(BTreeMap<String, String>);

impl Variables {
    /// psql's built-in connection variables with the values given.
    pub fn new(database: &str, user: &str) -> Self {
        let mut vars = BTreeMap::new();
        for (name, value) in [
            ("DBNAME", database),
            ("USER", user),
            ("HOST", "localhost"),
            ("PORT", "5432"),
            ("ENCODING", "UTF8"),
            ("ON_ERROR_STOP", "on"),
        ] {
            vars.insert(name.to_string(), value.to_string());
        }
        Self(vars)
    }

    /// The built-ins for reading a script without a server: a database and a user named
    /// `postgres`, which only statements that cannot change the shape (`ALTER DATABASE
    /// :DBNAME SET ...`, `GRANT ... TO :USER`) usually name.
    pub fn offline() -> Self {
        Self::new("postgres", "postgres")
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Cuts a section into statements and meta-commands, interpolating variables as it goes.
///
/// Problems (an unterminated quote or comment, a `\q` that ends the script early is not one)
/// are pushed onto `diagnostics`; everything before them is still returned.
pub fn split(section: &Section, variables: &mut Variables, diagnostics: &mut Vec<Diagnostic>) -> Vec<Piece> {
    let mut lexer = Lexer::new(section);
    let mut pieces = Vec::new();
    let mut conditions: Vec<Condition> = Vec::new();
    loop {
        let active = conditions.iter().all(|c| c.active);
        match lexer.next_piece(variables) {
            Ok(None) => break,
            Ok(Some(Raw::Statement(mut statement))) => {
                if is_copy_from_stdin(&statement.sql) {
                    statement.copy_data = Some(lexer.copy_data());
                }
                if active {
                    pieces.push(Piece::Statement(statement));
                }
            }
            Ok(Some(Raw::Meta { name, args, location })) => {
                let name_str = name.as_str();
                match name_str {
                    "if" => {
                        let value = truthy(&args.join(" "));
                        conditions.push(Condition {
                            active: value == Some(true),
                            taken: value == Some(true),
                        });
                        if value.is_none() && active {
                            unknown_condition(section, location, &args, diagnostics);
                        }
                    }
                    "elif" | "else" => {
                        let Some(c) = conditions.last_mut() else {
                            diagnostics.push(Diagnostic::error_at(
                                &section.path,
                                location,
                                format!("\\{name} without \\if"),
                            ));
                            continue;
                        };
                        let value = if name_str == "else" {
                            Some(true)
                        } else {
                            truthy(&args.join(" "))
                        };
                        c.active = !c.taken && value == Some(true);
                        c.taken |= c.active;
                    }
                    "endif" => {
                        if conditions.pop().is_none() {
                            diagnostics.push(Diagnostic::error_at(
                                &section.path,
                                location,
                                "\\endif without \\if",
                            ));
                        }
                    }
                    _ if !active => {}
                    "set" => {
                        if let Some((var, value)) = args.split_first() {
                            variables.0.insert(var.clone(), value.concat());
                        }
                    }
                    "unset" => {
                        if let Some(var) = args.first() {
                            variables.0.remove(var);
                        }
                    }
                    "q" | "quit" => break,
                    // Output, formatting and timing: nothing the server sees.
                    "echo" | "qecho" | "warn" | "pset" | "timing" | "o" | "out" | "t" | "a" | "x" | "H"
                    | "C" | "f" | "encoding" | "setenv" | "prompt" | "." => {}
                    _ => pieces.push(Piece::Meta(MetaCommand {
                        name: name.clone(),
                        location,
                    })),
                }
            }
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                break;
            }
        }
    }
    pieces
}

/// The statements of a section, for callers that have no use for meta-commands.
pub fn statements(section: &Section, diagnostics: &mut Vec<Diagnostic>) -> Vec<SqlStatement> {
    split(section, &mut Variables::offline(), diagnostics)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Statement(s) => Some(s),
            Piece::Meta(_) => None,
        })
        .collect()
}

/// An `\if` block: whether its current branch runs, and whether one already ran.
struct Condition {
    active: bool,
    taken: bool,
}

/// psql's boolean spelling (`true`, `on`, `1`, `yes`, unambiguous prefixes).
fn truthy(value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() {
        return None;
    }
    if "true".starts_with(&v) || "yes".starts_with(&v) || v == "on" || v == "1" {
        Some(true)
    } else if "false".starts_with(&v) || "no".starts_with(&v) || v == "off" || v == "0" {
        Some(false)
    } else {
        None
    }
}

fn unknown_condition(section: &Section, at: Location, args: &[String], diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.push(Diagnostic::warning_at(
        &section.path,
        at,
        format!(
            "\\if {}: not a boolean the generator can evaluate; the block is read as false",
            args.join(" ")
        ),
    ));
}

/// `COPY table [(columns)] FROM STDIN ...`: the data follows in the script.
fn is_copy_from_stdin(sql: &str) -> bool {
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    words.first().is_some_and(|w| w == "COPY")
        && words
            .windows(2)
            .any(|w| w[0] == "FROM" && (w[1] == "STDIN" || w[1] == "PSTDIN"))
}

enum Raw {
    Statement(SqlStatement),
    Meta {
        name: String,
        args: Vec<String>,
        location: Location,
    },
}

/// A cursor over a section that knows the line and column of every byte it passes.
struct Lexer<'a> {
    section: &'a Section,
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Lexer<'a> {
    fn new(section: &'a Section) -> Self {
        Self {
            section,
            text: &section.sql,
            pos: 0,
            line: section.first_line,
            column: 1,
        }
    }

    fn location(&self) -> Location {
        Location {
            line: self.line,
            column: self.column,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn bump_str(&mut self, n_bytes: usize) {
        let end = self.pos + n_bytes;
        while self.pos < end && self.bump().is_some() {}
    }

    fn unterminated(&self, what: &str, at: Location) -> Diagnostic {
        Diagnostic::error_at(
            &self.section.path,
            at,
            format!("cannot read SQL: unterminated {what}"),
        )
    }

    /// The next statement or meta-command; `None` at the end of the section.
    fn next_piece(&mut self, variables: &Variables) -> Result<Option<Raw>, Diagnostic> {
        let mut sql = String::new();
        let mut start: Option<(usize, Location)> = None;
        let mut interpolated = false;
        let mut parens = 0i32;
        let mut words = Words::default();
        loop {
            let Some(c) = self.peek() else {
                return Ok(start.map(|(offset, location)| {
                    Raw::Statement(SqlStatement {
                        sql: sql.trim_end().to_string(),
                        location,
                        offset,
                        interpolated,
                        copy_data: None,
                    })
                }));
            };
            let here = (self.pos, self.location());
            // Comments and whitespace do not start a statement.
            if c == '-' && self.peek_at(1) == Some('-') {
                let len = self.rest().find('\n').unwrap_or(self.rest().len());
                if start.is_some() {
                    sql.push_str(&self.rest()[..len]);
                }
                self.bump_str(len);
                continue;
            }
            if c == '/' && self.peek_at(1) == Some('*') {
                let len = self
                    .block_comment_len()
                    .ok_or_else(|| self.unterminated("/* comment", here.1))?;
                if start.is_some() {
                    sql.push_str(&self.rest()[..len]);
                }
                self.bump_str(len);
                continue;
            }
            if c.is_whitespace() {
                if start.is_some() {
                    sql.push(c);
                }
                self.bump();
                continue;
            }
            if c == '\\' {
                let meta = self.meta_command(variables);
                if start.is_none() {
                    return Ok(Some(meta));
                }
                // A meta-command in the middle of a statement: psql runs it and goes on
                // collecting the statement; `\g` and friends send it.
                if let Raw::Meta { name, .. } = &meta
                    && matches!(
                        name.as_str(),
                        "g" | "gx" | "gset" | "gexec" | "gdesc" | "crosstabview"
                    )
                {
                    let (offset, location) = start.unwrap_or(here);
                    return Ok(Some(Raw::Statement(SqlStatement {
                        sql: sql.trim_end().to_string(),
                        location,
                        offset,
                        interpolated,
                        copy_data: None,
                    })));
                }
                continue;
            }
            if start.is_none() && c != ';' {
                start = Some(here);
            }
            match c {
                ';' if sql.trim().is_empty() => {
                    // An empty statement (`;;`): psql sends nothing.
                    self.bump();
                    start = None;
                    sql.clear();
                }
                ';' if parens <= 0 && words.atomic_depth == 0 => {
                    self.bump();
                    let (offset, location) = start.unwrap_or(here);
                    return Ok(Some(Raw::Statement(SqlStatement {
                        sql: sql.trim_end().to_string(),
                        location,
                        offset,
                        interpolated,
                        copy_data: None,
                    })));
                }
                '(' => {
                    parens += 1;
                    sql.push(c);
                    self.bump();
                }
                ')' => {
                    parens -= 1;
                    sql.push(c);
                    self.bump();
                }
                '\'' => {
                    let len = self
                        .quoted_len('\'', self.backslash_escapes(&sql))
                        .ok_or_else(|| self.unterminated("quoted string", here.1))?;
                    sql.push_str(&self.rest()[..len]);
                    self.bump_str(len);
                }
                '"' => {
                    let len = self
                        .quoted_len('"', false)
                        .ok_or_else(|| self.unterminated("quoted identifier", here.1))?;
                    sql.push_str(&self.rest()[..len]);
                    self.bump_str(len);
                }
                '$' => {
                    if let Some(tag) = self.dollar_tag() {
                        let body_end = self.rest()[tag.len()..]
                            .find(&tag)
                            .ok_or_else(|| self.unterminated("dollar-quoted string", here.1))?;
                        let len = tag.len() + body_end + tag.len();
                        sql.push_str(&self.rest()[..len]);
                        self.bump_str(len);
                    } else {
                        sql.push(c);
                        self.bump();
                    }
                }
                ':' => {
                    if self.peek_at(1) == Some(':') {
                        sql.push_str("::");
                        self.bump_str(2);
                    } else if let Some((len, value)) = self.variable(variables) {
                        sql.push_str(&value);
                        interpolated = true;
                        self.bump_str(len);
                    } else {
                        sql.push(c);
                        self.bump();
                    }
                }
                _ if is_word_start(c) => {
                    let len = self
                        .rest()
                        .find(|ch: char| !is_word_char(ch))
                        .unwrap_or(self.rest().len());
                    let word = &self.rest()[..len];
                    words.see(word, parens);
                    sql.push_str(word);
                    self.bump_str(len);
                }
                _ => {
                    sql.push(c);
                    self.bump();
                }
            }
        }
    }

    /// True when the string literal about to start reads backslashes as escapes (`E'...'`).
    fn backslash_escapes(&self, sql_so_far: &str) -> bool {
        let before = sql_so_far.as_bytes();
        match before.last() {
            Some(b'E' | b'e') => before.len() == 1 || !is_word_char(before[before.len() - 2] as char),
            _ => false,
        }
    }

    /// Length of the quoted text starting here (quote included), doubling the quote to
    /// escape it; with `backslash`, a backslash escapes the next character too.
    fn quoted_len(&self, quote: char, backslash: bool) -> Option<usize> {
        let rest = self.rest();
        let mut chars = rest.char_indices().skip(1).peekable();
        while let Some((i, ch)) = chars.next() {
            if backslash && ch == '\\' {
                chars.next();
            } else if ch == quote {
                if chars.peek().is_some_and(|(_, next)| *next == quote) {
                    chars.next();
                } else {
                    return Some(i + ch.len_utf8());
                }
            }
        }
        None
    }

    /// Length of the (nested) block comment starting here.
    fn block_comment_len(&self) -> Option<usize> {
        let bytes = self.rest().as_bytes();
        let mut depth = 0;
        let mut i = 0;
        while i + 1 < bytes.len() {
            if bytes[i] == b'/' && bytes[i + 1] == b'*' {
                depth += 1;
                i += 2;
            } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// The `$tag$` starting here, if this `$` opens a dollar quote (`$1` does not).
    fn dollar_tag(&self) -> Option<String> {
        let rest = self.rest();
        let after = &rest[1..];
        let end = after.find('$')?;
        let tag = &after[..end];
        let valid = tag.chars().next().is_none_or(|c| is_word_start(c) && c != '$')
            && tag.chars().all(|c| is_word_char(c) && c != '$');
        valid.then(|| format!("${tag}$"))
    }

    /// A `:name`, `:'name'` or `:"name"` of a defined variable: its length and value.
    fn variable(&self, variables: &Variables) -> Option<(usize, String)> {
        let rest = &self.rest()[1..];
        let (quote, body) = match rest.chars().next()? {
            q @ ('\'' | '"') => (Some(q), &rest[1..]),
            _ => (None, rest),
        };
        let len = body.find(|c: char| !is_word_char(c)).unwrap_or(body.len());
        if len == 0 {
            return None;
        }
        let name = &body[..len];
        let value = variables.get(name)?;
        match quote {
            None => Some((1 + len, value.to_string())),
            Some(q) => {
                if !body[len..].starts_with(q) {
                    return None;
                }
                let quoted = if q == '\'' {
                    quote_literal(value)
                } else {
                    quote_ident(value)
                };
                Some((1 + 1 + len + 1, quoted))
            }
        }
    }

    /// Reads a meta-command to the end of its line (or to a `\\` separator).
    fn meta_command(&mut self, variables: &Variables) -> Raw {
        let location = self.location();
        self.bump(); // the backslash
        let name_len = self
            .rest()
            .find(|c: char| c.is_whitespace() || c == '\\')
            .unwrap_or(self.rest().len())
            .max(usize::from(self.peek().is_some_and(|c| !c.is_whitespace())));
        let name = self.rest()[..name_len].to_string();
        self.bump_str(name_len);
        let line_len = self.rest().find('\n').unwrap_or(self.rest().len());
        let line = &self.rest()[..line_len];
        let (args_text, consumed) = match line.find("\\\\") {
            Some(i) => (&line[..i], i + 2),
            None => (line, line_len),
        };
        let args = meta_args(args_text, variables);
        self.bump_str(consumed);
        Raw::Meta { name, args, location }
    }

    /// The data lines of a `COPY ... FROM stdin`: from the next line to the `\.` line.
    fn copy_data(&mut self) -> String {
        // The rest of the line with the COPY statement is not data.
        let line_len = self.rest().find('\n').map_or(self.rest().len(), |i| i + 1);
        self.bump_str(line_len);
        let mut data = String::new();
        while !self.rest().is_empty() {
            let line_len = self.rest().find('\n').map_or(self.rest().len(), |i| i + 1);
            let line = &self.rest()[..line_len];
            self.bump_str(line_len);
            if line.trim_end_matches(['\n', '\r']) == "\\." {
                break;
            }
            data.push_str(line);
        }
        data
    }
}

/// The arguments of a meta-command: whitespace-separated, quotes removed, variables
/// interpolated.
fn meta_args(text: &str, variables: &Variables) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut arg = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '\'' => {
                    while let Some(c) = chars.next() {
                        match c {
                            '\'' if chars.peek() == Some(&'\'') => {
                                chars.next();
                                arg.push('\'');
                            }
                            '\'' => break,
                            '\\' => {
                                if let Some(e) = chars.next() {
                                    arg.push(match e {
                                        'n' => '\n',
                                        't' => '\t',
                                        other => other,
                                    });
                                }
                            }
                            other => arg.push(other),
                        }
                    }
                }
                '"' => {
                    arg.push('"');
                    for c in chars.by_ref() {
                        arg.push(c);
                        if c == '"' {
                            break;
                        }
                    }
                }
                ':' => {
                    let name: String = std::iter::from_fn(|| chars.next_if(|c| is_word_char(*c))).collect();
                    match variables.get(&name) {
                        Some(value) if !name.is_empty() => arg.push_str(value),
                        _ => {
                            arg.push(':');
                            arg.push_str(&name);
                        }
                    }
                }
                other => arg.push(other),
            }
        }
        args.push(arg);
    }
    args
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii() && !c.is_whitespace()
}

fn is_word_char(c: char) -> bool {
    is_word_start(c) || c.is_ascii_digit() || c == '$'
}

/// The words psql watches to keep a `BEGIN ATOMIC ... END` function body whole (the same
/// heuristic as psql's lexer).
#[derive(Default)]
struct Words {
    /// The first words of the statement, upper case (up to four).
    leading: Vec<String>,
    /// Open `BEGIN`/`CASE` blocks inside a SQL-standard function body.
    atomic_depth: u32,
}

impl Words {
    fn see(&mut self, word: &str, parens: i32) {
        let upper = word.to_ascii_uppercase();
        if self.leading.len() < 4 {
            self.leading.push(upper.clone());
        }
        let leading: Vec<&str> = self.leading.iter().map(String::as_str).collect();
        let routine = |w: &str| w == "FUNCTION" || w == "PROCEDURE";
        let in_routine = match leading.as_slice() {
            ["CREATE", second, ..] if routine(second) => true,
            ["CREATE", "OR", "REPLACE", fourth, ..] => routine(fourth),
            _ => false,
        };
        if !in_routine || parens != 0 {
            return;
        }
        match upper.as_str() {
            "BEGIN" => self.atomic_depth += 1,
            "CASE" if self.atomic_depth > 0 => self.atomic_depth += 1,
            "END" if self.atomic_depth > 0 => self.atomic_depth -= 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn section(sql: &str) -> Section {
        Section {
            sql: sql.to_string(),
            path: PathBuf::from("m.sql"),
            first_line: 1,
        }
    }

    fn split_all(sql: &str) -> (Vec<Piece>, Vec<String>) {
        let mut d = Vec::new();
        let pieces = split(&section(sql), &mut Variables::offline(), &mut d);
        (pieces, d.iter().map(ToString::to_string).collect())
    }

    fn sqls(sql: &str) -> Vec<String> {
        let (pieces, d) = split_all(sql);
        assert!(d.is_empty(), "{d:?}");
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Statement(s) => Some(s.sql),
                Piece::Meta(_) => None,
            })
            .collect()
    }

    #[test]
    fn cuts_at_top_level_semicolons_only() {
        assert_eq!(
            sqls("SELECT ';'; SELECT \"a;b\"; SELECT $x$ ; $x$; SELECT (1;2)"),
            vec!["SELECT ';'", "SELECT \"a;b\"", "SELECT $x$ ; $x$", "SELECT (1;2)"]
        );
        assert_eq!(sqls("-- a;\n/* b; /* c; */ d; */ SELECT 1;"), vec!["SELECT 1"]);
        assert_eq!(sqls("SELECT E'a\\';b';"), vec!["SELECT E'a\\';b'"]);
        assert_eq!(sqls("SELECT 1;; ;\n;SELECT 2"), vec!["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn keeps_begin_atomic_bodies_whole() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nCREATE TABLE a (id int);";
        assert_eq!(sqls(sql).len(), 2);
        // Outside routines, BEGIN is a transaction.
        assert_eq!(sqls("BEGIN; CREATE TABLE a (); COMMIT;").len(), 3);
    }

    #[test]
    fn locates_statements_at_their_first_character() {
        let (pieces, _) = split_all("-- c\nCREATE TABLE a ();\n\n  SELECT 1;");
        let at: Vec<_> = pieces
            .iter()
            .map(|p| match p {
                Piece::Statement(s) => (s.location.line, s.location.column),
                Piece::Meta(m) => (m.location.line, m.location.column),
            })
            .collect();
        assert_eq!(at, vec![(2, 1), (4, 3)]);
    }

    #[test]
    fn follows_psql_variables_and_meta_commands() {
        let sql = "\\set ON_ERROR_STOP on\n\\set tbl 'my table'\nCREATE TABLE :\"tbl\" (x text DEFAULT :'tbl');\nALTER DATABASE :DBNAME SET x = 1;\nSELECT a::int, :undefined FROM t;\n\\echo done\n";
        assert_eq!(
            sqls(sql),
            vec![
                "CREATE TABLE \"my table\" (x text DEFAULT 'my table')",
                "ALTER DATABASE postgres SET x = 1",
                "SELECT a::int, :undefined FROM t"
            ]
        );
    }

    #[test]
    fn reports_meta_commands_it_does_not_follow() {
        let (pieces, _) = split_all("\\connect other\nSELECT 1;");
        assert!(matches!(&pieces[0], Piece::Meta(m) if m.name == "connect"));
    }

    #[test]
    fn evaluates_if_blocks_and_stops_at_q() {
        let sql = "\\set go true\n\\if :go\nSELECT 1;\n\\else\nSELECT 2;\n\\endif\n\\if false\nSELECT 3;\n\\elif 1\nSELECT 4;\n\\endif\n\\q\nSELECT 5;";
        assert_eq!(sqls(sql), vec!["SELECT 1", "SELECT 4"]);
    }

    #[test]
    fn attaches_copy_data_up_to_the_terminator() {
        let (pieces, d) = split_all("COPY t (a, b) FROM stdin;\n1\t'x\n2\t;\n\\.\nSELECT 1;");
        assert!(d.is_empty(), "{d:?}");
        match &pieces[0] {
            Piece::Statement(s) => {
                assert_eq!(s.sql, "COPY t (a, b) FROM stdin");
                assert_eq!(s.copy_data.as_deref(), Some("1\t'x\n2\t;\n"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&pieces[1], Piece::Statement(s) if s.sql == "SELECT 1" && s.location.line == 5));
    }

    #[test]
    fn reports_unterminated_quotes_and_keeps_what_came_before() {
        let (pieces, d) = split_all("SELECT 1;\nSELECT 'open");
        assert_eq!(pieces.len(), 1);
        assert_eq!(d, vec!["m.sql:2:8: cannot read SQL: unterminated quoted string"]);
        let (_, d) = split_all("/* never closed");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for sql in [
            "\\", ":", "$", "$$", "$a", "E'", "'\\", "\\set", ":'", ":\"x", "é\\é", "(((", ")))",
        ] {
            let _ = split_all(sql);
        }
    }
}
