//! Emit: the catalog and the migrations in, the files of `stagely-models/src/generated/` out.
//!
//! A pure function: nothing here touches the disk ([`output`] does, once, at the edge).
//! One module per kind of output: [`structs`] (a file per table or view), [`enums`],
//! [`access`], [`relations`], [`errors`], [`migrations`], [`queries`]; [`names`] chooses every Rust name first so clashes are reported together.
//! A relation's file, most of the output, is written straight as text ([`text`]); the others
//! are built as tokens with `quote!` and laid out by [`print`].

pub mod access;
pub mod composites;
pub mod context;
pub mod docs;
pub mod encrypted;
pub mod enums;
pub mod errors;
pub mod ident;
pub mod migrations;
pub mod names;
pub mod output;
pub mod print;
pub mod queries;
pub mod relations;
pub mod schemas;
pub mod sql;
pub mod structs;
pub mod text;
pub mod types;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::source::Migration;
use context::RelationContext;
use names::Names;
use output::{GeneratedFiles, header, render};
use structs::relation_module;

/// The hand-written runtime the generated data access calls, copied into every output as
/// `runtime.rs` (see `codegen/runtime/runtime.rs`).
pub const RUNTIME: &str = include_str!("../../runtime/runtime.rs");

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
    /// Columns whose type the generator could not see and sends as text, with why.
    pub warnings: Vec<Diagnostic>,
    /// Number of columns that travel as text (no Rust mapping of their own).
    pub text_columns: usize,
}

/// How to emit: what a `stagely-codegen.toml` can change. The default is what our own
/// repository needs with no configuration file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Whether `migrations.rs` (the runtime migrator's list) is emitted.
    pub migration_list: migrations::MigrationList,
    /// Schemas and `schema.table`s to leave out.
    pub skip: Vec<String>,
    /// Names and types chosen by the configuration.
    pub overrides: names::Overrides,
}

impl Options {
    /// The options a `stagely-codegen.toml` asks for.
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            migration_list: config.migration_list,
            skip: config.skip.clone(),
            overrides: names::Overrides {
                derives: config.derives.clone(),
                types: config.types.clone(),
                columns: config.columns.clone(),
                rename: config.rename.clone(),
            },
        }
    }

    /// Whether the relation `schema.name` is left out.
    pub fn skips(&self, schema: &str, name: &str) -> bool {
        self.skip
            .iter()
            .any(|s| s == schema || *s == format!("{schema}.{name}") || (schema == "public" && s == name))
    }
}

/// The catalog the models are made from: partitions are left out (their rows are read and
/// written through the partitioned table, which gets the model).
pub fn visible_catalog(catalog: &Catalog, options: &Options) -> Catalog {
    let mut visible = catalog.clone();
    visible
        .tables
        .retain(|r| r.partition_of.is_none() && !options.skips(&r.schema, &r.name));
    visible
}

/// Emits every generated file with the default [`Options`] (see [`emit_with`]).
pub fn emit(
    catalog: &Catalog,
    migrations: &[Migration],
    queries: &[crate::queries::TypedQuery],
    migrations_dir: &Path,
    label: &str,
) -> Result<Generated, Vec<Diagnostic>> {
    emit_with(
        catalog,
        migrations,
        queries,
        migrations_dir,
        label,
        &Options::default(),
    )
}

/// Emits every generated file. `label` names the migrations in each file's header line;
/// `migrations_dir` is where errors without a file of their own point. On any error nothing
/// is returned, so nothing gets written.
pub fn emit_with(
    catalog: &Catalog,
    migrations: &[Migration],
    queries: &[crate::queries::TypedQuery],
    migrations_dir: &Path,
    label: &str,
    options: &Options,
) -> Result<Generated, Vec<Diagnostic>> {
    emit_laid_out(
        catalog,
        migrations,
        queries,
        migrations_dir,
        label,
        options,
        &print::file,
    )
}

/// [`emit_with`] with the layout of each file's tokens as a parameter (tests compare the
/// printer with a parser-based layout through it).
fn emit_laid_out(
    catalog: &Catalog,
    migrations: &[Migration],
    queries: &[crate::queries::TypedQuery],
    migrations_dir: &Path,
    label: &str,
    options: &Options,
    layout: &(dyn Fn(TokenStream) -> String + Sync),
) -> Result<Generated, Vec<Diagnostic>> {
    let visible = visible_catalog(catalog, options);
    let catalog = &visible;
    let header = header(label);
    let problem = |message: String| Diagnostic::error(migrations_dir, message);

    let names = Names::choose_with(catalog, &options.overrides)
        .map_err(|errors| errors.into_iter().map(problem).collect::<Vec<_>>())?;
    let relation_methods = relations::relation_methods(catalog, &names)
        .map_err(|errors| errors.into_iter().map(problem).collect::<Vec<_>>())?;
    // Columns sent as text, and those whose type is unknown, relation by relation on whichever
    // core is free; one warning per unknown type.
    let relations: Vec<&crate::catalog::Relation> = catalog.tables.iter().collect();
    let per_relation = crate::parallel::map(&relations, |relation| {
        let mut text_columns = 0;
        let mut unknown = Vec::new();
        for column in &relation.columns {
            let mapping = types::column_rust_type(catalog, &names, relation, column);
            if mapping.read_as.as_deref().is_some_and(|t| t.starts_with("text")) {
                text_columns += 1;
            }
            if mapping.unknown {
                unknown.push((
                    column.data_type.clone(),
                    format!("{}.{}", names::display_name(relation), column.name),
                ));
            }
        }
        (text_columns, unknown)
    });
    let text_columns: usize = per_relation.iter().map(|(count, _)| count).sum();
    let mut by_type: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for (sql_type, column) in per_relation.into_iter().flat_map(|(_, u)| u) {
        by_type.entry(sql_type).or_default().push(column);
    }
    let mut warnings: Vec<Diagnostic> = by_type
        .into_iter()
        .map(|(sql_type, columns)| {
            let base = sql_type.trim_end_matches("[]");
            let first = &columns[0];
            let more = match columns.len() {
                1 => String::new(),
                n => format!(" and {} more column{}", n - 1, if n == 2 { "" } else { "s" }),
            };
            let whose = if crate::catalog::types::builtin_by_format(base).is_some() {
                "PostgreSQL's own type, which sqlx has no mapping for"
            } else {
                "an extension's type, or one made where the fold could not see"
            };
            Diagnostic::warning(
                migrations_dir,
                format!(
                    "type `{sql_type}` of {first}{more} has no Rust mapping the generator knows ({whose}): it is a String, read as `::text` and written as `::text::{sql_type}`; to map it, add `\"{base}\" = \"<Rust type>\"` under [types] in stagely-codegen.toml"
                ),
            )
        })
        .collect();

    let mut errors = Vec::new();
    let mut modules = Vec::new();
    for relation in &catalog.tables {
        if let Some(why) = &relation.unknown {
            // An uncertain view's own warning, at its line, already says it is left out.
            if catalog.uncertainty(&relation.schema, &relation.name).is_some() {
                continue;
            }
            warnings.push(Diagnostic::warning(
                migrations_dir,
                format!(
                    "{}.{} is not generated: its columns are unknown ({why}); give the query explicit casts, or define what it selects from in the migrations",
                    relation.schema, relation.name
                ),
            ));
            continue;
        }
        modules.push((names.relation(relation).module.clone(), relation));
    }
    let files = Files {
        catalog,
        names: &names,
        relation_methods: &relation_methods,
        modules: &modules,
        migrations,
        queries,
        migrations_dir,
        label,
        options,
    };
    // Every file is independent of the others: each is built on whichever core is free (token
    // streams cannot cross threads, so one worker builds and lays out a file). The largest go
    // first.
    let mut parts = vec![
        Part::Migrations,
        Part::Enums,
        Part::Error,
        Part::Queries,
        Part::Mod,
        Part::Composites,
    ];
    parts.extend(
        modules
            .iter()
            .map(|(module, relation)| Part::Relation(module, relation)),
    );
    let mut generated = GeneratedFiles::default();
    let laid_out = crate::parallel::map(&parts, |part| files.build(part, &header, layout));
    for part in laid_out {
        match part {
            Ok(part) => {
                for (name, text) in part {
                    generated.insert(name, text);
                }
            }
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    generated.insert("runtime.rs", format!("{header}\n{RUNTIME}"));
    Ok(Generated {
        files: generated,
        tables: catalog.tables.iter().filter(|r| r.is_table()).count(),
        views: catalog.tables.iter().filter(|r| !r.is_table()).count(),
        enums: names.enums.len(),
        warnings,
        text_columns,
    })
}

/// One piece of the output: a file, or the folder of query modules.
enum Part<'c> {
    Relation(&'c str, &'c crate::catalog::Relation),
    Enums,
    Composites,
    Error,
    Migrations,
    Queries,
    Mod,
}

/// What every part of the output is built from.
struct Files<'c> {
    catalog: &'c Catalog,
    names: &'c Names,
    relation_methods: &'c relations::RelationMethods<'c>,
    /// Each relation that gets a module, with the module's name.
    modules: &'c [(String, &'c crate::catalog::Relation)],
    migrations: &'c [Migration],
    queries: &'c [crate::queries::TypedQuery],
    migrations_dir: &'c Path,
    label: &'c str,
    options: &'c Options,
}

impl Files<'_> {
    /// The files of `part` under `header`, laid out (by `layout` and [`render`], for those
    /// built as tokens; a relation's file is written as text, see [`text`]), or what stops
    /// them from being generated.
    fn build(
        &self,
        part: &Part,
        header: &str,
        layout: &(dyn Fn(TokenStream) -> String + Sync),
    ) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
        let (catalog, names) = (self.catalog, self.names);
        let file = |tokens: TokenStream| render(header, layout(tokens));
        let one = |name: &str, tokens: TokenStream| Ok(vec![(name.to_string(), file(tokens))]);
        let laid_out = |files: Vec<(String, TokenStream)>| {
            files
                .into_iter()
                .map(|(name, tokens)| (name, file(tokens)))
                .collect::<Vec<_>>()
        };
        let problems = |messages: Vec<String>| {
            messages
                .into_iter()
                .map(|message| Diagnostic::error(self.migrations_dir, message))
                .collect::<Vec<_>>()
        };
        match part {
            Part::Relation(module, relation) => {
                let ctx = RelationContext {
                    catalog,
                    names,
                    relation,
                };
                let methods = self
                    .relation_methods
                    .get(&(relation.schema.clone(), relation.name.clone()))
                    .map_or(&[][..], Vec::as_slice);
                relation_module(&ctx, methods, header)
                    .map(|code| vec![(format!("{module}.rs"), code)])
                    .map_err(|message| problems(vec![message]))
            }
            Part::Enums => one("enums.rs", enums::enums_module(names)),
            Part::Composites => Ok(composites::composites_module(catalog, names)
                .map(|tokens| ("composites.rs".to_string(), file(tokens)))
                .into_iter()
                .collect()),
            Part::Error => one("error.rs", errors::error_module(catalog)),
            Part::Migrations if self.options.migration_list.wanted(self.migrations) => {
                migrations::migrations_module(self.migrations, self.options.migration_list)
                    .map(|tokens| vec![("migrations.rs".to_string(), file(tokens))])
            }
            Part::Migrations => Ok(Vec::new()),
            Part::Queries => queries::query_modules(catalog, names, self.queries, &|path| self.shown(path))
                .map(laid_out)
                .map_err(problems),
            Part::Mod => one("mod.rs", self.mod_rs()),
        }
    }

    /// A query file's path as the output names it: relative to the label, as the migrations are.
    fn shown(&self, path: &Path) -> String {
        let base = self.migrations_dir.parent().unwrap_or(Path::new(""));
        let label_base = Path::new(self.label).parent().unwrap_or(Path::new(""));
        match path.strip_prefix(base) {
            Ok(relative) => label_base.join(relative).display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// `mod.rs`: every module declared, the row and insert types re-exported.
    fn mod_rs(&self) -> TokenStream {
        let (catalog, names, modules) = (self.catalog, self.names, self.modules);
        let (composites_decl, composites_use) = if composites::has_composites(catalog, names) {
            (quote! { pub mod composites; }, quote! { pub use composites::*; })
        } else {
            (quote! {}, quote! {})
        };
        let queries_decl = (!self.queries.is_empty()).then(|| quote! { pub mod queries; });
        let migrations_decl = if self.options.migration_list.wanted(self.migrations) {
            quote! { pub mod migrations; }
        } else {
            quote! {}
        };
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
        let taken: std::collections::BTreeSet<String> = modules
            .iter()
            .map(|(module, _)| module.clone())
            .chain(["enums", "error", "migrations", "composites", "queries", "runtime"].map(String::from))
            .collect();
        let schema_modules = schemas::schema_modules(modules, names, &taken);
        let encrypted_columns = encrypted::encrypted_columns(catalog);
        quote! {
            //! Models derived from the SQL migrations: one module per table or view, the enums,
            //! and the migrations themselves.

            pub mod enums;
            #composites_decl
            pub mod error;
            pub mod runtime;
            #migrations_decl
            #queries_decl
            #(#module_decls)*

            #schema_modules

            pub use enums::*;
            #composites_use
            pub use error::Error;
            #(#reexports)*

            #encrypted_columns
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// The printer lays out exactly the tokens it is given: every file of every fixture (and of
    /// our own schema, with its queries and migrations) built as tokens parses back into the
    /// syntax tree the tokens make, compared through prettyplease's layout of both; every file
    /// written as text parses.
    #[test]
    fn printed_code_parses_back_to_the_emitted_tokens() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut cases: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(root.join("tests/fixtures"))
            .expect("fixtures")
            .map(|entry| entry.expect("fixture").path())
            .filter(|path| path.join("migrations").is_dir())
            .map(|path| (path.join("migrations"), path.join("queries")))
            .collect();
        cases.push((root.join("../schema/migrations"), root.join("../schema/queries")));
        let files = std::sync::atomic::AtomicUsize::new(0);
        let written = std::sync::atomic::AtomicUsize::new(0);
        let layout = |tokens: TokenStream| {
            let printed = print::file(tokens.clone());
            let expected = syn::parse2::<syn::File>(tokens).expect("the emitter's tokens parse");
            let reparsed = syn::parse_file(&printed)
                .unwrap_or_else(|e| panic!("printed code does not parse: {e}\n{printed}"));
            assert_eq!(
                prettyplease::unparse(&reparsed),
                prettyplease::unparse(&expected),
                "printed code differs from its tokens:\n{printed}"
            );
            files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            printed
        };
        for (migrations, queries) in cases {
            let (schema, typed, diagnostics) = crate::load_with_queries(&migrations, &queries);
            if diagnostics.iter().any(Diagnostic::is_error) {
                continue;
            }
            // A fixture whose emit fails (on purpose) is checked by its own test.
            let Ok(generated) = emit_laid_out(
                &schema.catalog,
                &schema.migrations,
                &typed,
                &migrations,
                "migrations",
                &Options::default(),
                &layout,
            ) else {
                continue;
            };
            // Every file must parse, the ones written as text (one per relation, no tokens to
            // compare with) too.
            for (name, text) in generated.files.iter() {
                if let Err(e) = syn::parse_file(text) {
                    panic!("{name} of {} does not parse: {e}\n{text}", migrations.display());
                }
                written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let printed = files.into_inner();
        assert!(printed > 100, "only {printed} files printed");
        let written = written.into_inner();
        assert!(
            written > printed,
            "only {written} files parsed, {printed} of them built as tokens"
        );
    }
}
