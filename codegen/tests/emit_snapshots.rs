//! Snapshots of the Rust generated for every fixture migration set that folds cleanly.
//!
//! The catalog snapshots (`fixtures.rs`) show what each fixture folds into; these show the
//! code that catalog becomes. Review changes with `cargo insta review`; CI never accepts them.

use std::path::Path;

#[test]
fn generated_code_of_each_fixture() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    cases.sort();
    let mut snapshotted = 0;
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (schema, diagnostics) = stagely_codegen::load(&case.join("migrations"));
        if diagnostics.iter().any(|d| d.is_error()) {
            continue; // error fixtures: their diagnostics are snapshotted by fixtures.rs
        }
        // Migrations are left out: several fixtures are Up-only, and migrations.rs only embeds SQL.
        let text: String = match stagely_codegen::emit::emit(&schema.catalog, &[], &[], &case, "migrations") {
            Ok(generated) => generated
                .files
                .iter()
                .filter(|(file, _)| *file != "migrations.rs")
                .map(|(file, contents)| format!("==> {file} <==\n{contents}\n"))
                .collect(),
            // What a user would see: the message, without the machine-specific path.
            Err(errors) => errors.iter().map(|e| format!("error: {}\n", e.message)).collect(),
        };
        insta::assert_snapshot!(format!("emit_{name}"), text);
        snapshotted += 1;
    }
    assert!(snapshotted >= 10, "only {snapshotted} fixtures generated code");
}
