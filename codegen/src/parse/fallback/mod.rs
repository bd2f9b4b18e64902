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

mod alter;
mod create;
mod cursor;
mod session;
mod table;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::commands::Command;
use super::lower::Context;
use crate::sql::ddl::Ddl;
use alter::{alter_domain, alter_extension, alter_relation, alter_schema, alter_sequence, alter_type};
use create::{comment, create_domain, create_rule, create_type, index_on_only, routine, table_as_with_names};
use cursor::Cursor;
use session::{reset, set, transaction};

pub(crate) use session::search_path_entries;

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
            reach: crate::sql::ddl::Reach::none(),
            reason: format!(
                "{}: the foreign tables or owned objects it creates or drops cannot be known from the SQL alone; `verify` shows them",
                command.name
            ),
        },
        "CREATE RULE" => create_rule(&mut c),
        "CREATE INDEX" => index_on_only(tokens, cx)?,
        "CREATE TABLE" | "CREATE FOREIGN TABLE" => table::create_table(&mut c)?,
        "CREATE DOMAIN" => create_domain(&mut c)?,
        "CREATE TABLE AS" => table_as_with_names(tokens, cx)?,
        _ => return None,
    };
    Some(ddl)
}

fn is_cascade(token: &Token) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("CASCADE"))
}
