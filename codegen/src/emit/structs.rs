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

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Relation;
use crate::emit::access::access_impl;
use crate::emit::context::{Field, RelationContext, is_insertable, is_required, is_secret};
use crate::emit::docs::{doc_lines, doc_literal};
use crate::emit::ident::const_name;
use crate::emit::names::{Names, display_name};
use crate::emit::print::nested;
use crate::emit::types::{Serde, is_string};

/// Tokens of the relation's file: row struct, constants, data access, relation helpers and
/// (for tables) the insert struct.
pub fn relation_module(
    ctx: &RelationContext<'_>,
    relation_methods: &[TokenStream],
) -> Result<TokenStream, String> {
    let relation = ctx.relation;
    let names = ctx.names.relation(relation);
    let row = format_ident!("{}", names.row);
    let fields = ctx.fields()?;
    let sql_name = display_name(relation);
    let kind = match relation.kind {
        crate::catalog::RelationKind::Table => "table",
        crate::catalog::RelationKind::ForeignTable => "foreign table",
        crate::catalog::RelationKind::View => "view",
        crate::catalog::RelationKind::MaterializedView => "materialized view",
    };

    let module_doc = format!(" The `{sql_name}` {kind}.");
    let struct_docs = doc_lines(relation.comment.as_deref());
    let separator = if relation.comment.is_some() {
        quote! { #[doc = ""] }
    } else {
        quote! {}
    };
    let origin_doc = format!(" A row of the `{sql_name}` {kind}.");

    let row_fields = fields.iter().map(|f| nested(field_tokens(f, true)));
    let row_serde = serde_derives(&fields);
    let extra = extra_derives(ctx.names);
    let row_debug = debug_impl(&row, &fields);
    let derive_debug = if row_debug.is_none() {
        quote! { Debug, }
    } else {
        quote! {}
    };
    let constants = nested(constants(&row, relation, &fields));

    let insert = if relation.is_table() {
        Some(nested(insert_struct(ctx, &fields)))
    } else {
        None
    };
    let access = nested(access_impl(ctx, &fields));
    let relations = if relation_methods.is_empty() {
        quote! {}
    } else {
        quote! {
            /// Relation helpers, from the foreign keys.
            impl #row {
                #(#relation_methods)*
            }
        }
    };

    Ok(quote! {
        #![doc = #module_doc]

        use super::error::Error;

        #(#struct_docs)*
        #separator
        #[doc = #origin_doc]
        #[derive(#derive_debug Clone, PartialEq, ::sqlx::FromRow #row_serde #(, #extra)*)]
        pub struct #row {
            #(#row_fields)*
        }

        #row_debug

        #constants

        #insert

        #access

        #relations
    })
}

/// The derives `stagely-codegen.toml` adds (already checked to parse as paths).
fn extra_derives(names: &Names) -> Vec<TokenStream> {
    names
        .overrides
        .derives
        .iter()
        .filter_map(|d| d.parse::<TokenStream>().ok())
        .collect()
}

/// `, ::serde::Serialize, ::serde::Deserialize` unless a field's type supports neither serde nor
/// a `Default` to skip it with (`PgRange`, `PgTimeTz`, the geometric types).
fn serde_derives(fields: &[Field<'_>]) -> TokenStream {
    if fields
        .iter()
        .all(|f| f.optional || f.mapping.serde != Serde::None)
    {
        quote! { , ::serde::Serialize, ::serde::Deserialize }
    } else {
        quote! {}
    }
}

/// Doc, attributes and declaration of one struct field; `row` for the `FromRow` row struct,
/// whose fields carry the SQL name when it differs from the Rust one.
fn field_tokens(field: &Field<'_>, row: bool) -> TokenStream {
    let column = field.column;
    let ident = &field.ident;
    let ty = field.ty();
    let docs = doc_lines(column.comment.as_deref());
    let separator = if column.comment.is_some() {
        quote! { #[doc = ""] }
    } else {
        quote! {}
    };
    let mut facts = format!(" Column `{}`: `{}`", column.name, column.data_type);
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
    let rename = if row && ident.to_string().trim_start_matches("r#") != column.name {
        let name = &column.name;
        quote! { #[sqlx(rename = #name)] }
    } else {
        quote! {}
    };
    // sqlx types without serde support but with a Default (PgInterval, PgMoney, ...) are left
    // out of (de)serialisation.
    let serde_skip = if field.mapping.serde == Serde::SkipDefault
        || (field.mapping.serde == Serde::None && field.optional)
    {
        quote! { #[serde(skip)] }
    } else {
        quote! {}
    };
    let note = match &field.mapping.note {
        Some(note) => {
            let note = format!(" {note}");
            quote! { #[doc = ""] #[doc = #note] }
        }
        None => quote! {},
    };
    let facts = doc_literal(&facts);
    quote! {
        #(#docs)*
        #separator
        #[doc = #facts]
        #note
        #rename
        #serde_skip
        pub #ident: #ty,
    }
}

/// A Debug impl that redacts secret columns, or `None` when plain `derive(Debug)` will do.
fn debug_impl(name: &proc_macro2::Ident, fields: &[Field<'_>]) -> Option<TokenStream> {
    if !fields.iter().any(|f| is_secret(&f.column.name)) {
        return None;
    }
    let name_str = name.to_string();
    let entries = fields.iter().map(|f| {
        let ident = &f.ident;
        let label = ident.to_string().trim_start_matches("r#").to_string();
        if is_secret(&f.column.name) {
            if f.optional {
                quote! { .field(#label, &self.#ident.as_ref().map(|_| "<redacted>")) }
            } else {
                quote! { .field(#label, &"<redacted>") }
            }
        } else {
            quote! { .field(#label, &self.#ident) }
        }
    });
    Some(quote! {
        /// Secret columns are shown as `<redacted>`.
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name_str) #(#entries)* .finish()
            }
        }
    })
}

/// `TABLE`, `SCHEMA`, `COLUMNS` and one constant per column name.
fn constants(row: &proc_macro2::Ident, relation: &Relation, fields: &[Field<'_>]) -> TokenStream {
    let sql_name = &relation.name;
    let schema = &relation.schema;
    let column_names = fields.iter().map(|f| f.column.name.as_str());
    let plain: Vec<String> = fields.iter().map(|f| const_name(&f.column.name)).collect();
    let consts = fields.iter().zip(&plain).map(|(f, plain_name)| {
        // Columns that become one constant (`created_at`, `createdAt`) are named after their
        // (distinct) fields instead.
        let mut name = if plain.iter().filter(|n| *n == plain_name).count() > 1 {
            f.ident.to_string().trim_start_matches("r#").to_uppercase()
        } else {
            plain_name.clone()
        };
        if ["TABLE", "SCHEMA", "COLUMNS"].contains(&name.as_str()) {
            name.push_str("_COLUMN");
        }
        let ident = format_ident!("{}", name);
        let column = &f.column.name;
        let doc = doc_literal(&format!(" The column `{column}`."));
        quote! {
            #[doc = #doc]
            pub const #ident: &'static str = #column;
        }
    });
    quote! {
        impl #row {
            /// The relation's name.
            pub const TABLE: &'static str = #sql_name;
            /// The relation's schema.
            pub const SCHEMA: &'static str = #schema;
            /// Every column, in table order.
            pub const COLUMNS: &'static [&'static str] = &[#(#column_names),*];
            #(#consts)*
        }
    }
}

/// The insert struct: required columns plain, defaulted or nullable ones `Option` (None means
/// the database default), identity and generated columns absent.
fn insert_struct(ctx: &RelationContext<'_>, fields: &[Field<'_>]) -> TokenStream {
    let names = ctx.names.relation(ctx.relation);
    let insert = format_ident!("{}", names.insert);
    let row = &names.row;
    let insertable: Vec<Field<'_>> = fields
        .iter()
        .filter(|f| is_insertable(f.column))
        .map(|f| Field {
            optional: !is_required(f.column),
            ..f.clone()
        })
        .collect();
    let all_optional = insertable.iter().all(|f| f.optional);
    let declared = insertable.iter().map(|f| field_tokens(f, false));
    let serde = serde_derives(&insertable);
    let extra = extra_derives(ctx.names);
    let debug = debug_impl(&insert, &insertable);
    let derive_debug = if debug.is_none() {
        quote! { Debug, }
    } else {
        quote! {}
    };
    let derive_default = if all_optional {
        quote! { Default, }
    } else {
        quote! {}
    };
    let doc = format!(
        " A new row for `{}`: see [`{row}`]. `None` leaves a column to its database default.",
        display_name(ctx.relation)
    );
    let constructor = new_fn(&insertable);
    quote! {
        #[doc = #doc]
        #[derive(#derive_debug #derive_default Clone, PartialEq #serde #(, #extra)*)]
        pub struct #insert {
            #(#declared)*
        }

        #debug

        impl #insert {
            #constructor
        }
    }
}

/// `new(required columns...)`: every other column left to its database default.
fn new_fn(insertable: &[Field<'_>]) -> TokenStream {
    let required: Vec<&Field<'_>> = insertable.iter().filter(|f| !f.optional).collect();
    let params = required.iter().map(|f| {
        let ident = &f.ident;
        let base = &f.base;
        if is_string(base) {
            quote! { #ident: impl Into<String> }
        } else {
            quote! { #ident: #base }
        }
    });
    let inits = insertable.iter().map(|f| {
        let ident = &f.ident;
        if f.optional {
            quote! { #ident: None }
        } else if is_string(&f.base) {
            quote! { #ident: #ident.into() }
        } else {
            quote! { #ident }
        }
    });
    let allow = if required.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        quote! {}
    };
    quote! {
        /// A new row with the required columns set and every other column left to its default.
        #allow
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits),* }
        }
    }
}
