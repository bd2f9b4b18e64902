//! `stagely-codegen` derives the `stagely-models` crate from the SQL migrations.
//!
//! The pipeline is read -> fold -> emit: [`source`] finds the migration files and cuts them
//! into Up/Down sections; later stages fold the Up SQL into a schema catalog and emit Rust.
//! [`verify`] applies them to a throw-away database ([`scratch`], from `stagely-testdb`).

pub mod catalog;
pub mod config;
pub mod corpus_check;
pub mod diagnostic;
pub mod emit;
pub mod infer;
pub mod parallel;
pub mod parse;
pub mod queries;
pub mod source;
pub mod sql;
pub mod verify;

pub use stagely_testdb::scratch;

use std::path::Path;

use catalog::{Catalog, Fold};
use diagnostic::Diagnostic;

/// The migrations of a directory and the catalog their Up sections fold into.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The migrations, in apply order.
    pub migrations: Vec<source::Migration>,
    /// What their Up sections define.
    pub catalog: Catalog,
    /// What the migration tool ran before the first file that the history relies on (its
    /// bookkeeping table, when a migration alters it).
    pub preamble: Vec<String>,
    /// How many statements of each command were skipped as unable to change the shape.
    pub skipped: std::collections::BTreeMap<&'static str, usize>,
}

/// Read -> fold: reads the migrations in `dir` and folds their Up sections, in order.
///
/// Every problem is collected, not just the first: unreadable files, statements that do not
/// parse, unknown types, DDL the fold cannot apply (errors), and statements it cannot see into
/// (warnings). The catalog holds whatever could be folded; trust it only when no diagnostic is
/// an error.
pub fn load(dir: &Path) -> (Schema, Vec<Diagnostic>) {
    let (migrations, fold, diagnostics) = fold_migrations(dir);
    finish(migrations, fold, diagnostics)
}

/// [`load`], and the queries of `queries_dir` typed against the catalog (see
/// [`queries::check`]); they see it as a new session does (the search path reset).
pub fn load_with_queries(
    dir: &Path,
    queries_dir: &Path,
) -> (Schema, Vec<queries::TypedQuery>, Vec<Diagnostic>) {
    let (migrations, mut fold, mut diagnostics) = fold_migrations(dir);
    fold.begin_file(queries_dir);
    let defs = queries::read_queries(queries_dir, &mut diagnostics);
    let (typed, problems) = queries::check(&fold, &fold.catalog, defs);
    diagnostics.extend(problems);
    let (schema, diagnostics) = finish(migrations, fold, diagnostics);
    (schema, typed, diagnostics)
}

fn fold_migrations(dir: &Path) -> (Vec<source::Migration>, Fold, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let migrations = source::read_migrations(dir, &mut diagnostics);
    let tools = migrations.iter().map(|m| m.tool);
    let mut fold = Fold::for_tool(catalog::tool::Bookkeeping::for_tools(tools));
    // Parsing a file needs nothing from the others, so the files are parsed on every core;
    // the fold takes their statements in order, each file as soon as it is parsed.
    let mut files = migrations.iter();
    parallel::map_in_order(
        &migrations,
        |migration| {
            let mut found = Vec::new();
            let statements = parse::parse_section(&migration.up, &mut found);
            (statements, found)
        },
        |(statements, found)| {
            let path = &files.next().expect("one result per file").up.path;
            diagnostics.extend(found);
            fold.begin_file(path);
            for statement in &statements {
                fold.fold(path, statement);
            }
        },
    );
    (migrations, fold, diagnostics)
}

fn finish(
    migrations: Vec<source::Migration>,
    fold: Fold,
    mut diagnostics: Vec<Diagnostic>,
) -> (Schema, Vec<Diagnostic>) {
    let preamble = fold.preamble();
    let skipped = fold.skipped().clone();
    let (catalog, fold_diagnostics) = fold.finish();
    diagnostics.extend(fold_diagnostics);
    sort_by_place(&mut diagnostics, &migrations);
    let schema = Schema {
        migrations,
        catalog,
        preamble,
        skipped,
    };
    (schema, diagnostics)
}

/// Puts diagnostics in the order a reader meets them: by migration (in apply order), then by
/// place in the file; those about the folder or other files first. Whichever stage noticed
/// them (reading, parsing, folding) does not matter.
fn sort_by_place(diagnostics: &mut [Diagnostic], migrations: &[source::Migration]) {
    let order: std::collections::HashMap<&Path, usize> = migrations
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            let down = m.down.as_ref().map(|d| (d.path.as_path(), i));
            std::iter::once((m.up.path.as_path(), i)).chain(down)
        })
        .collect();
    diagnostics.sort_by_key(|d| (order.get(d.path.as_path()).map_or(0, |i| i + 1), d.location));
}

/// The catalog of the migrations in `dir` (see [`load`]).
pub fn load_catalog(dir: &Path) -> (Catalog, Vec<Diagnostic>) {
    let (schema, diagnostics) = load(dir);
    (schema.catalog, diagnostics)
}

/// Read -> fold -> emit: the generated files for the migrations in `dir` and the queries
/// beside them (`<dir>/../queries`, see [`queries::default_dir`]), and every diagnostic.
/// `label` names the migrations in each file's header (`schema/migrations`).
/// `Err` when any diagnostic is an error; then nothing may be written.
pub fn generate(dir: &Path, label: &str) -> (Result<emit::Generated, ()>, Vec<Diagnostic>) {
    generate_with(dir, &queries::default_dir(dir), label, &emit::Options::default())
}

/// [`generate`] with the query files of `queries_dir` and the options of a
/// `stagely-codegen.toml`.
pub fn generate_with(
    dir: &Path,
    queries_dir: &Path,
    label: &str,
    options: &emit::Options,
) -> (Result<emit::Generated, ()>, Vec<Diagnostic>) {
    let (schema, typed, mut diagnostics) = load_with_queries(dir, queries_dir);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (Err(()), diagnostics);
    }
    match emit::emit_with(&schema.catalog, &schema.migrations, &typed, dir, label, options) {
        Ok(generated) => {
            diagnostics.extend(generated.warnings.iter().cloned());
            (Ok(generated), diagnostics)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            (Err(()), diagnostics)
        }
    }
}
