//! Emit: the catalog and the migrations in, the files of `stagely-models/src/generated/` out.
//!
//! A pure function: nothing here touches the disk ([`output`] does, once, at the edge).
//! One module per kind of output: [`structs`] (a file per table or view), [`enums`],
//! [`access`], [`relations`], [`errors`], [`migrations`], [`queries`]; [`names`] chooses every Rust name first so clashes are reported together.

pub mod access;
pub mod docs;
pub mod encrypted;
pub mod enums;
pub mod errors;
pub mod ident;
pub mod migrations;
pub mod names;
pub mod output;
pub mod queries;
pub mod relations;
pub mod sql;
pub mod structs;
pub mod types;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::source::Migration;
use names::Names;
use output::{GeneratedFiles, header, render};
use structs::{RelationContext, relation_module};

/// The generated files and what they contain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    /// File name -> contents.
    pub files: GeneratedFiles,
    /// Number of tables.
    pub tables: usize,
    /// Number of views (materialized ones included).
    pub views: usize,
    /// Number of enums.
    pub enums: usize,
}

/// Emits every generated file. `label` names the migrations in each file's header line;
/// `migrations_dir` is where errors without a file of their own point. On any error nothing
/// is returned, so nothing gets written.
pub fn emit(
    catalog: &Catalog,
    migrations: &[Migration],
    queries: &[crate::queries::TypedQuery],
    migrations_dir: &Path,
    label: &str,
) -> Result<Generated, Vec<Diagnostic>> {
    let header = header(label);
    let problem = |message: String| Diagnostic::error(migrations_dir, message);

    let names =
        Names::choose(catalog).map_err(|errors| errors.into_iter().map(problem).collect::<Vec<_>>())?;
    let relation_methods = relations::relation_methods(catalog, &names)
        .map_err(|errors| errors.into_iter().map(problem).collect::<Vec<_>>())?;
    let mut errors = Vec::new();
    let mut files = GeneratedFiles::default();
    let mut add = |name: String, tokens: TokenStream, errors: &mut Vec<Diagnostic>| match render(
        &header, &name, tokens,
    ) {
        Ok(text) => files.insert(name, text),
        Err(message) => errors.push(problem(message)),
    };

    let mut modules = Vec::new();
    for relation in &catalog.tables {
        if let Some(why) = &relation.unknown {
            errors.push(problem(format!(
                "view {}.{} cannot be generated: its columns are unknown ({why}); give the view explicit casts, or define what it selects from in the migrations",
                relation.schema, relation.name
            )));
            continue;
        }
        let ctx = RelationContext {
            catalog,
            names: &names,
            relation,
        };
        let module = names.relation(relation).module.clone();
        let methods = relation_methods
            .get(&(relation.schema.clone(), relation.name.clone()))
            .map_or(&[][..], Vec::as_slice);
        match relation_module(&ctx, methods) {
            Ok(tokens) => add(format!("{module}.rs"), tokens, &mut errors),
            Err(message) => errors.push(problem(message)),
        }
        modules.push((module, relation));
    }
    add("enums.rs".into(), enums::enums_module(&names), &mut errors);
    add("error.rs".into(), errors::error_module(catalog), &mut errors);
    match migrations::migrations_module(migrations) {
        Ok(tokens) => add("migrations.rs".into(), tokens, &mut errors),
        Err(mut problems) => errors.append(&mut problems),
    }
    // Query files are named in the output as the migrations are: relative to the label.
    let shown = |path: &Path| {
        let base = migrations_dir.parent().unwrap_or(Path::new(""));
        let label_base = Path::new(label).parent().unwrap_or(Path::new(""));
        match path.strip_prefix(base) {
            Ok(relative) => label_base.join(relative).display().to_string(),
            Err(_) => path.display().to_string(),
        }
    };
    let query_modules = match queries::query_modules(catalog, &names, queries, &shown) {
        Ok(modules) => modules,
        Err(problems) => {
            errors.extend(problems.into_iter().map(problem));
            Vec::new()
        }
    };
    let queries_decl = (!query_modules.is_empty()).then(|| quote! { pub mod queries; });
    for (name, tokens) in query_modules {
        add(name, tokens, &mut errors);
    }

    let module_decls = modules.iter().map(|(module, _)| {
        let ident = ident::ident(module);
        quote! { pub mod #ident; }
    });
    let reexports = modules.iter().map(|(module, relation)| {
        let ident = ident::ident(module);
        let relation_names = names.relation(relation);
        let row = format_ident!("{}", relation_names.row);
        if relation.is_table() {
            let insert = format_ident!("{}", relation_names.insert);
            quote! { pub use #ident::{#row, #insert}; }
        } else {
            quote! { pub use #ident::#row; }
        }
    });
    let encrypted_columns = encrypted::encrypted_columns(catalog);
    add(
        "mod.rs".into(),
        quote! {
            //! Models derived from the SQL migrations: one module per table or view, the enums,
            //! and the migrations themselves.

            pub mod enums;
            pub mod error;
            pub mod migrations;
            #queries_decl
            #(#module_decls)*

            pub use enums::*;
            pub use error::Error;
            #(#reexports)*

            #encrypted_columns
        },
        &mut errors,
    );

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Generated {
        files,
        tables: catalog.tables.iter().filter(|r| r.is_table()).count(),
        views: catalog.tables.iter().filter(|r| !r.is_table()).count(),
        enums: names.enums.len(),
    })
}
