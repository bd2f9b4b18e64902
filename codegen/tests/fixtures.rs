//! Fixture migration sets beside their expected output: the `schema --json` catalog for sets
//! that fold, the rendered diagnostics for sets that must fail (insta snapshots in
//! `tests/snapshots/`). Each test names the rule its fixture covers.

use std::path::Path;

use stagely_codegen::diagnostic::Diagnostic;
use stagely_codegen::load_catalog;

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("{d}\n")).collect()
}

/// Folds `tests/fixtures/<case>/migrations`: no errors allowed; snapshots the catalog JSON and,
/// when there are any, the warnings.
fn folds(case: &str) {
    let (catalog, diagnostics) = load_catalog(Path::new(&format!("tests/fixtures/{case}/migrations")));
    let rendered = render(&diagnostics);
    assert!(
        !diagnostics.iter().any(Diagnostic::is_error),
        "{case} must fold without errors:\n{rendered}"
    );
    insta::assert_snapshot!(case, catalog.to_json());
    if !diagnostics.is_empty() {
        insta::assert_snapshot!(format!("{case}.warnings").as_str(), rendered);
    }
}

/// Folds a fixture that must fail; snapshots every diagnostic as the CLI prints it.
fn fails(case: &str) {
    let (_, diagnostics) = load_catalog(Path::new(&format!("tests/fixtures/{case}/migrations")));
    let rendered = render(&diagnostics);
    assert!(
        diagnostics.iter().any(Diagnostic::is_error),
        "{case} must fail:\n{rendered}"
    );
    assert!(
        !rendered.contains(":1:1: "),
        "no diagnostic may fall back to a made-up 1:1:\n{rendered}"
    );
    insta::assert_snapshot!(format!("{case}.errors").as_str(), rendered);
}

#[test]
fn folds_the_schema_migrations() {
    let (catalog, diagnostics) = load_catalog(Path::new("../schema/migrations"));
    assert!(diagnostics.is_empty(), "{}", render(&diagnostics));
    insta::assert_snapshot!("schema_migrations", catalog.to_json());
}

#[test]
fn folds_create_table() {
    folds("create_table");
}

#[test]
fn names_constraints_like_postgresql() {
    folds("constraint_names");
}

#[test]
fn folds_assorted_ddl() {
    folds("assorted_ddl");
}

#[test]
fn folds_alter_table() {
    folds("alter_table");
}

#[test]
fn drops_and_renames_follow_into_constraints_and_indexes() {
    folds("drop_and_rename_effects");
}

#[test]
fn folds_enums() {
    folds("enums");
}

#[test]
fn folds_domains() {
    folds("domains");
}

#[test]
fn infers_view_columns() {
    folds("views");
}

#[test]
fn infers_columns_of_ctes_subqueries_functions_and_joins() {
    folds("view_queries");
}

#[test]
fn folds_indexes() {
    folds("indexes");
}

#[test]
fn folds_comments() {
    folds("comments");
}

#[test]
fn folds_schemas_and_quoted_names() {
    folds("names_and_schemas");
}

#[test]
fn spells_types_as_format_type() {
    folds("types");
}

#[test]
fn skips_statements_that_cannot_change_the_shape() {
    folds("skipped_statements");
}

#[test]
fn warns_about_what_it_cannot_fold() {
    folds("warnings");
}

#[test]
fn reads_goose_files() {
    folds("layout_goose");
}

#[test]
fn reads_dbmate_files() {
    folds("layout_dbmate");
}

#[test]
fn reads_up_down_pairs() {
    folds("layout_up_down_pairs");
}

#[test]
fn reads_diesel_directories() {
    folds("layout_diesel");
}

#[test]
fn reads_prisma_directories() {
    folds("layout_prisma");
}

#[test]
fn orders_migrations_numerically() {
    folds("numeric_ordering");
}

#[test]
fn rejects_duplicate_versions() {
    fails("error_duplicate_versions");
}

#[test]
fn folds_what_postgresql_accepts() {
    // Types of pg_catalog, ALTER TABLE on a sequence, normalize's form, temporary tables,
    // row expansion, a down file without its up file: none stops the generator.
    folds("postgres_accepts");
}

#[test]
fn reads_down_sections_without_up_as_their_tools_do() {
    // A Down without an Up, a `.down.sql` without its `.up.sql`, two Up markers in one file:
    // the tools run them (nothing, nothing, both Up sections), so PostgreSQL sees no error.
    folds("down_without_up");
}

#[test]
fn rejects_files_that_are_not_utf8() {
    fails("error_non_utf8");
}

#[test]
fn rejects_an_empty_directory() {
    fails("error_empty_dir");
}

#[test]
fn rejects_a_missing_directory() {
    fails("error_missing_dir");
}

#[test]
fn rejects_unknown_types_naming_the_column() {
    fails("error_unknown_type");
}

#[test]
fn reports_every_parse_error_in_a_file() {
    fails("error_parse_errors");
}

#[test]
fn reports_ddl_postgresql_would_reject() {
    fails("error_fold");
}

#[test]
fn follows_the_search_path() {
    folds("search_path");
}

#[test]
fn undoes_rolled_back_transactions() {
    folds("transactions");
}

#[test]
fn gives_children_their_parents_columns() {
    folds("inheritance");
}

#[test]
fn gives_partitions_their_tables_keys_and_indexes() {
    folds("partitions");
}

#[test]
fn keeps_sequences_and_their_owners() {
    folds("sequences");
}

#[test]
fn folds_composite_range_and_domain_types() {
    folds("user_types");
}

#[test]
fn moves_and_renames_objects_with_their_users() {
    folds("set_schema_and_renames");
}

#[test]
fn folds_guarded_ddl_in_do_blocks() {
    folds("do_blocks");
}

#[test]
fn reads_psql_scripts() {
    folds("psql_scripts");
}

#[test]
fn makes_the_migration_tools_table_when_a_history_alters_it() {
    folds("bookkeeping");
}

#[test]
fn drops_dependent_views_with_cascade() {
    folds("drop_cascade");
}

#[test]
fn types_tables_made_from_queries() {
    folds("table_as");
}

#[test]
fn keeps_views_it_cannot_type_so_nothing_cascades() {
    folds("view_unknown");
    // Output is produced whenever there is no error: the view is left out, with a warning.
    let (generated, diagnostics) =
        stagely_codegen::generate(Path::new("tests/fixtures/view_unknown/migrations"), "m");
    let generated = generated.expect("warnings only");
    assert!(
        !generated
            .files
            .iter()
            .any(|(name, _)| name.contains("still_opaque"))
    );
    // One warning, at the view's line, saying it is left out (nothing more about its rename).
    let rendered = render(&diagnostics);
    assert_eq!(diagnostics.len(), 1, "{rendered}");
    assert!(
        rendered.contains("001_views.sql:6:1: warning: view opaque")
            && rendered.contains("no model is generated for it"),
        "{rendered}"
    );
}
