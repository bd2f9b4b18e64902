//! Where `stagely-codegen generate` spends its time, stage by stage, in-process:
//!
//! - read + fold: `stagely_codegen::load` (find files, cut Up sections, parse with sqlparser,
//!   fold into the catalog);
//! - emit + render: the rest of `stagely_codegen::generate` (build token streams and lay them
//!   out with the printer, the relations' modules in parallel);
//! - write: `GeneratedFiles::write` into an empty directory.
//!
//! `make bench` runs it on the synthetic histories and on `schema/migrations`, to explain the
//! whole-process figures (the breakdown lives beside them in BENCHMARKS.md).
//!
//! Each run writes into a folder of its own under `codegen_stages_out/` in the results directory,
//! and nothing is deleted: ext4 skips inodes deleted in the last seconds to minutes when it
//! creates files, so deleting output here would slow the writes measured after it (here and in
//! `bench/run.sh`, which deletes the folder once all codegen timings are done).
//!
//! `BENCH_CODEGEN_DIRS` lists `label=path` pairs separated by commas (default: the schema);
//! `BENCH_RUNS` sets the runs per directory (default 5). Results go to `codegen_stages.json`
//! in the results directory, or to the file `BENCH_STAGES_FILE` names there.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|_| panic!("BENCH_RUNS={t} is not a whole number"))
        })
        .unwrap_or(5usize)
        .max(1)
}

fn dirs() -> Vec<(String, PathBuf)> {
    let default = format!("schema={}/../schema/migrations", env!("CARGO_MANIFEST_DIR"));
    let spec = std::env::var("BENCH_CODEGEN_DIRS").unwrap_or(default);
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|pair| {
            let (label, path) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("BENCH_CODEGEN_DIRS entry {pair:?} is not label=path"));
            (label.trim().to_string(), PathBuf::from(path.trim()))
        })
        .collect()
}

fn seconds_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

fn measure(label: &str, dir: &Path, scratch: &Path, runs: usize) -> serde_json::Value {
    let (mut load, mut generate, mut write) = (Vec::new(), Vec::new(), Vec::new());
    let mut shape = serde_json::Value::Null;
    for run in 0..runs {
        let start = Instant::now();
        let (schema, diagnostics) = stagely_codegen::load(dir);
        load.push(seconds_since(start));
        assert!(
            !diagnostics.iter().any(|d| d.is_error()),
            "{} does not fold: {}",
            dir.display(),
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        drop(schema);

        let start = Instant::now();
        let (generated, _) = stagely_codegen::generate(dir, "bench");
        generate.push(seconds_since(start));
        let generated = generated.unwrap_or_else(|()| panic!("{} does not generate", dir.display()));

        let out = scratch.join(format!("{}-run{run}-{}", label, std::process::id()));
        let start = Instant::now();
        generated.files.write(&out).expect("write the generated files");
        write.push(seconds_since(start));

        let bytes: usize = generated.files.iter().map(|(_, text)| text.len()).sum();
        shape = serde_json::json!({
            "tables": generated.tables,
            "files": generated.files.len(),
            "bytes": bytes,
        });
    }
    serde_json::json!({ "load": load, "generate": generate, "write": write, "shape": shape })
}

fn main() {
    if !common::selected("codegen_stages") {
        return;
    }
    let runs = runs();
    let scratch = common::results_dir().join("codegen_stages_out");
    let mut results = serde_json::Map::new();
    for (label, dir) in dirs() {
        let value = measure(&label, &dir, &scratch, runs);
        let median = |key: &str| {
            let values: Vec<f64> = value[key]
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(serde_json::Value::as_f64)
                .collect();
            common::summary(&values).0
        };
        eprintln!(
            "codegen stages: {label}: read+fold {:.3} s, read+fold+emit+render {:.3} s, write {:.3} s (medians of {runs})",
            median("load"),
            median("generate"),
            median("write"),
        );
        results.insert(label, value);
    }
    let file = std::env::var("BENCH_STAGES_FILE").unwrap_or_else(|_| "codegen_stages.json".to_string());
    let out = common::results_dir().join(file);
    std::fs::write(&out, serde_json::to_string_pretty(&results).expect("JSON"))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
