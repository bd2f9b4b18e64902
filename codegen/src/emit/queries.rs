//! Typed query functions: a module per query file (`queries/<file>.rs`), one async function
//! per query, generic over `sqlx::PgExecutor`, with its SQL as a constant and in its rustdoc.
//!
//! A query returning exactly a table's columns (names, types and nullability) returns the
//! table's own row struct; any other gets a row struct of its own. A query with more than
//! [`MAX_ARGUMENTS`] parameters takes them in a parameter struct.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::{Catalog, Relation};
use crate::emit::docs::doc_lines;
use crate::emit::ident::{const_name, field_name, field_names, ident, type_name};
use crate::emit::names::Names;
use crate::emit::types::base_type;
use crate::queries::{Command, TypedQuery};

/// Parameters beyond this many come in a struct.
pub const MAX_ARGUMENTS: usize = 3;

/// The query modules: `queries/<file>.rs` for each query file and `queries/mod.rs`; empty
/// when there are no queries.
pub fn query_modules(
    catalog: &Catalog,
    names: &Names,
    queries: &[TypedQuery],
    shown: &dyn Fn(&Path) -> String,
) -> Result<Vec<(String, TokenStream)>, Vec<String>> {
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_file: BTreeMap<String, Vec<&TypedQuery>> = BTreeMap::new();
    for q in queries {
        by_file.entry(module_of(&q.def.path)).or_default().push(q);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (module, queries) in &by_file {
        let file = shown(&queries[0].def.path);
        let mut items = Vec::new();
        for q in queries {
            match query_items(catalog, names, q, &file) {
                Ok(tokens) => items.push(tokens),
                Err(e) => errors.push(format!("{file}: query {}: {e}", q.def.name)),
            }
        }
        let doc = format!(" The queries of `{file}`.");
        out.push((
            format!("queries/{module}.rs"),
            quote! {
                #![doc = #doc]
                #(#items)*
            },
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let modules = by_file.keys().map(|m| {
        let m = ident(m);
        quote! { pub mod #m; }
    });
    out.push((
        "queries/mod.rs".into(),
        quote! {
            //! Typed queries from the annotated SQL files beside the migrations: one module per
            //! file, one function per query.

            #(#modules)*
        },
    ));
    Ok(out)
}

/// The module name of a query file (`build_logs.sql` -> `build_logs`).
fn module_of(path: &Path) -> String {
    field_name(&path.file_stem().unwrap_or_default().to_string_lossy())
}

/// The Rust type of a value of `sql_type` seen from a query module (two levels below the
/// generated root).
fn rust_type(
    catalog: &Catalog,
    names: &Names,
    sql_type: &str,
    nullable: bool,
) -> Result<TokenStream, String> {
    let base = base_type(catalog, names, sql_type)
        .ok_or_else(|| format!("type `{sql_type}` has no Rust mapping"))?
        .to_string()
        .replace("super :: ", "super :: super :: ")
        .parse::<TokenStream>()
        .map_err(|e| e.to_string())?;
    Ok(if nullable {
        quote! { ::std::option::Option<#base> }
    } else {
        base
    })
}

/// The table whose row the query returns exactly, if any.
fn table_row<'c>(catalog: &'c Catalog, q: &TypedQuery) -> Option<&'c Relation> {
    catalog.tables.iter().find(|r| {
        r.columns.len() == q.columns.len()
            && r.columns.iter().zip(&q.columns).all(|(c, o)| {
                c.name == o.name
                    && o.typed.ty.clone().finish().ok().as_deref() == Some(c.data_type.as_str())
                    && c.nullable == o.typed.nullable
            })
    })
}

fn query_items(catalog: &Catalog, names: &Names, q: &TypedQuery, file: &str) -> Result<TokenStream, String> {
    let name = &q.def.name;
    let function = ident(&field_name(name));
    let sql_const = format_ident!("{}", const_name(name));
    let sql = &q.def.positional;
    let sql_doc = format!(" The SQL of [`{}`].", field_name(name));
    let doc_text = q.def.doc.join("\n");
    let mut docs: Vec<TokenStream> = doc_lines(Some(doc_text.as_str()).filter(|d| !d.is_empty()));
    if !docs.is_empty() {
        docs.push(quote! { #[doc = ""] });
    }
    let origin = format!(
        " `:{}` query `{name}` from `{file}:{}`:",
        q.def.command.as_str(),
        q.def.line
    );
    docs.push(quote! { #[doc = #origin] });
    docs.push(quote! { #[doc = ""] });
    docs.push(quote! { #[doc = " ```sql"] });
    docs.extend(doc_lines(Some(&q.def.sql)));
    docs.push(quote! { #[doc = " ```"] });

    // Parameters: as arguments, or in a struct when there are many.
    let mut param_fields = Vec::new();
    let mut binds = Vec::new();
    for p in &q.params {
        let field = ident(&field_name(&p.name));
        let ty = rust_type(catalog, names, &p.ty, p.nullable)?;
        let doc = format!(
            " `{}`: `{}`{}.",
            p.name,
            p.ty,
            if p.nullable { ", may be NULL" } else { "" }
        );
        param_fields.push((field, ty, doc));
    }
    let params_struct = format_ident!("{}Params", type_name(name));
    let (arguments, param_item) = if q.params.len() > MAX_ARGUMENTS {
        let fields = param_fields
            .iter()
            .map(|(f, t, d)| quote! { #[doc = #d] pub #f: #t, });
        let doc = format!(" The parameters of [`{}`].", field_name(name));
        for (f, _, _) in &param_fields {
            binds.push(quote! { .bind(&params.#f) });
        }
        (
            quote! { params: &#params_struct },
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                pub struct #params_struct { #(#fields)* }
            },
        )
    } else {
        let args = param_fields.iter().map(|(f, t, _)| quote! { #f: #t });
        for (f, _, _) in &param_fields {
            binds.push(quote! { .bind(#f) });
        }
        (quote! { #(#args),* }, TokenStream::new())
    };

    // The row type.
    let (row, row_item) = if q.columns.is_empty() {
        (quote! { () }, TokenStream::new())
    } else if let Some(table) = table_row(catalog, q) {
        let module = ident(&names.relation(table).module);
        let row = format_ident!("{}", names.relation(table).row);
        (quote! { super::super::#module::#row }, TokenStream::new())
    } else {
        let row = format_ident!("{}Row", type_name(name));
        let doc = format!(" A row of [`{}`].", field_name(name));
        let mut fields = Vec::new();
        let field_names = field_names(q.columns.iter().map(|c| c.name.as_str()));
        // Two result columns of one name (PostgreSQL allows it) cannot be read by name: the
        // row is read by position instead.
        let by_position = q
            .columns
            .iter()
            .enumerate()
            .any(|(i, c)| q.columns[..i].iter().any(|o| o.name == c.name));
        let mut reads = Vec::new();
        for (i, (c, name)) in q.columns.iter().zip(&field_names).enumerate() {
            let sql_type = c.typed.ty.clone().finish()?;
            let ty = rust_type(catalog, names, &sql_type, c.typed.nullable)?;
            let field = ident(name);
            reads.push(quote! { #field: ::sqlx::Row::try_get(row, #i)?, });
            let rename = (!by_position && *name != c.name).then(|| {
                let original = &c.name;
                quote! { #[sqlx(rename = #original)] }
            });
            let doc = format!(
                " Column `{}`: `{sql_type}`{}.",
                c.name,
                if c.typed.nullable { "" } else { ", not null" }
            );
            fields.push(quote! { #[doc = #doc] #rename pub #field: #ty, });
        }
        let item = if by_position {
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                pub struct #row { #(#fields)* }

                impl<'r> ::sqlx::FromRow<'r, ::sqlx::postgres::PgRow> for #row {
                    fn from_row(row: &'r ::sqlx::postgres::PgRow) -> ::std::result::Result<Self, ::sqlx::Error> {
                        ::std::result::Result::Ok(Self { #(#reads)* })
                    }
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq, ::sqlx::FromRow, ::serde::Serialize, ::serde::Deserialize)]
                pub struct #row { #(#fields)* }
            }
        };
        (quote! { #row }, item)
    };

    let error = quote! { super::super::error::Error };
    let (returns, body) = match q.def.command {
        Command::One => (
            quote! { ::std::option::Option<#row> },
            quote! { ::sqlx::query_as(#sql_const) #(#binds)* .fetch_optional(db).await.map_err(#error::from) },
        ),
        Command::Many => (
            quote! { ::std::vec::Vec<#row> },
            quote! { ::sqlx::query_as(#sql_const) #(#binds)* .fetch_all(db).await.map_err(#error::from) },
        ),
        Command::Exec => (
            quote! { () },
            quote! { ::sqlx::query(#sql_const) #(#binds)* .execute(db).await.map(|_| ()).map_err(#error::from) },
        ),
        Command::ExecRows => (
            quote! { u64 },
            quote! { ::sqlx::query(#sql_const) #(#binds)* .execute(db).await.map(|done| done.rows_affected()).map_err(#error::from) },
        ),
    };
    // Fields of the parameter struct are bound by reference, which clippy flags for the Copy ones.
    let allow = (q.params.len() > MAX_ARGUMENTS)
        .then(|| quote! { #[allow(clippy::needless_borrows_for_generic_args)] });
    let db_arg = if q.params.is_empty() {
        quote! { db: E }
    } else {
        quote! { db: E, }
    };
    Ok(quote! {
        #[doc = #sql_doc]
        pub const #sql_const: &str = #sql;

        #row_item
        #param_item

        #(#docs)*
        #allow
        pub async fn #function<'e, E>(#db_arg #arguments) -> ::std::result::Result<#returns, #error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            #body
        }
    })
}
