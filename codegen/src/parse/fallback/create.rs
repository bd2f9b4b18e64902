//! `CREATE` and `COMMENT` forms sqlparser does not read: routines with bodies it does not know,
//! `COMMENT ON` with any literal, `CREATE TYPE ... AS RANGE`, `CREATE INDEX ... ON ONLY`,
//! `CREATE TABLE t (a, b) AS`, `CREATE RULE`.

use sqlparser::ast as sql;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::super::lower::{self, Context};
use super::super::lower_expr::{folded, type_name};
use super::cursor::{Cursor, at_eof, expression, parser};
use crate::sql::ddl::{CommentTarget, Ddl, Routine, RoutineResult};

/// `CREATE FUNCTION` with a body sqlparser cannot read: the routine exists, and whether its
/// body runs DDL is judged from the body's words, as for routines sqlparser reads. What it
/// returns is read from its argument list and `RETURNS` clause.
pub(super) fn routine(c: &Cursor) -> Ddl {
    let start = (0..c.tokens.len())
        .find(|&i| {
            c.keyword_at(i)
                .is_some_and(|k| k == "FUNCTION" || k == "PROCEDURE")
        })
        .map_or(0, |i| i + 1);
    let function = start > 0 && c.keyword_at(start - 1).is_some_and(|k| k == "FUNCTION");
    let mut r = Cursor {
        tokens: c.tokens.clone(),
        pos: start,
        cx: c.cx,
    };
    let qualified = r.name();
    let name = qualified.as_ref().map(|n| n.name.clone()).unwrap_or_default();
    let ddl = c.tokens.iter().find_map(|t| match &t.token {
        Token::DollarQuotedString(s) => lower::ddl_of(&s.value),
        Token::SingleQuotedString(s) => lower::ddl_of(s),
        _ => None,
    });
    let routine = qualified.filter(|_| function).and_then(|q| returns(&mut r, q));
    Ddl::CreateFunction { name, ddl, routine }
}

/// Clauses that end a `RETURNS` type.
const AFTER_RETURNS: &[&str] = &[
    "LANGUAGE",
    "AS",
    "IMMUTABLE",
    "STABLE",
    "VOLATILE",
    "STRICT",
    "CALLED",
    "SECURITY",
    "EXTERNAL",
    "PARALLEL",
    "COST",
    "ROWS",
    "SET",
    "WINDOW",
    "LEAKPROOF",
    "NOT",
    "SUPPORT",
    "TRANSFORM",
    "BEGIN",
    "RETURN",
];

/// The argument list and `RETURNS` clause after a function's name.
fn returns(r: &mut Cursor, name: crate::sql::QualifiedName) -> Option<Routine> {
    let args = r.group()?;
    let mut outs = Vec::new();
    let mut ins = Vec::new();
    let mut a = Cursor {
        tokens: args,
        pos: 0,
        cx: r.cx,
    };
    while !a.at_end() {
        let mut arg = Cursor {
            tokens: a.until_comma(),
            pos: 0,
            cx: r.cx,
        };
        if arg.eat(&["OUT"]) {
            let column = format!("column{}", outs.len() + 1);
            outs.push(name_and_type(&mut arg, column)?);
        } else if arg.eat(&["INOUT"]) {
            let column = format!("column{}", outs.len() + 1);
            let (name, ty) = name_and_type(&mut arg, column)?;
            ins.push(ty.clone());
            outs.push((name, ty));
        } else {
            arg.eat(&["IN"]);
            arg.eat(&["VARIADIC"]);
            ins.push(name_and_type(&mut arg, String::new())?.1);
        }
    }
    if !r.eat(&["RETURNS"]) {
        return Routine::new(name, ins, false, None, outs);
    }
    let set = r.eat(&["SETOF"]);
    if r.eat(&["TABLE"]) {
        let mut columns = Vec::new();
        let mut list = Cursor {
            tokens: r.group()?,
            pos: 0,
            cx: r.cx,
        };
        while !list.at_end() {
            let mut column = Cursor {
                tokens: list.until_comma(),
                pos: 0,
                cx: r.cx,
            };
            columns.push(name_and_type(&mut column, String::new())?);
        }
        return Routine::new(name, ins, true, Some(RoutineResult::Columns(columns)), outs);
    }
    let from = r.pos;
    while !r.at_end() && !AFTER_RETURNS.iter().any(|k| r.is(k)) {
        r.pos += 1;
    }
    let mut parser = parser(&r.tokens[from..r.pos]);
    let data_type = parser.parse_data_type().ok()?;
    let declared = at_eof(&mut parser).then(|| RoutineResult::Type(type_name(&data_type)));
    Routine::new(name, ins, set, declared, outs)
}

/// `[name] type [DEFAULT ...]` of a parameter or `RETURNS TABLE` column; `unnamed` when the
/// parameter has no name.
fn name_and_type(c: &mut Cursor, unnamed: String) -> Option<(String, crate::sql::TypeName)> {
    let end = (c.pos..c.tokens.len())
        .find(|&i| c.keyword_at(i - c.pos).is_some_and(|k| k == "DEFAULT") || c.tokens[i].token == Token::Eq)
        .unwrap_or(c.tokens.len());
    let tokens = &c.tokens[c.pos..end];
    let as_type = |tokens: &[&TokenWithSpan]| {
        let mut parser = parser(tokens);
        let t = parser.parse_data_type().ok()?;
        at_eof(&mut parser).then(|| type_name(&t))
    };
    if let Some(t) = as_type(tokens) {
        return Some((unnamed, t));
    }
    let name = match &tokens.first()?.token {
        Token::Word(w) => folded(&sql::Ident {
            value: w.value.clone(),
            quote_style: w.quote_style,
            span: Span::empty(),
        }),
        _ => return None,
    };
    Some((name, as_type(&tokens[1..])?))
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
            reach: crate::sql::ddl::Reach::none(),
            reason: "CREATE RULE \"_RETURN\" turns a table into a view, which the generator does not follow; write CREATE VIEW instead".into(),
        };
    }
    Ddl::Skipped
}

/// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT expr] [[CONSTRAINT n] {NOT NULL | NULL |
/// CHECK (expr)}] ...`, with its clauses in any order (sqlparser wants `AS` and a fixed order).
pub(super) fn create_domain(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["CREATE", "DOMAIN"])?;
    let name = c.name()?;
    c.eat(&["AS"]);
    let type_tokens = domain_part(c);
    let mut p = parser(&type_tokens);
    let data_type = type_name(&p.parse_data_type().ok()?);
    if !at_eof(&mut p) {
        return None;
    }
    let (mut not_null, mut default, mut checks) = (false, None, Vec::new());
    let mut constraint = None;
    while !c.at_end() {
        if c.eat(&["COLLATE"]) {
            c.pos += 1;
        } else if c.eat(&["DEFAULT"]) {
            let tokens = domain_part(c);
            default = Some(expression(&tokens, c.cx)?);
        } else if c.eat(&["CONSTRAINT"]) {
            constraint = Some(c.ident()?);
            continue;
        } else if c.eat(&["NOT", "NULL"]) {
            not_null = true;
        } else if c.eat(&["NULL"]) {
            not_null = false;
        } else if c.eat(&["CHECK"]) {
            let group = c.group()?;
            checks.push((constraint.take(), expression(&group, c.cx)?));
            // `NOT VALID` only skips checking existing values.
            c.eat(&["NOT", "VALID"]);
        } else {
            return None;
        }
        constraint = None;
    }
    Some(Ddl::CreateDomain {
        name,
        data_type,
        not_null,
        default,
        checks,
    })
}

/// Words that start a clause of `CREATE DOMAIN` after its type.
const DOMAIN_CLAUSES: &[&str] = &["COLLATE", "DEFAULT", "CONSTRAINT", "NOT", "NULL", "CHECK"];

/// The tokens up to the next clause of `CREATE DOMAIN` (outside parentheses).
fn domain_part<'a>(c: &mut Cursor<'a>) -> Vec<&'a TokenWithSpan> {
    let start = c.pos;
    let mut depth = 0i32;
    while let Some(t) = c.peek() {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ if depth == 0 && c.pos > start && DOMAIN_CLAUSES.iter().any(|k| c.is(k)) => break,
            _ => {}
        }
        c.pos += 1;
    }
    c.tokens[start..c.pos].to_vec()
}
