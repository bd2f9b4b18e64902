//! Session and transaction statements in all their spellings: `SET [LOCAL] search_path`,
//! `SET SCHEMA`, `RESET`, `DISCARD`, `BEGIN`/`START TRANSACTION`, `COMMIT`/`END`,
//! `ROLLBACK`/`ABORT`, savepoints.

use sqlparser::tokenizer::Token;

use super::cursor::Cursor;
use crate::sql::ddl::{Ddl, Transaction};

/// `SET [SESSION | LOCAL] name {TO | =} value, ...` and `SET SCHEMA 'x'`.
pub(super) fn set(c: &mut Cursor) -> Option<Ddl> {
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
pub(super) fn reset(c: &mut Cursor) -> Ddl {
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
pub(super) fn transaction(c: &mut Cursor) -> Option<Ddl> {
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
