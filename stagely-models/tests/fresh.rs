//! The checked-in generated code is exactly what the generator makes from the migrations now.

use std::path::PathBuf;

#[test]
fn generated_code_matches_the_migrations() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let (generated, diagnostics) = stagely_codegen::generate(&root.join("schema/migrations"), "schema/migrations");
    let generated = generated.unwrap_or_else(|()| panic!("the migrations do not generate: {diagnostics:#?}"));
    let out = root.join("stagely-models/src/generated");
    let mut stale = Vec::new();
    for (name, expected) in generated.files.iter() {
        let on_disk = std::fs::read_to_string(out.join(name)).unwrap_or_default();
        if on_disk != expected {
            stale.push(name.to_string());
        }
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let produced: Vec<String> = generated.files.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, produced, "generated files on disk differ from those produced; run `make codegen`");
    assert!(stale.is_empty(), "stale generated files {stale:?}; run `make codegen` and commit the result");
}
