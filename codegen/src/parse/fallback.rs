//! Our own parser for the statements sqlparser cannot read.
//!
//! sqlparser reads most of PostgreSQL, but not every form of every command. When it gives up on
//! a statement whose command can change the shape, this module reads it from its tokens with a
//! small recursive-descent parser that follows PostgreSQL's grammar for the shape-changing
//! commands: `ALTER TABLE` (and `ALTER VIEW`, `ALTER MATERIALIZED VIEW`, `ALTER FOREIGN TABLE`,
//! `ALTER INDEX`, which share its actions), `ALTER SEQUENCE`, `ALTER TYPE`, `ALTER DOMAIN`,
//! `ALTER SCHEMA`, `ALTER EXTENSION`, `COMMENT ON`, `CREATE TYPE ... AS RANGE`, and the session
//! and routine statements whose shape-relevant part is simple (`SET search_path`, `CREATE
//! FUNCTION` bodies sqlparser does not know). Expressions, types and column definitions inside
//! are still read by sqlparser, from the statement's own tokens, so positions stay exact.
//!
//! A multi-action `ALTER TABLE` is cut into its actions; each is given to sqlparser on its own
//! and read here only when sqlparser cannot, so one unusual action does not hide the others.

use sqlparser::ast as sql;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::commands::Command;
use super::lower::{self, Context};
use super::lower_expr::{expr, folded, type_name};
use crate::sql::ddl::{
    AlterAction, AlterTable, CommentTarget, Ddl, DomainAction, ObjectKind, RelationKindWritten,
    SequenceAction, Transaction, TypeAction,
};
use crate::sql::{QualifiedName, TypeName};

/// Reads a statement sqlparser could not; `None` when this module cannot either.
pub(super) fn statement(tokens: &[TokenWithSpan], command: Command, cx: &Context) -> Option<Ddl> {
    let mut c = Cursor::new(tokens, cx);
    let ddl = match command.name {
        "CREATE FUNCTION" | "CREATE PROCEDURE" => routine(&c),
        "ALTER TABLE" | "ALTER VIEW" | "ALTER MATERIALIZED VIEW" | "ALTER FOREIGN TABLE" | "ALTER INDEX" => {
            alter_relation(&mut c)?
        }
        "ALTER SEQUENCE" => alter_sequence(&mut c)?,
        "ALTER TYPE" => alter_type(&mut c)?,
        "ALTER DOMAIN" => alter_domain(&mut c)?,
        "ALTER SCHEMA" => alter_schema(&mut c)?,
        "ALTER EXTENSION" => alter_extension(&mut c)?,
        "ALTER FUNCTION" | "DROP FUNCTION" | "SELECT" | "CALL" | "ALTER DATABASE" => Ddl::Skipped,
        "SET" => set(&mut c)?,
        "RESET" | "DISCARD" => reset(&mut c),
        "BEGIN"
        | "START TRANSACTION"
        | "COMMIT"
        | "END"
        | "ABORT"
        | "ROLLBACK"
        | "SAVEPOINT"
        | "RELEASE"
        | "RELEASE SAVEPOINT"
        | "ROLLBACK TO SAVEPOINT" => transaction(&mut c)?,
        "COMMENT" => comment(&mut c)?,
        "CREATE TYPE" => create_type(&mut c)?,
        // Without CASCADE a server still in use cannot be dropped: nothing changes.
        "DROP SERVER" if !c.tokens.iter().any(|t| is_cascade(&t.token)) => Ddl::Skipped,
        "DROP SERVER" | "DROP OWNED" | "IMPORT FOREIGN SCHEMA" => Ddl::Unsupported {
            reason: format!(
                "{}: the foreign tables or owned objects it creates or drops cannot be known from the SQL alone; `verify` shows them",
                command.name
            ),
        },
        "CREATE RULE" => create_rule(&mut c),
        "CREATE INDEX" => index_on_only(tokens, cx)?,
        "CREATE TABLE AS" => table_as_with_names(tokens, cx)?,
        _ => return None,
    };
    Some(ddl)
}

fn is_cascade(token: &Token) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("CASCADE"))
}

/// A cursor over the significant tokens of one statement.
struct Cursor<'a> {
    tokens: Vec<&'a TokenWithSpan>,
    pos: usize,
    cx: &'a Context,
}

impl<'a> Cursor<'a> {
    fn new(tokens: &'a [TokenWithSpan], cx: &'a Context) -> Self {
        Self {
            tokens: tokens
                .iter()
                .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
                .collect(),
            pos: 0,
            cx,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    /// The unquoted keyword at the cursor (plus `n`), upper case.
    fn keyword_at(&self, n: usize) -> Option<String> {
        match &self.tokens.get(self.pos + n)?.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    fn is(&self, word: &str) -> bool {
        self.keyword_at(0).is_some_and(|k| k == word)
    }

    /// Consumes `words` if they come next, in order.
    fn eat(&mut self, words: &[&str]) -> bool {
        let all = words
            .iter()
            .enumerate()
            .all(|(i, w)| self.keyword_at(i).is_some_and(|k| k == *w));
        if all {
            self.pos += words.len();
        }
        all
    }

    fn expect(&mut self, words: &[&str]) -> Option<()> {
        self.eat(words).then_some(())
    }

    fn eat_token(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    /// One identifier, folded as PostgreSQL folds it.
    fn ident(&mut self) -> Option<String> {
        match self.peek()? {
            Token::Word(w) => {
                self.pos += 1;
                Some(folded(&sql::Ident {
                    value: w.value.clone(),
                    quote_style: w.quote_style,
                    span: Span::empty(),
                }))
            }
            _ => None,
        }
    }

    /// The parts of a dotted name (`a.b.c`).
    fn parts(&mut self) -> Option<Vec<String>> {
        let mut parts = vec![self.ident()?];
        while self.eat_token(&Token::Period) {
            parts.push(self.ident()?);
        }
        Some(parts)
    }

    /// `name` or `schema.name` (a leading database part is dropped).
    fn name(&mut self) -> Option<QualifiedName> {
        let mut parts = self.parts()?;
        let name = parts.pop()?;
        Some(QualifiedName {
            schema: parts.pop(),
            name,
        })
    }

    /// A string literal of any spelling (`'x'`, `E'x'`, `$$x$$`, `U&'x'`).
    fn string(&mut self) -> Option<String> {
        let value = match self.peek()? {
            Token::SingleQuotedString(s)
            | Token::EscapedStringLiteral(s)
            | Token::NationalStringLiteral(s)
            | Token::UnicodeStringLiteral(s)
            | Token::TripleSingleQuotedString(s) => s.clone(),
            Token::DollarQuotedString(d) => d.value.clone(),
            _ => return None,
        };
        self.pos += 1;
        Some(value)
    }

    /// The tokens up to the next top-level comma (or the end), consumed with the comma.
    fn until_comma(&mut self) -> Vec<&'a TokenWithSpan> {
        let mut depth = 0i32;
        let start = self.pos;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::Comma if depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        let slice = self.tokens[start..self.pos].to_vec();
        self.eat_token(&Token::Comma);
        slice
    }

    /// The rest of the statement's tokens.
    fn rest(&mut self) -> Vec<&'a TokenWithSpan> {
        let slice = self.tokens[self.pos..].to_vec();
        self.pos = self.tokens.len();
        slice
    }

    /// A parenthesised group, consumed whole; its inner tokens.
    fn group(&mut self) -> Option<Vec<&'a TokenWithSpan>> {
        if self.peek() != Some(&Token::LParen) {
            return None;
        }
        let mut depth = 0i32;
        let start = self.pos + 1;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = self.tokens[start..self.pos].to_vec();
                        self.pos += 1;
                        return Some(inner);
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        None
    }

    /// A type read by sqlparser from the tokens up to the next top-level comma or the end.
    fn type_until_comma(&mut self) -> Option<TypeName> {
        let tokens = self.until_comma();
        let mut parser = parser(&tokens);
        let data_type = parser.parse_data_type().ok()?;
        at_eof(&mut parser).then(|| type_name(&data_type))
    }
}

/// A sqlparser parser over some of a statement's tokens (their spans kept).
fn parser(tokens: &[&TokenWithSpan]) -> Parser<'static> {
    static DIALECT: PostgreSqlDialect = PostgreSqlDialect {};
    Parser::new(&DIALECT).with_tokens_with_locations(tokens.iter().map(|t| (*t).clone()).collect())
}

fn at_eof(parser: &mut Parser) -> bool {
    parser.peek_token().token == Token::EOF
}

/// An expression read by sqlparser from all of `tokens`.
fn expression(tokens: &[&TokenWithSpan], cx: &Context) -> Option<crate::sql::expr::Expr> {
    let mut parser = parser(tokens);
    let e = parser.parse_expr().ok()?;
    at_eof(&mut parser).then(|| expr(&e, cx))
}

/// A keyword token with no place in the file, for statements we put together.
fn word(value: &str) -> TokenWithSpan {
    TokenWithSpan {
        token: Token::make_keyword(value),
        span: Span::empty(),
    }
}

fn space() -> TokenWithSpan {
    TokenWithSpan {
        token: Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
        span: Span::empty(),
    }
}

/// `CREATE FUNCTION` with a body sqlparser cannot read: the routine exists, and whether its
/// body runs DDL is judged from the body's words, as for routines sqlparser reads.
fn routine(c: &Cursor) -> Ddl {
    let start = (0..c.tokens.len())
        .find(|&i| {
            c.keyword_at(i)
                .is_some_and(|k| k == "FUNCTION" || k == "PROCEDURE")
        })
        .map_or(0, |i| i + 1);
    let name = c.tokens[start..]
        .iter()
        .take_while(|t| t.token != Token::LParen)
        .filter_map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
            Token::Word(w) => Some(w.value.to_ascii_lowercase()),
            _ => None,
        })
        .last()
        .unwrap_or_default();
    let runs_ddl = c.tokens.iter().any(|t| match &t.token {
        Token::DollarQuotedString(s) => lower::runs_ddl(&s.value),
        Token::SingleQuotedString(s) => lower::runs_ddl(s),
        _ => false,
    });
    Ddl::CreateFunction { name, runs_ddl }
}

/// `ALTER {TABLE | VIEW | MATERIALIZED VIEW | FOREIGN TABLE | INDEX} [IF EXISTS] [ONLY] name
/// [*] action [, ...]`, and the single-action forms `ALTER INDEX name ATTACH PARTITION ...`.
fn alter_relation(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER"])?;
    let object = if c.eat(&["TABLE"]) {
        ObjectKind::Table
    } else if c.eat(&["VIEW"]) {
        ObjectKind::View
    } else if c.eat(&["MATERIALIZED", "VIEW"]) {
        ObjectKind::MaterializedView
    } else if c.eat(&["FOREIGN", "TABLE"]) {
        ObjectKind::ForeignTable
    } else if c.eat(&["INDEX"]) {
        return alter_index(c);
    } else {
        return None;
    };
    // `ALTER TABLE ALL IN TABLESPACE ...` moves storage only.
    if c.is("ALL") {
        return Some(Ddl::Skipped);
    }
    let if_exists = c.eat(&["IF", "EXISTS"]);
    let only = c.eat(&["ONLY"]);
    let name = c.name()?;
    c.eat_token(&Token::Mul);
    if c.eat(&["SET", "SCHEMA"]) {
        let schema = c.ident()?;
        return c.at_end().then_some(Ddl::SetSchema {
            object,
            name,
            if_exists,
            schema,
        });
    }
    let mut actions = Vec::new();
    while !c.at_end() {
        let tokens = c.until_comma();
        actions.extend(table_action(&tokens, c.cx)?);
    }
    Some(Ddl::AlterTable(AlterTable {
        name,
        if_exists,
        only,
        actions,
    }))
}

/// One `ALTER TABLE` action: by sqlparser when it reads it, else by [`own_table_action`].
fn table_action(tokens: &[&TokenWithSpan], cx: &Context) -> Option<Vec<AlterAction>> {
    let mut statement: Vec<TokenWithSpan> =
        vec![word("ALTER"), space(), word("TABLE"), space(), word("t"), space()];
    statement.extend(tokens.iter().map(|t| (*t).clone()));
    if let Ok(sql::Statement::AlterTable(at)) = super::parse_tokens(statement)
        && at.operations.len() == 1
    {
        return Some(
            at.operations
                .into_iter()
                .flat_map(|op| lower::alter_action(op, cx))
                .collect(),
        );
    }
    let mut c = Cursor {
        tokens: tokens.to_vec(),
        pos: 0,
        cx,
    };
    let action = own_table_action(&mut c)?;
    Some(vec![action])
}

/// The `ALTER TABLE` actions sqlparser does not read.
fn own_table_action(c: &mut Cursor) -> Option<AlterAction> {
    if c.eat(&["ALTER"]) {
        if c.eat(&["CONSTRAINT"]) {
            // Deferrability only.
            return Some(AlterAction::Skipped);
        }
        c.eat(&["COLUMN"]);
        let column = c.ident()?;
        return column_action(c, column);
    }
    if c.eat(&["ATTACH", "PARTITION"]) {
        let partition = c.name()?;
        let bound = text(&c.rest());
        return Some(AlterAction::AttachPartition { partition, bound });
    }
    if c.eat(&["DETACH", "PARTITION"]) {
        let partition = c.name()?;
        return Some(AlterAction::DetachPartition { partition });
    }
    if c.eat(&["NO", "INHERIT"]) {
        let parent = c.name()?;
        return Some(AlterAction::NoInherit { parent });
    }
    if c.eat(&["INHERIT"]) {
        let parent = c.name()?;
        return Some(AlterAction::Inherit { parent });
    }
    if c.eat(&["RENAME"]) {
        if c.eat(&["CONSTRAINT"]) {
            let from = c.ident()?;
            c.expect(&["TO"])?;
            let to = c.ident()?;
            return Some(AlterAction::RenameConstraint { from, to });
        }
        if c.eat(&["TO"]) {
            let to = c.ident()?;
            return Some(AlterAction::RenameTable { to });
        }
        c.eat(&["COLUMN"]);
        let from = c.ident()?;
        c.expect(&["TO"])?;
        let to = c.ident()?;
        return Some(AlterAction::RenameColumn { from, to });
    }
    // Storage, ownership, triggers, rules, row security, clustering, replica identity,
    // validation, typed-table links: none changes the columns, keys or indexes.
    const NEUTRAL: &[&[&str]] = &[
        &["SET", "TABLESPACE"],
        &["SET", "ACCESS", "METHOD"],
        &["SET", "WITHOUT"],
        &["SET", "LOGGED"],
        &["SET", "UNLOGGED"],
        &["SET"],
        &["RESET"],
        &["CLUSTER", "ON"],
        &["OWNER", "TO"],
        &["ENABLE"],
        &["DISABLE"],
        &["FORCE"],
        &["NO", "FORCE"],
        &["REPLICA", "IDENTITY"],
        &["VALIDATE", "CONSTRAINT"],
        &["OF"],
        &["NOT", "OF"],
        &["OPTIONS"],
    ];
    if NEUTRAL.iter().any(|words| c.eat(words)) {
        return Some(AlterAction::Skipped);
    }
    None
}

/// `ALTER [COLUMN] c ...` forms sqlparser does not read.
fn column_action(c: &mut Cursor, column: String) -> Option<AlterAction> {
    if c.eat(&["DROP", "IDENTITY"]) {
        let if_exists = c.eat(&["IF", "EXISTS"]);
        return Some(AlterAction::DropIdentity { column, if_exists });
    }
    if c.eat(&["DROP", "EXPRESSION"]) {
        let if_exists = c.eat(&["IF", "EXISTS"]);
        return Some(AlterAction::DropExpression { column, if_exists });
    }
    if c.eat(&["SET", "GENERATED"]) {
        let always = c.eat(&["ALWAYS"]);
        if !always {
            c.expect(&["BY", "DEFAULT"])?;
        }
        // Sequence options may follow (`SET GENERATED ALWAYS RESTART`).
        return Some(AlterAction::SetIdentity { column, always });
    }
    if c.eat(&["TYPE"]) || c.eat(&["SET", "DATA", "TYPE"]) {
        let rest = c.rest();
        let end = rest
            .iter()
            .position(|t| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && (w.value.eq_ignore_ascii_case("USING") || w.value.eq_ignore_ascii_case("COLLATE"))))
            .unwrap_or(rest.len());
        let mut parser = parser(&rest[..end]);
        let data_type = parser.parse_data_type().ok()?;
        return at_eof(&mut parser).then(|| AlterAction::SetType {
            column,
            data_type: type_name(&data_type),
        });
    }
    // Statistics, storage, compression, per-column options, identity sequence options.
    const NEUTRAL: &[&str] = &["SET", "RESET", "RESTART"];
    NEUTRAL.iter().any(|w| c.is(w)).then_some(AlterAction::Skipped)
}

/// `ALTER INDEX`: only renames and moves between schemas would matter, and an index follows
/// its table's schema; everything else is storage or partition bookkeeping.
fn alter_index(c: &mut Cursor) -> Option<Ddl> {
    if c.is("ALL") {
        return Some(Ddl::Skipped);
    }
    let if_exists = c.eat(&["IF", "EXISTS"]);
    let name = c.name()?;
    if c.eat(&["RENAME", "TO"]) {
        let new_name = c.ident()?;
        return Some(Ddl::RenameRelation {
            kind: RelationKindWritten::Index,
            name,
            new_name,
            if_exists,
        });
    }
    Some(Ddl::Skipped)
}

/// `ALTER SEQUENCE [IF EXISTS] name options | RENAME TO | SET SCHEMA | OWNER TO ...`.
fn alter_sequence(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER", "SEQUENCE"])?;
    let if_exists = c.eat(&["IF", "EXISTS"]);
    let name = c.name()?;
    if c.eat(&["SET", "SCHEMA"]) {
        let schema = c.ident()?;
        return Some(Ddl::SetSchema {
            object: ObjectKind::Sequence,
            name,
            if_exists,
            schema,
        });
    }
    if c.eat(&["RENAME", "TO"]) {
        let new_name = c.ident()?;
        return Some(Ddl::AlterSequence {
            name,
            if_exists,
            actions: vec![SequenceAction::Rename(new_name)],
        });
    }
    let mut actions = Vec::new();
    while !c.at_end() {
        if c.eat(&["AS"]) {
            let mut end = c.pos;
            while end < c.tokens.len()
                && !matches!(&c.tokens[end].token, Token::Word(w) if w.quote_style.is_none() && is_sequence_option(&w.value))
            {
                end += 1;
            }
            let tokens = c.tokens[c.pos..end].to_vec();
            c.pos = end;
            let mut parser = parser(&tokens);
            let data_type = parser.parse_data_type().ok()?;
            actions.push(SequenceAction::AsType(type_name(&data_type)));
        } else if c.eat(&["OWNED", "BY"]) {
            if c.eat(&["NONE"]) {
                actions.push(SequenceAction::OwnedBy(None));
            } else {
                let mut parts = c.parts()?;
                let column = parts.pop()?;
                let table = parts.pop()?;
                let table = QualifiedName {
                    schema: parts.pop(),
                    name: table,
                };
                actions.push(SequenceAction::OwnedBy(Some((table, column))));
            }
        } else {
            c.pos += 1;
        }
    }
    Some(Ddl::AlterSequence {
        name,
        if_exists,
        actions,
    })
}

fn is_sequence_option(word: &str) -> bool {
    [
        "INCREMENT",
        "MINVALUE",
        "MAXVALUE",
        "NO",
        "START",
        "RESTART",
        "CACHE",
        "CYCLE",
        "OWNED",
        "SEQUENCE",
    ]
    .iter()
    .any(|o| o.eq_ignore_ascii_case(word))
}

/// `ALTER TYPE`: renames, schema moves, and composite attributes (enum values are read by
/// sqlparser).
fn alter_type(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER", "TYPE"])?;
    let name = c.name()?;
    if c.eat(&["SET", "SCHEMA"]) {
        let schema = c.ident()?;
        return Some(Ddl::SetSchema {
            object: ObjectKind::Type,
            name,
            if_exists: false,
            schema,
        });
    }
    if c.eat(&["OWNER", "TO"]) || c.eat(&["SET"]) {
        return Some(Ddl::Skipped);
    }
    // Composite attributes: `ADD|DROP|ALTER ATTRIBUTE`, `RENAME ATTRIBUTE a TO b`.
    let action = if c.eat(&["ADD", "ATTRIBUTE"]) {
        let name_ = c.ident()?;
        let tokens = c.until_comma();
        let end = tokens
            .iter()
            .position(|t| matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("COLLATE") || w.value.eq_ignore_ascii_case("CASCADE") || w.value.eq_ignore_ascii_case("RESTRICT")))
            .unwrap_or(tokens.len());
        let mut p = parser(&tokens[..end]);
        let data_type = type_name(&p.parse_data_type().ok()?);
        TypeAction::AddAttribute {
            name: name_,
            data_type,
        }
    } else if c.eat(&["DROP", "ATTRIBUTE"]) {
        let if_exists = c.eat(&["IF", "EXISTS"]);
        TypeAction::DropAttribute {
            name: c.ident()?,
            if_exists,
        }
    } else if c.eat(&["ALTER", "ATTRIBUTE"]) {
        let name_ = c.ident()?;
        c.eat(&["SET", "DATA"]);
        c.expect(&["TYPE"])?;
        let tokens = c.until_comma();
        let end = tokens
            .iter()
            .position(|t| matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("COLLATE") || w.value.eq_ignore_ascii_case("CASCADE") || w.value.eq_ignore_ascii_case("RESTRICT")))
            .unwrap_or(tokens.len());
        let mut p = parser(&tokens[..end]);
        let data_type = type_name(&p.parse_data_type().ok()?);
        TypeAction::AlterAttribute {
            name: name_,
            data_type,
        }
    } else if c.eat(&["RENAME", "ATTRIBUTE"]) {
        let from = c.ident()?;
        c.expect(&["TO"])?;
        TypeAction::RenameAttribute { from, to: c.ident()? }
    } else {
        return None;
    };
    Some(Ddl::AlterType { name, action })
}

/// `ALTER DOMAIN name action`.
fn alter_domain(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER", "DOMAIN"])?;
    let name = c.name()?;
    let action = if c.eat(&["SET", "DEFAULT"]) {
        DomainAction::Default(Some(expression(&c.rest(), c.cx)?))
    } else if c.eat(&["DROP", "DEFAULT"]) {
        DomainAction::Default(None)
    } else if c.eat(&["SET", "NOT", "NULL"]) {
        DomainAction::NotNull(true)
    } else if c.eat(&["DROP", "NOT", "NULL"]) {
        DomainAction::NotNull(false)
    } else if c.eat(&["ADD"]) {
        let constraint_name = if c.eat(&["CONSTRAINT"]) {
            Some(c.ident()?)
        } else {
            None
        };
        if c.eat(&["NOT", "NULL"]) {
            return Some(Ddl::AlterDomain {
                name,
                action: DomainAction::NotNull(true),
            });
        }
        c.expect(&["CHECK"])?;
        let condition = c.group()?;
        DomainAction::AddCheck {
            name: constraint_name,
            expr: expression(&condition, c.cx)?,
        }
    } else if c.eat(&["DROP", "CONSTRAINT"]) {
        let if_exists = c.eat(&["IF", "EXISTS"]);
        DomainAction::DropConstraint {
            name: c.ident()?,
            if_exists,
        }
    } else if c.eat(&["RENAME", "CONSTRAINT"]) {
        let from = c.ident()?;
        c.expect(&["TO"])?;
        DomainAction::RenameConstraint { from, to: c.ident()? }
    } else if c.eat(&["RENAME", "TO"]) {
        DomainAction::Rename(c.ident()?)
    } else if c.eat(&["SET", "SCHEMA"]) {
        let schema = c.ident()?;
        return Some(Ddl::SetSchema {
            object: ObjectKind::Domain,
            name,
            if_exists: false,
            schema,
        });
    } else if c.eat(&["OWNER", "TO"]) || c.eat(&["VALIDATE", "CONSTRAINT"]) {
        DomainAction::Skipped
    } else {
        return None;
    };
    Some(Ddl::AlterDomain { name, action })
}

/// `ALTER SCHEMA name RENAME TO new | OWNER TO role`.
fn alter_schema(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER", "SCHEMA"])?;
    let from = c.ident()?;
    if c.eat(&["RENAME", "TO"]) {
        let to = c.ident()?;
        return Some(Ddl::RenameSchema { from, to });
    }
    c.eat(&["OWNER", "TO"]).then_some(Ddl::Skipped)
}

/// `ALTER EXTENSION name SET SCHEMA s` moves the extension's types; its other forms
/// (`UPDATE`, `ADD`/`DROP` member) do not change the shape.
fn alter_extension(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["ALTER", "EXTENSION"])?;
    let name = c.name()?;
    if c.eat(&["SET", "SCHEMA"]) {
        let schema = c.ident()?;
        return Some(Ddl::SetSchema {
            object: ObjectKind::Extension,
            name,
            if_exists: false,
            schema,
        });
    }
    Some(Ddl::Skipped)
}

/// `SET [SESSION | LOCAL] name {TO | =} value, ...` and `SET SCHEMA 'x'`.
fn set(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["SET"])?;
    let local = c.eat(&["LOCAL"]);
    c.eat(&["SESSION"]);
    if c.eat(&["SCHEMA"]) {
        let schema = c.string()?;
        return Some(Ddl::SetSearchPath {
            schemas: Some(vec![schema]),
            local,
        });
    }
    let setting = c.ident()?;
    if setting != "search_path" {
        return Some(Ddl::Skipped);
    }
    if !(c.eat_token(&Token::Eq) || c.eat(&["TO"])) {
        return None;
    }
    if c.eat(&["DEFAULT"]) {
        return Some(Ddl::SetSearchPath { schemas: None, local });
    }
    let mut schemas = Vec::new();
    while !c.at_end() {
        let value = match c.peek()? {
            Token::Word(_) => c.ident()?,
            _ => c.string()?,
        };
        schemas.extend(search_path_entries(&value));
        if !c.eat_token(&Token::Comma) {
            break;
        }
    }
    Some(Ddl::SetSearchPath {
        schemas: Some(schemas),
        local,
    })
}

/// The schemas a search_path value names (`'a, "B"'` holds two).
pub(crate) fn search_path_entries(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => s.to_ascii_lowercase(),
        })
        .collect()
}

/// `RESET search_path`, `RESET ALL`, `DISCARD ALL`: back to the defaults.
fn reset(c: &mut Cursor) -> Ddl {
    let all = c.eat(&["RESET", "ALL"]) || c.eat(&["DISCARD", "ALL"]);
    if all {
        return Ddl::ResetSession;
    }
    if c.eat(&["RESET"]) && c.ident().as_deref() == Some("search_path") {
        return Ddl::SetSearchPath {
            schemas: None,
            local: false,
        };
    }
    Ddl::Skipped
}

/// Transaction control in any of its spellings.
fn transaction(c: &mut Cursor) -> Option<Ddl> {
    let first = c.keyword_at(0)?;
    c.pos += 1;
    let savepoint_name = |c: &mut Cursor| {
        c.eat(&["SAVEPOINT"]);
        c.ident()
    };
    let action = match first.as_str() {
        "BEGIN" | "START" => Transaction::Begin,
        "COMMIT" | "END" => Transaction::Commit,
        "ABORT" => Transaction::Rollback,
        "ROLLBACK" => {
            c.eat(&["WORK"]);
            c.eat(&["TRANSACTION"]);
            if c.eat(&["TO"]) {
                Transaction::RollbackTo(savepoint_name(c)?)
            } else {
                Transaction::Rollback
            }
        }
        "SAVEPOINT" => Transaction::Savepoint(c.ident()?),
        "RELEASE" => Transaction::Release(savepoint_name(c)?),
        _ => return None,
    };
    Some(Ddl::Transaction(action))
}

/// `COMMENT ON object name IS 'text' | NULL`, for every object type; only tables, columns,
/// views, materialized views, foreign tables, types and domains carry comments in the catalog.
fn comment(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["COMMENT", "ON"])?;
    let target = if c.eat(&["TABLE"]) || c.eat(&["FOREIGN", "TABLE"]) {
        CommentTarget::Table
    } else if c.eat(&["VIEW"]) {
        CommentTarget::View
    } else if c.eat(&["MATERIALIZED", "VIEW"]) {
        CommentTarget::MaterializedView
    } else if c.eat(&["COLUMN"]) {
        CommentTarget::Column
    } else if c.eat(&["TYPE"]) {
        CommentTarget::Type
    } else if c.eat(&["DOMAIN"]) {
        CommentTarget::Domain
    } else {
        return Some(Ddl::Skipped);
    };
    let name = c.parts()?;
    c.expect(&["IS"])?;
    let text = if c.eat(&["NULL"]) { None } else { Some(c.string()?) };
    c.at_end().then_some(Ddl::Comment { target, name, text })
}

/// `CREATE TYPE name AS RANGE (SUBTYPE = t, ...)`; other forms sqlparser does not read are
/// base or shell types: names without columns.
fn create_type(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["CREATE", "TYPE"])?;
    let name = c.name()?;
    if !c.eat(&["AS", "RANGE"]) {
        return Some(Ddl::CreateOtherType { name });
    }
    let options = c.group()?;
    let mut inner = Cursor {
        tokens: options,
        pos: 0,
        cx: c.cx,
    };
    let (mut subtype, mut multirange) = (None, None);
    while !inner.at_end() {
        let option = inner.ident()?;
        if !inner.eat_token(&Token::Eq) {
            return None;
        }
        match option.as_str() {
            "subtype" => subtype = Some(inner.type_until_comma()?),
            "multirange_type_name" => {
                multirange = inner.name();
                inner.until_comma();
            }
            _ => {
                inner.until_comma();
            }
        }
    }
    Some(Ddl::CreateRange {
        name,
        subtype: subtype?,
        multirange,
    })
}

/// `CREATE INDEX ... ON ONLY table`: an index on a partitioned table alone, which sqlparser
/// reads once `ONLY` is taken out.
fn index_on_only(tokens: &[TokenWithSpan], cx: &Context) -> Option<Ddl> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let is = |i: usize, w: &str| matches!(&tokens[i].token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let only = significant
        .windows(2)
        .find(|pair| is(pair[0], "ON") && is(pair[1], "ONLY"))?[1];
    let mut without = tokens.to_vec();
    without.remove(only);
    match lower::statement(super::parse_tokens(without).ok()?, cx) {
        Ddl::CreateIndex(mut index) => {
            index.only = true;
            Some(Ddl::CreateIndex(index))
        }
        _ => None,
    }
}

/// `CREATE TABLE name (a, b) AS query`: column names without types, which sqlparser reads
/// once the list is taken out.
fn table_as_with_names(tokens: &[TokenWithSpan], cx: &Context) -> Option<Ddl> {
    let open = tokens.iter().position(|t| t.token == Token::LParen)?;
    let close = open + tokens[open..].iter().position(|t| t.token == Token::RParen)?;
    let names: Vec<String> = tokens[open + 1..close]
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(folded(&sql::Ident {
                value: w.value.clone(),
                quote_style: w.quote_style,
                span: Span::empty(),
            })),
            _ => None,
        })
        .collect();
    let mut without = tokens[..open].to_vec();
    without.extend_from_slice(&tokens[close + 1..]);
    let without = super::without_words(&without, &["WITH", "NO", "DATA"]).0;
    let without = super::without_words(&without, &["WITH", "DATA"]).0;
    match lower::statement(super::parse_tokens(without).ok()?, cx) {
        Ddl::CreateTableAs {
            name,
            if_not_exists,
            query,
            ..
        } => Some(Ddl::CreateTableAs {
            name,
            if_not_exists,
            columns: names,
            query,
        }),
        _ => None,
    }
}

/// `CREATE RULE`: rules rewrite queries and do not change the shape, except the `_RETURN`
/// rule that turns a table into a view, which static reading does not follow.
fn create_rule(c: &mut Cursor) -> Ddl {
    c.eat(&["CREATE"]);
    c.eat(&["OR", "REPLACE"]);
    c.eat(&["RULE"]);
    if c.ident().as_deref() == Some("_RETURN") {
        return Ddl::Unsupported {
            reason: "CREATE RULE \"_RETURN\" turns a table into a view, which the generator does not follow; write CREATE VIEW instead".into(),
        };
    }
    Ddl::Skipped
}

/// Tokens back to text, whitespace normalised, for messages and bounds.
fn text(tokens: &[&TokenWithSpan]) -> String {
    let mut out = String::new();
    for t in tokens {
        let piece = t.token.to_string();
        let glue = matches!(t.token, Token::Comma | Token::RParen | Token::Period)
            || out.ends_with('(')
            || out.ends_with('.')
            || out.is_empty();
        if !glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}
