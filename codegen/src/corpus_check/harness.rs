//! The round-trip program of the scratch crate (`src/main.rs`): for every table, in a
//! transaction rolled back afterwards, insert a row with a non-NULL value in every writable
//! column through the generated `insert`, read it back through the generated `find` (or
//! `list` when the table has no primary key), and compare field by field; then write it back
//! with `update` (it must come back unchanged) and, in transactions of their own, send it
//! through `insert_many`, `insert_many_count` and `copy_many` (which must store what `insert`
//! stored). Views are listed and materialized views refreshed (not counted).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::{Catalog, Relation, RelationKind};
use crate::corpus_check::samples::{Paths, sample};
use crate::emit::context::{RelationContext, is_insertable, is_required};
use crate::emit::ident::ident;
use crate::emit::names::{Names, display_name};
use crate::emit::sql::is_soft_deleting;

/// The tables the round trip covers: local tables that get an insert (partitions are written
/// through their parent).
pub fn covered(catalog: &Catalog) -> Vec<&Relation> {
    catalog
        .tables
        .iter()
        .filter(|r| r.kind == RelationKind::Table && r.partition_of.is_none())
        .collect()
}

/// Tokens of `src/main.rs`, for the generated crate named `lib` (its `generated` module).
pub fn harness(catalog: &Catalog, names: &Names, lib: &str) -> Result<TokenStream, String> {
    let lib = format_ident!("{}", lib);
    let paths = Paths {
        generated: quote! { ::#lib::generated },
    };
    let mut checks = Vec::new();
    let mut functions = Vec::new();
    for (i, relation) in covered(catalog).into_iter().enumerate() {
        let function = format_ident!("table_{}", i);
        let label = display_name(relation);
        functions.push(table_check(catalog, names, &paths, relation, &function)?);
        checks.push(quote! {
            match #function(&pool).await {
                ::std::result::Result::Ok(()) => {
                    ok += 1;
                    println!("ok    {}", #label);
                }
                ::std::result::Result::Err(problem) => println!("FAIL  {}: {}", #label, problem),
            }
        });
    }
    let total = checks.len();
    // Views: their statements must run (they hold no rows here); not counted in M.
    for relation in catalog.tables.iter().filter(|r| !r.is_table()) {
        let relation_names = names.relation(relation);
        let module = ident(&relation_names.module);
        let row = format_ident!("{}", relation_names.row);
        let label = display_name(relation);
        let generated = &paths.generated;
        let refresh = if relation.kind == RelationKind::MaterializedView {
            quote! { #generated::#module::#row::refresh(&pool).await.map_err(|e| format!("refresh: {e}"))?; }
        } else {
            quote! {}
        };
        checks.push(quote! {
            let view = async {
                #refresh
                #generated::#module::#row::list(&pool, 1, 0).await.map_err(|e| format!("list: {e}"))?;
                ::std::result::Result::<(), ::std::string::String>::Ok(())
            };
            match view.await {
                ::std::result::Result::Ok(()) => println!("view  {}", #label),
                ::std::result::Result::Err(problem) => println!("VIEW FAIL  {}: {}", #label, problem),
            }
        });
    }
    Ok(quote! {
        //! Round trip through every table's generated insert and find (written by
        //! `stagely-codegen corpus-check`; the generated models are in the library).
        #![allow(clippy::all, clippy::pedantic, unused_mut, unused_variables)]

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> ::std::process::ExitCode {
            let url = match ::std::env::var("DATABASE_URL") {
                ::std::result::Result::Ok(url) => url,
                ::std::result::Result::Err(_) => {
                    eprintln!("round-trip: DATABASE_URL is not set");
                    return ::std::process::ExitCode::FAILURE;
                }
            };
            let pool = match ::sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&url).await {
                ::std::result::Result::Ok(pool) => pool,
                ::std::result::Result::Err(e) => {
                    eprintln!("round-trip: cannot connect: {e}");
                    return ::std::process::ExitCode::FAILURE;
                }
            };
            let mut ok = 0usize;
            #(#checks)*
            println!("round-trip: {ok} of {} tables", #total);
            if ok == #total { ::std::process::ExitCode::SUCCESS } else { ::std::process::ExitCode::FAILURE }
        }

        #(#functions)*
    })
}

fn table_check(
    catalog: &Catalog,
    names: &Names,
    paths: &Paths,
    relation: &Relation,
    function: &proc_macro2::Ident,
) -> Result<TokenStream, String> {
    let generated = &paths.generated;
    let relation_names = names.relation(relation);
    let module = ident(&relation_names.module);
    let row = format_ident!("{}", relation_names.row);
    let insert = format_ident!("{}", relation_names.insert);
    let ctx = RelationContext {
        catalog,
        names,
        relation,
    };
    let fields = ctx.fields()?;
    let soft = is_soft_deleting(relation);
    let has_pk = !relation.primary_key.is_empty();

    let mut values = Vec::new();
    let mut inits = Vec::new();
    let mut compares = Vec::new();
    for (n, field) in fields.iter().filter(|f| is_insertable(f.column)).enumerate() {
        let name = &field.ident;
        let value = format_ident!("v{}", n);
        let optional = !is_required(field.column);
        // A soft-deleted row is invisible to `list`; without a key to find it by, leave it live.
        let skip = (soft && !has_pk && field.column.name == crate::emit::sql::DELETED_AT)
            || field.column.name.is_empty();
        let document = if field.mapping.tokens.to_string().replace(' ', "") == "::serde_json::Value" {
            crate::corpus_check::samples::json_document(catalog, relation, &field.column.name)
        } else {
            None
        };
        let sampled = if skip {
            None
        } else if let Some(document) = document {
            Some(quote! { ::serde_json::from_str::<::serde_json::Value>(#document).unwrap() })
        } else {
            sample(catalog, names, paths, &field.column.data_type, &field.mapping)
        };
        let Some(sampled) = sampled else {
            if optional {
                inits.push(quote! { #name: ::std::option::Option::None });
                continue;
            }
            return Err(format!(
                "no sample value for column {}.{} of type `{}`",
                display_name(relation),
                field.column.name,
                field.column.data_type
            ));
        };
        values.push(quote! { let #value = #sampled; });
        if optional {
            inits.push(quote! { #name: ::std::option::Option::Some(#value.clone()) });
        } else {
            inits.push(quote! { #name: #value.clone() });
        }
        let column = &field.column.name;
        let read = if field.optional {
            quote! { found.#name.as_ref() != ::std::option::Option::Some(&#value) }
        } else {
            quote! { found.#name != #value }
        };
        compares.push(quote! {
            if #read {
                problems.push(format!("{}: wrote {:?}, read {:?}", #column, #value, found.#name));
            }
        });
    }

    let read_back = if has_pk {
        let keys = relation.primary_key.iter().map(|k| {
            let field = fields
                .iter()
                .find(|f| &f.column.name == k)
                .map(|f| (f.ident.clone(), f.is_copy()));
            match field {
                Some((name, true)) => quote! { inserted.#name },
                Some((name, false)) => quote! { &inserted.#name },
                None => quote! {},
            }
        });
        let find = if soft {
            quote! { find_with_deleted }
        } else {
            quote! { find }
        };
        quote! {
            let found = #generated::#module::#row::#find(&mut *tx, #(#keys),*)
                .await
                .map_err(|e| format!("find: {e}"))?
                .ok_or_else(|| ::std::string::String::from("find: the inserted row is not found"))?;
        }
    } else {
        quote! {
            let found = #generated::#module::#row::list(&mut *tx, 2, 0)
                .await
                .map_err(|e| format!("list: {e}"))?
                .into_iter()
                .next()
                .ok_or_else(|| ::std::string::String::from("list: the inserted row is not listed"))?;
        }
    };
    // `update` writes the row back unchanged; `insert_many` sends the same row as arrays.
    let update = if crate::emit::access::has_update(relation, &fields) {
        quote! {
            let updated = found.update(&mut *tx).await.map_err(|e| format!("update: {e}"))?;
            if updated != found {
                problems.push(format!("update: wrote {found:?}, read {updated:?}"));
            }
        }
    } else {
        quote! {}
    };
    let insert_many = if crate::emit::access::has_insert_many(&fields) {
        quote! {
            let mut tx = pool.begin().await.map_err(|e| format!("begin: {e}"))?;
            let many = #generated::#module::#row::insert_many(&mut *tx, ::std::slice::from_ref(&new))
                .await
                .map_err(|e| format!("insert_many: {e}"))?;
            if many.len() != 1 {
                problems.push(format!("insert_many: {} rows back for 1", many.len()));
            }
            tx.rollback().await.map_err(|e| format!("rollback: {e}"))?;
        }
    } else {
        quote! {}
    };
    // `insert_many_count` sends it again, and `copy_many` copies it in binary: the copied row
    // must read back as the inserted one did (when no column is generated or an identity,
    // which would differ between the two).
    let insert_many_count = if crate::emit::access::has_insert_many(&fields) {
        quote! {
            let mut tx = pool.begin().await.map_err(|e| format!("begin: {e}"))?;
            let counted = #generated::#module::#row::insert_many_count(&mut *tx, ::std::slice::from_ref(&new))
                .await
                .map_err(|e| format!("insert_many_count: {e}"))?;
            if counted != 1 {
                problems.push(format!("insert_many_count: {counted} rows for 1"));
            }
            tx.rollback().await.map_err(|e| format!("rollback: {e}"))?;
        }
    } else {
        quote! {}
    };
    let copy_many = if crate::emit::access::copy_applies(&ctx, &fields) {
        let compare = if relation.columns.iter().all(is_insertable) {
            quote! {
                let inserted_row = found.clone();
                #read_back
                if found != inserted_row {
                    problems.push(format!("copy_many: stored {found:?}, insert stored {inserted_row:?}"));
                }
            }
        } else {
            quote! {}
        };
        quote! {
            let mut tx = pool.begin().await.map_err(|e| format!("begin: {e}"))?;
            let copied = #generated::#module::#row::copy_many(&mut tx, ::std::slice::from_ref(&new))
                .await
                .map_err(|e| format!("copy_many: {e}"))?;
            if copied != 1 {
                problems.push(format!("copy_many: {copied} rows for 1"));
            }
            #compare
            tx.rollback().await.map_err(|e| format!("rollback: {e}"))?;
        }
    } else {
        quote! {}
    };
    Ok(quote! {
        async fn #function(pool: &::sqlx::PgPool) -> ::std::result::Result<(), ::std::string::String> {
            let mut tx = pool.begin().await.map_err(|e| format!("begin: {e}"))?;
            #(#values)*
            let new = #generated::#module::#insert { #(#inits),* };
            let inserted = #generated::#module::#row::insert(&mut *tx, &new)
                .await
                .map_err(|e| format!("insert: {e}"))?;
            #read_back
            let mut problems: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#compares)*
            #update
            tx.rollback().await.map_err(|e| format!("rollback: {e}"))?;
            #insert_many
            #insert_many_count
            #copy_many
            if problems.is_empty() {
                ::std::result::Result::Ok(())
            } else {
                ::std::result::Result::Err(problems.join("; "))
            }
        }
    })
}
