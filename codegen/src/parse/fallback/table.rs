//! `CREATE TABLE` in every form PostgreSQL 15 has, for the statements sqlparser does not read:
//! `LIKE` anywhere in the element list with `INCLUDING`/`EXCLUDING` options, typed tables (`OF
//! type`), partitions whose columns only take options (`PARTITION OF p (a NOT NULL)`),
//! `COMPRESSION`, operator classes and collations in `PARTITION BY`, and the clauses after the
//! element list in any order (`INHERITS`, `PARTITION BY`, `USING`, `WITH`, `WITHOUT OIDS`,
//! `ON COMMIT`, `TABLESPACE`, `SERVER`, `OPTIONS`). Column definitions and table constraints
//! are still read by sqlparser, one element at a time, so positions stay exact.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::super::lower::{self, Context, column_def, table_constraint};
use super::cursor::{Cursor, at_eof, parser, text, word};
use crate::sql::ddl::{CreateTable, Ddl, LikeOptions, PartitionOf, TableElement};

/// Words that start a table constraint in the element list.
const CONSTRAINT_STARTS: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"];

/// Words that end a partition bound (the clauses that may follow it).
const AFTER_BOUND: &[&str] = &[
    "PARTITION",
    "USING",
    "WITH",
    "WITHOUT",
    "ON",
    "TABLESPACE",
    "SERVER",
    "OPTIONS",
];

/// `CREATE [GLOBAL | LOCAL] [TEMP | UNLOGGED] [FOREIGN] TABLE ...` (not `... AS query`).
pub(super) fn create_table(c: &mut Cursor) -> Option<Ddl> {
    c.expect(&["CREATE"])?;
    let mut temporary = false;
    loop {
        if c.eat(&["GLOBAL"]) || c.eat(&["LOCAL"]) || c.eat(&["UNLOGGED"]) {
            continue;
        }
        if c.eat(&["TEMPORARY"]) || c.eat(&["TEMP"]) {
            temporary = true;
            continue;
        }
        break;
    }
    let foreign = c.eat(&["FOREIGN"]);
    c.expect(&["TABLE"])?;
    let if_not_exists = c.eat(&["IF", "NOT", "EXISTS"]);
    let name = c.name()?;
    let name = super::super::lower::temporary_if(name, temporary);
    let mut of_type = None;
    let mut parent = None;
    if c.eat(&["OF"]) {
        of_type = Some(c.name()?);
    } else if c.eat(&["PARTITION", "OF"]) {
        parent = Some(c.name()?);
    }
    let elements = match c.group() {
        Some(inner) => elements(&inner, c.cx)?,
        None if of_type.is_some() || parent.is_some() => Vec::new(),
        None => return None,
    };
    let partition_of = match parent {
        Some(parent) => Some(PartitionOf {
            parent,
            bound: bound(c)?,
        }),
        None => None,
    };
    let mut inherits = Vec::new();
    let mut partition_by = None;
    while !c.at_end() {
        if c.eat(&["INHERITS"]) {
            let list = c.group()?;
            let mut names = Cursor {
                tokens: list,
                pos: 0,
                cx: c.cx,
            };
            while !names.at_end() {
                inherits.push(names.name()?);
                names.eat_token(&Token::Comma);
            }
        } else if c.eat(&["PARTITION", "BY"]) {
            partition_by = Some(partition_key(c)?);
        } else if c.eat(&["USING"]) || c.eat(&["TABLESPACE"]) || c.eat(&["SERVER"]) {
            c.ident()?;
        } else if c.eat(&["WITH"]) || c.eat(&["OPTIONS"]) {
            c.group()?;
        } else if c.eat(&["WITHOUT", "OIDS"]) {
        } else if c.eat(&["ON", "COMMIT"]) {
            if !(c.eat(&["PRESERVE", "ROWS"]) || c.eat(&["DELETE", "ROWS"]) || c.eat(&["DROP"])) {
                return None;
            }
        } else {
            // `AS query` and anything else: not this form.
            return None;
        }
    }
    Some(Ddl::CreateTable(CreateTable {
        name,
        if_not_exists,
        elements,
        inherits,
        partition_of,
        partition_by,
        foreign,
        of_type,
    }))
}

/// The element list: columns, table constraints and `LIKE` clauses, in the order written.
fn elements(tokens: &[&TokenWithSpan], cx: &Context) -> Option<Vec<TableElement>> {
    let mut list = Cursor {
        tokens: tokens.to_vec(),
        pos: 0,
        cx,
    };
    let mut out = Vec::new();
    while !list.at_end() {
        let element = list.until_comma();
        let mut e = Cursor {
            tokens: element.clone(),
            pos: 0,
            cx,
        };
        if e.eat(&["LIKE"]) {
            out.push(like(&mut e)?);
        } else if CONSTRAINT_STARTS.iter().any(|w| e.is(w)) {
            let mut p = parser(&element);
            let constraint = p.parse_optional_table_constraint().ok()??;
            if !at_eof(&mut p) {
                return None;
            }
            out.push(TableElement::Constraint(table_constraint(&constraint, cx)));
        } else {
            out.push(TableElement::Column(column(&element, cx)?));
        }
    }
    Some(out)
}

/// `LIKE source [{INCLUDING | EXCLUDING} {COMMENTS | COMPRESSION | CONSTRAINTS | DEFAULTS |
/// GENERATED | IDENTITY | INDEXES | STATISTICS | STORAGE | ALL}] ...`.
fn like(e: &mut Cursor) -> Option<TableElement> {
    let table = e.name()?;
    let mut including = LikeOptions::default();
    while !e.at_end() {
        let on = if e.eat(&["INCLUDING"]) {
            true
        } else if e.eat(&["EXCLUDING"]) {
            false
        } else {
            return None;
        };
        let option = e.keyword_at(0)?;
        e.pos += 1;
        match option.as_str() {
            "COMMENTS" => including.comments = on,
            "CONSTRAINTS" => including.constraints = on,
            "DEFAULTS" => including.defaults = on,
            "GENERATED" => including.generated = on,
            "IDENTITY" => including.identity = on,
            "INDEXES" => including.indexes = on,
            "ALL" => {
                including = LikeOptions {
                    comments: on,
                    constraints: on,
                    defaults: on,
                    generated: on,
                    identity: on,
                    indexes: on,
                }
            }
            "COMPRESSION" | "STATISTICS" | "STORAGE" => {}
            _ => return None,
        }
    }
    Some(TableElement::Like { table, including })
}

/// A column definition; one without a type (`a WITH OPTIONS NOT NULL`, `b DEFAULT 1` in a
/// partition or typed table) gets an empty type name, which the fold merges into the column
/// the table already has. `COMPRESSION method` does not change the shape and is left out.
fn column(element: &[&TokenWithSpan], cx: &Context) -> Option<crate::sql::ddl::ColumnDef> {
    let mut tokens: Vec<TokenWithSpan> = Vec::new();
    let mut i = 0;
    while i < element.len() {
        let is = |t: &TokenWithSpan, w: &str| matches!(&t.token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
        if is(element[i], "COMPRESSION") && i + 1 < element.len() {
            i += 2;
            continue;
        }
        if i == 1 && is(element[i], "WITH") && element.get(2).is_some_and(|t| is(t, "OPTIONS")) {
            i += 2;
            continue;
        }
        tokens.push(element[i].clone());
        i += 1;
    }
    let options_only = tokens.len() == 1
        || tokens.get(1).is_some_and(|t| {
            matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && [
                "NOT", "NULL", "DEFAULT", "CONSTRAINT", "CHECK", "PRIMARY", "UNIQUE", "REFERENCES", "GENERATED", "COLLATE",
            ].iter().any(|k| w.value.eq_ignore_ascii_case(k)))
        });
    if options_only {
        // Read the options after a stand-in type, then drop the type again.
        tokens.insert(1, word("integer"));
    }
    let refs: Vec<&TokenWithSpan> = tokens.iter().collect();
    let mut p = parser(&refs);
    let def = p.parse_column_def().ok()?;
    if !at_eof(&mut p) {
        return None;
    }
    let mut column = column_def(&def, cx);
    if options_only {
        column.data_type.name.clear();
        column.data_type.written.clear();
    }
    Some(column)
}

/// `FOR VALUES ...` or `DEFAULT`, as written, up to the clauses that may follow.
fn bound(c: &mut Cursor) -> Option<String> {
    if c.eat(&["DEFAULT"]) {
        return Some("DEFAULT".into());
    }
    if !c.is("FOR") {
        return None;
    }
    let start = c.pos;
    let mut depth = 0i32;
    while let Some(t) = c.peek() {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && AFTER_BOUND.iter().any(|w| c.is(w)) => break,
            _ => {}
        }
        c.pos += 1;
    }
    Some(text(&c.tokens[start..c.pos]))
}

/// `PARTITION BY strategy (key [COLLATE collation] [opclass], ...)` as `pg_get_partkeydef`
/// prints it without collations and operator classes: `RANGE (a, lower(b))`.
fn partition_key(c: &mut Cursor) -> Option<String> {
    let strategy = c.keyword_at(0)?;
    c.pos += 1;
    let list = c.group()?;
    let mut keys = Cursor {
        tokens: list,
        pos: 0,
        cx: c.cx,
    };
    let mut out = Vec::new();
    while !keys.at_end() {
        let key = keys.until_comma();
        // The key is a column, a parenthesised expression or a function call; what follows it
        // (COLLATE, an operator class) is left out.
        let end = match key.first().map(|t| &t.token) {
            Some(Token::LParen) => matching_paren(&key, 0)? + 1,
            Some(Token::Word(_)) if key.get(1).is_some_and(|t| t.token == Token::LParen) => {
                matching_paren(&key, 1)? + 1
            }
            Some(Token::Word(_)) => 1,
            _ => return None,
        };
        let mut p = parser(&key[..end]);
        let e = p.parse_expr().ok()?;
        if !at_eof(&mut p) {
            return None;
        }
        out.push(lower::partition_key_part(&e));
    }
    Some(format!("{strategy} ({})", out.join(", ")))
}

/// The position of the `)` closing the `(` at `open`.
fn matching_paren(tokens: &[&TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}
