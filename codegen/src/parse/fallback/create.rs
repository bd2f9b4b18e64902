//! `CREATE` and `COMMENT` forms sqlparser does not read: routines with bodies it does not know,
//! `COMMENT ON` with any literal, `CREATE TYPE ... AS RANGE`, `CREATE INDEX ... ON ONLY`,
//! `CREATE TABLE t (a, b) AS`, `CREATE RULE`.

use sqlparser::ast as sql;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::super::lower::{self, Context};
use super::super::lower_expr::folded;
use super::cursor::Cursor;
use crate::sql::ddl::{CommentTarget, Ddl};

/// `CREATE FUNCTION` with a body sqlparser cannot read: the routine exists, and whether its
/// body runs DDL is judged from the body's words, as for routines sqlparser reads.
pub(super) fn routine(c: &Cursor) -> Ddl {
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

/// `COMMENT ON object name IS 'text' | NULL`, for every object type; only tables, columns,
/// views, materialized views, foreign tables, types and domains carry comments in the catalog.
pub(super) fn comment(c: &mut Cursor) -> Option<Ddl> {
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
pub(super) fn create_type(c: &mut Cursor) -> Option<Ddl> {
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
pub(super) fn index_on_only(tokens: &[TokenWithSpan], cx: &Context) -> Option<Ddl> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let is = |i: usize, w: &str| matches!(&tokens[i].token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let only = significant
        .windows(2)
        .find(|pair| is(pair[0], "ON") && is(pair[1], "ONLY"))?[1];
    let mut without = tokens.to_vec();
    without.remove(only);
    match lower::statement(crate::parse::parse_tokens(without).ok()?, cx) {
        Ddl::CreateIndex(mut index) => {
            index.only = true;
            Some(Ddl::CreateIndex(index))
        }
        _ => None,
    }
}

/// `CREATE TABLE name (a, b) AS query`: column names without types, which sqlparser reads
/// once the list is taken out.
pub(super) fn table_as_with_names(tokens: &[TokenWithSpan], cx: &Context) -> Option<Ddl> {
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
    let without = crate::parse::without_words(&without, &["WITH", "NO", "DATA"]).0;
    let without = crate::parse::without_words(&without, &["WITH", "DATA"]).0;
    match lower::statement(crate::parse::parse_tokens(without).ok()?, cx) {
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
pub(super) fn create_rule(c: &mut Cursor) -> Ddl {
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
