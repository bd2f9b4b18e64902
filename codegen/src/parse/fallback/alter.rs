//! `ALTER` statements sqlparser does not read: `ALTER TABLE` (and `VIEW`, `MATERIALIZED VIEW`,
//! `FOREIGN TABLE`, `INDEX`) cut into single actions, `ALTER SEQUENCE`, `ALTER TYPE`, `ALTER
//! DOMAIN`, `ALTER SCHEMA`, `ALTER EXTENSION`.

use sqlparser::ast as sql;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::super::lower::{self, Context};
use super::super::lower_expr::type_name;
use super::cursor::{Cursor, at_eof, expression, parser, space, text, word};
use crate::sql::QualifiedName;
use crate::sql::ddl::{
    AlterAction, AlterTable, Ddl, DomainAction, ObjectKind, RelationKindWritten, SequenceAction, TypeAction,
};

/// `ALTER {TABLE | VIEW | MATERIALIZED VIEW | FOREIGN TABLE | INDEX} [IF EXISTS] [ONLY] name
/// [*] action [, ...]`, and the single-action forms `ALTER INDEX name ATTACH PARTITION ...`.
pub(super) fn alter_relation(c: &mut Cursor) -> Option<Ddl> {
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
        form: RelationKindWritten::Table,
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
    if let Ok(sql::Statement::AlterTable(at)) = crate::parse::parse_tokens(statement)
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
        let concurrently = c.eat(&["CONCURRENTLY"]);
        return Some(AlterAction::DetachPartition {
            partition,
            concurrently,
        });
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
    if c.eat(&["ATTACH", "PARTITION"]) {
        let child = c.name()?;
        return c.at_end().then_some(Ddl::AttachIndex { parent: name, child });
    }
    Some(Ddl::Skipped)
}

/// `ALTER SEQUENCE [IF EXISTS] name options | RENAME TO | SET SCHEMA | OWNER TO ...`.
pub(super) fn alter_sequence(c: &mut Cursor) -> Option<Ddl> {
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

/// The type of an `ADD|ALTER ATTRIBUTE`, up to its `COLLATE`, `CASCADE` or `RESTRICT`.
fn attribute_type(c: &mut Cursor) -> Option<crate::sql::TypeName> {
    let tokens = c.until_comma();
    let end = tokens
        .iter()
        .position(|t| {
            matches!(&t.token, Token::Word(w)
                if ["COLLATE", "CASCADE", "RESTRICT"].iter().any(|k| w.value.eq_ignore_ascii_case(k)))
        })
        .unwrap_or(tokens.len());
    let mut p = parser(&tokens[..end]);
    Some(type_name(&p.parse_data_type().ok()?))
}

/// `ALTER TYPE`: renames, schema moves, and composite attributes (enum values are read by
/// sqlparser).
pub(super) fn alter_type(c: &mut Cursor) -> Option<Ddl> {
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
    // Composite attributes: `ADD|DROP|ALTER ATTRIBUTE` (several, comma-separated),
    // `RENAME ATTRIBUTE a TO b`.
    let mut actions = Vec::new();
    while !c.at_end() {
        let tokens = c.until_comma();
        let mut a = Cursor {
            tokens,
            pos: 0,
            cx: c.cx,
        };
        actions.push(attribute_action(&mut a)?);
    }
    (!actions.is_empty()).then_some(Ddl::AlterType { name, actions })
}

/// One attribute action of `ALTER TYPE`.
fn attribute_action(c: &mut Cursor) -> Option<TypeAction> {
    let action = if c.eat(&["ADD", "ATTRIBUTE"]) {
        let name = c.ident()?;
        let data_type = attribute_type(c)?;
        TypeAction::AddAttribute { name, data_type }
    } else if c.eat(&["DROP", "ATTRIBUTE"]) {
        let if_exists = c.eat(&["IF", "EXISTS"]);
        TypeAction::DropAttribute {
            name: c.ident()?,
            if_exists,
        }
    } else if c.eat(&["ALTER", "ATTRIBUTE"]) {
        let name = c.ident()?;
        c.eat(&["SET", "DATA"]);
        c.expect(&["TYPE"])?;
        let data_type = attribute_type(c)?;
        TypeAction::AlterAttribute { name, data_type }
    } else if c.eat(&["RENAME", "ATTRIBUTE"]) {
        let from = c.ident()?;
        c.expect(&["TO"])?;
        TypeAction::RenameAttribute { from, to: c.ident()? }
    } else {
        return None;
    };
    Some(action)
}

/// `ALTER DOMAIN name action`.
pub(super) fn alter_domain(c: &mut Cursor) -> Option<Ddl> {
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
pub(super) fn alter_schema(c: &mut Cursor) -> Option<Ddl> {
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
pub(super) fn alter_extension(c: &mut Cursor) -> Option<Ddl> {
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
