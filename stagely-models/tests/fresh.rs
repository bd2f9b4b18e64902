//! The checked-in generated code is exactly what the generator makes from the migrations now:
//! the models in `src/generated`, and the naming fixture compiled by `tests/naming.rs`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files of `dir` and of its folders (`queries/mod.rs`), named relative to `dir`.
fn files_in(dir: &Path, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_in(&entry.path(), &format!("{name}/")));
        } else {
            out.push(name);
        }
    }
    out
}

/// Fails, naming the files, when `out` differs from what `migrations` generate.
fn assert_fresh(migrations: &str, out: &Path, regenerate: &str) {
    let (generated, diagnostics) = stagely_codegen::generate(&root().join(migrations), migrations);
    let generated = generated.unwrap_or_else(|()| panic!("{migrations} does not generate: {diagnostics:#?}"));
    let stale: Vec<&str> = generated
        .files
        .iter()
        .filter(|(name, expected)| std::fs::read_to_string(out.join(name)).unwrap_or_default() != *expected)
        .map(|(name, _)| name)
        .collect();
    let mut on_disk = files_in(out, "");
    on_disk.sort();
    let produced: Vec<&str> = generated.files.iter().map(|(n, _)| n).collect();
    assert_eq!(
        on_disk, produced,
        "generated files on disk differ from those produced; run `{regenerate}`"
    );
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}; run `{regenerate}` and commit the result"
    );
}

#[test]
fn generated_models_match_the_migrations() {
    assert_fresh(
        "schema/migrations",
        &root().join("stagely-models/src/generated"),
        "make codegen",
    );
}

#[test]
fn the_naming_fixture_matches_its_migrations() {
    assert_fresh(
        "codegen/tests/fixtures/emit_names/migrations",
        &root().join("stagely-models/tests/naming"),
        "cargo run -p stagely-codegen -- generate --migrations codegen/tests/fixtures/emit_names/migrations --out stagely-models/tests/naming",
    );
}
