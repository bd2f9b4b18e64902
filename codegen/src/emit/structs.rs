//! One file per table or view: the row struct, the insert struct and the column constants.
//!
//! The code of these files (here, in [`access`](super::access), [`relations`](super::relations)
//! and [`context`](super::context)) names the prelude's `Option`, `Some`, `None`, `Result`,
//! `Ok`, `Vec`, `String` and `Into` directly, and `Error` (the crate's, imported): such a
//! module imports nothing else, and the only types it declares are its row struct (never a
//! prelude name nor `Error`, see [`row_name`](super::ident::row_name)), its `New...` insert
//! struct and the `sql` module, so nothing can shadow them. Types shared with other files
//! ([`types`](super::types)) keep their full paths, since an enum or composite type may be
//! called `Option` there.

use crate::catalog::Relation;
use crate::emit::access::access_impl;
use crate::emit::context::{Field, RelationContext, is_insertable, is_required, is_secret};
use crate::emit::ident::const_name;
use crate::emit::names::{Names, display_name};
use crate::emit::relations::Method;
use crate::emit::text::{Code, string_literal};
use crate::emit::types::Serde;

/// The relation's file under `header`: row struct, constants, data access, relation helpers
/// and (for tables) the insert struct.
pub fn relation_module(
    ctx: &RelationContext<'_>,
    relation_methods: &[Method<'_>],
    header: &str,
) -> Result<String, String> {
    let relation = ctx.relation;
    let names = ctx.names.relation(relation);
    let row = names.row.as_str();
    let fields = ctx.fields()?;
    let sql_name = display_name(relation);
    let kind = match relation.kind {
        crate::catalog::RelationKind::Table => "table",
        crate::catalog::RelationKind::ForeignTable => "foreign table",
        crate::catalog::RelationKind::View => "view",
        crate::catalog::RelationKind::MaterializedView => "materialized view",
    };
    // About what a table's file takes, so the text is written into one allocation.
    let mut code = Code::with_capacity(4096 + 1024 * fields.len());
    code.line(header.trim_end());
    code.line("");
    code.inner_doc(&format!("The `{sql_name}` {kind}."));
    code.line("use super::error::Error;");

    if let Some(comment) = &relation.comment {
        code.doc(comment);
        code.line("///");
    }
    code.doc(&format!("A row of the `{sql_name}` {kind}."));
    let debug = needs_debug_impl(&fields);
    code.line(&derives(
        if debug { "" } else { "Debug, " },
        "Clone, PartialEq, ::sqlx::FromRow",
        &fields,
        ctx.names,
    ));
    code.open(&format!("pub struct {row} {{"));
    for field in &fields {
        field_decl(&mut code, field, true);
    }
    code.close("}");
    if debug {
        debug_impl(&mut code, row, &fields);
    }
    constants(&mut code, row, relation, &fields);
    if relation.is_table() {
        insert_struct(&mut code, ctx, &fields);
    }
    access_impl(&mut code, ctx, &fields);
    if !relation_methods.is_empty() {
        code.doc("Relation helpers, from the foreign keys.");
        code.open(&format!("impl {row} {{"));
        for method in relation_methods {
            method.write(&mut code, ctx.catalog, ctx.names);
        }
        code.close("}");
    }
    Ok(code.finish())
}

/// `#[derive(...)]` of a struct: `first` (Debug and Default, when derived), `base`, serde's
/// derives unless a field's type supports neither serde nor a `Default` to skip it with
/// (`PgRange`, `PgTimeTz`, the geometric types), and the derives `stagely-codegen.toml` adds
/// (already checked to parse as paths).
fn derives(first: &str, base: &str, fields: &[Field<'_>], names: &Names) -> String {
    let mut line = format!("#[derive({first}{base}");
    if fields
        .iter()
        .all(|f| f.optional || f.mapping.serde != Serde::None)
    {
        line.push_str(", ::serde::Serialize, ::serde::Deserialize");
    }
    for extra in &names.overrides.derives {
        // Already checked to parse as a path; printed from its tokens, so a comment in the
        // configuration cannot swallow the rest of the attribute.
        if let Ok(tokens) = extra.parse::<proc_macro2::TokenStream>() {
            line.push_str(", ");
            line.push_str(&crate::emit::print::one_line(tokens));
        }
    }
    line.push_str(")]");
    line
}

/// Doc, attributes and declaration of one struct field; `row` for the `FromRow` row struct,
/// whose fields carry the SQL name when it differs from the Rust one.
fn field_decl(code: &mut Code, field: &Field<'_>, row: bool) {
    let column = field.column;
    let name = field.name();
    if let Some(comment) = &column.comment {
        code.doc(comment);
        code.line("///");
    }
    let mut facts = format!("Column `{}`: `{}`", column.name, column.data_type);
    if !column.nullable {
        facts.push_str(", not null");
    }
    if let Some(default) = &column.default {
        facts.push_str(&format!(", default `{default}`"));
    }
    if column.identity.is_some() {
        facts.push_str(", identity");
    }
    if let Some(expression) = &column.generated {
        facts.push_str(&format!(", generated from `{expression}`"));
    }
    facts.push('.');
    code.doc(&facts);
    if let Some(note) = &field.mapping.note {
        code.line("///");
        code.doc(note);
    }
    if row && name.trim_start_matches("r#") != column.name {
        code.line(&format!("#[sqlx(rename = {})]", string_literal(&column.name)));
    }
    // sqlx types without serde support but with a Default (PgInterval, PgMoney, ...) are left
    // out of (de)serialisation.
    if field.mapping.serde == Serde::SkipDefault || (field.mapping.serde == Serde::None && field.optional) {
        code.line("#[serde(skip)]");
    }
    code.line(&format!("pub {name}: {},", field.ty_text()));
}

/// Whether the struct of `fields` needs a Debug impl that redacts secret columns (else plain
/// `derive(Debug)` will do).
fn needs_debug_impl(fields: &[Field<'_>]) -> bool {
    fields.iter().any(|f| is_secret(&f.column.name))
}

/// A Debug impl that shows secret columns as `<redacted>`.
fn debug_impl(code: &mut Code, name: &str, fields: &[Field<'_>]) {
    let entries: Vec<String> = fields
        .iter()
        .map(|f| {
            let ident = f.name();
            let label = string_literal(ident.trim_start_matches("r#"));
            if !is_secret(&f.column.name) {
                format!(".field({label}, &self.{ident})")
            } else if f.optional {
                format!(".field({label}, &self.{ident}.as_ref().map(|_| \"<redacted>\"))")
            } else {
                format!(".field({label}, &\"<redacted>\")")
            }
        })
        .chain(std::iter::once(".finish()".to_string()))
        .collect();
    code.doc("Secret columns are shown as `<redacted>`.");
    code.open(&format!("impl ::std::fmt::Debug for {name} {{"));
    code.open("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
    code.chain(&format!("f.debug_struct({})", string_literal(name)), &entries, "");
    code.close("}");
    code.close("}");
}

/// `TABLE`, `SCHEMA`, `COLUMNS` and one constant per column name.
fn constants(code: &mut Code, row: &str, relation: &Relation, fields: &[Field<'_>]) {
    let plain: Vec<String> = fields.iter().map(|f| const_name(&f.column.name)).collect();
    let column_names: Vec<String> = fields.iter().map(|f| string_literal(&f.column.name)).collect();
    code.open(&format!("impl {row} {{"));
    code.doc("The relation's name.");
    code.line(&format!(
        "pub const TABLE: &'static str = {};",
        string_literal(&relation.name)
    ));
    code.doc("The relation's schema.");
    code.line(&format!(
        "pub const SCHEMA: &'static str = {};",
        string_literal(&relation.schema)
    ));
    code.doc("Every column, in table order.");
    code.list(
        "pub const COLUMNS: &'static [&'static str] = &[",
        &column_names,
        ",",
        "];",
    );
    for ((f, plain_name), literal) in fields.iter().zip(&plain).zip(&column_names) {
        // Columns that become one constant (`created_at`, `createdAt`) are named after their
        // (distinct) fields instead.
        let mut name = if plain.iter().filter(|n| *n == plain_name).count() > 1 {
            f.name().trim_start_matches("r#").to_uppercase()
        } else {
            plain_name.clone()
        };
        if ["TABLE", "SCHEMA", "COLUMNS"].contains(&name.as_str()) {
            name.push_str("_COLUMN");
        }
        code.doc(&format!("The column `{}`.", f.column.name));
        code.line(&format!("pub const {name}: &'static str = {literal};"));
    }
    code.close("}");
}

/// The insert struct: required columns plain, defaulted or nullable ones `Option` (None means
/// the database default), identity and generated columns absent.
fn insert_struct(code: &mut Code, ctx: &RelationContext<'_>, fields: &[Field<'_>]) {
    let names = ctx.names.relation(ctx.relation);
    let insert = names.insert.as_str();
    let insertable: Vec<Field<'_>> = fields
        .iter()
        .filter(|f| is_insertable(f.column))
        .map(|f| Field {
            optional: !is_required(f.column),
            ..f.clone()
        })
        .collect();
    let debug = needs_debug_impl(&insertable);
    let first = match (debug, insertable.iter().all(|f| f.optional)) {
        (false, true) => "Debug, Default, ",
        (false, false) => "Debug, ",
        (true, true) => "Default, ",
        (true, false) => "",
    };
    code.doc(&format!(
        "A new row for `{}`: see [`{}`]. `None` leaves a column to its database default.",
        display_name(ctx.relation),
        names.row
    ));
    code.line(&derives(first, "Clone, PartialEq", &insertable, ctx.names));
    code.open(&format!("pub struct {insert} {{"));
    for field in &insertable {
        field_decl(code, field, false);
    }
    code.close("}");
    if debug {
        debug_impl(code, insert, &insertable);
    }
    code.open(&format!("impl {insert} {{"));
    new_fn(code, &insertable);
    code.close("}");
}

/// `new(required columns...)`: every other column left to its database default.
fn new_fn(code: &mut Code, insertable: &[Field<'_>]) {
    let required: Vec<&Field<'_>> = insertable.iter().filter(|f| !f.optional).collect();
    let params: Vec<String> = required
        .iter()
        .map(|f| {
            if f.is_string() {
                format!("{}: impl Into<String>", f.ident)
            } else {
                format!("{}: {}", f.ident, f.base_text)
            }
        })
        .collect();
    let inits: Vec<String> = insertable
        .iter()
        .map(|f| {
            if f.optional {
                format!("{}: None", f.ident)
            } else if f.is_string() {
                format!("{0}: {0}.into()", f.ident)
            } else {
                f.name()
            }
        })
        .collect();
    code.doc("A new row with the required columns set and every other column left to its default.");
    if required.len() > 7 {
        code.line("#[allow(clippy::too_many_arguments)]");
    }
    code.list_open("pub fn new(", &params, ") -> Self {");
    if inits.is_empty() {
        code.line("Self {}");
    } else {
        code.fields("Self { ", &inits, " }");
    }
    code.close("}");
}
