//! `corpus-check`: does the generated code compile, and does it work, for any history?
//!
//! 1. Read -> fold -> emit the migrations (and the queries beside them, `../queries`) into a
//!    scratch crate (`<target>/corpus-check/<name>`, beside the build output, built with the
//!    workspace's `Cargo.lock`, profiles, dependency features and target directory, so no
//!    dependency is built again): the generated models and query functions as its library, and
//!    a round-trip program ([`harness`]) as its binary.
//! 2. Build it with `cargo clippy --all-targets -- -D warnings`.
//! 3. Apply the migrations to a scratch database on the server (as `verify` does), then drop
//!    every CHECK and FOREIGN KEY constraint (domains' CHECKs too), every trigger and every rule
//!    on a table, and give each partitioned table a DEFAULT partition, so a made-up row fits.
//! 4. Run the round trip against it; drop the database.
//!
//! The last line is always `corpus-check: N of M tables round-tripped`; success needs the crate
//! to compile cleanly and N = M.

pub mod harness;
pub mod samples;
mod scratch_crate;

use std::path::{Path, PathBuf};
use std::process::Command;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};

use crate::diagnostic::Diagnostic;
use crate::emit::names::Names;
use stagely_testdb::scratch::{ScratchDatabase, redact_url};

/// What to check, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The migrations folder.
    pub migrations: PathBuf,
    /// The workspace root (its `Cargo.toml`, `Cargo.lock` and `workspace-hack`).
    pub workspace: PathBuf,
    /// The cargo target directory the scratch crate is built in (and placed under).
    pub target_dir: PathBuf,
    /// A server where scratch databases may be created and dropped.
    pub database_url: String,
    /// The cargo program.
    pub cargo: String,
    /// Emit options (from the history's `stagely-codegen.toml`, if any).
    pub emit: crate::emit::Options,
}

/// The outcome: how many tables round-tripped, of how many, and whether the crate compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Tables whose row came back equal.
    pub round_tripped: usize,
    /// Tables covered.
    pub tables: usize,
    /// Whether the crate built with clippy `-D warnings`.
    pub compiled: bool,
}

impl Outcome {
    /// The last line of the report.
    pub fn summary(&self) -> String {
        format!(
            "corpus-check: {} of {} tables round-tripped",
            self.round_tripped, self.tables
        )
    }

    /// Whether the check passed.
    pub fn passed(&self) -> bool {
        self.compiled && self.round_tripped == self.tables
    }
}

/// Why the check could not run at all (it then reports 0 of M).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The migrations have errors, or the generator refused them.
    #[error("the migrations do not generate")]
    Generate {
        /// What is wrong.
        diagnostics: Vec<Diagnostic>,
        /// The tables the check would have covered.
        tables: usize,
    },
    /// The scratch crate could not be written or cargo not started.
    #[error("{0}")]
    Io(String),
    /// The scratch database could not be made ready.
    #[error("scratch database: {0}")]
    Database(String),
}

/// Runs the whole check, printing progress to stderr and the round trip's lines to stdout.
/// `Err` only when nothing could be checked; the outcome says how far it got otherwise.
pub async fn run(options: &Options) -> Result<Outcome, CheckError> {
    // The queries beside the migrations are generated (and so compiled) too.
    let queries_dir = crate::queries::default_dir(&options.migrations);
    let (schema, queries, mut diagnostics) = crate::load_with_queries(&options.migrations, &queries_dir);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(CheckError::Generate {
            diagnostics,
            tables: harness::covered(&schema.catalog).len(),
        });
    }
    let label = options.migrations.display().to_string();
    let generated = match crate::emit::emit_with(
        &schema.catalog,
        &schema.migrations,
        &queries,
        &options.migrations,
        &label,
        &options.emit,
    ) {
        Ok(generated) => generated,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(CheckError::Generate {
                diagnostics,
                tables: harness::covered(&schema.catalog).len(),
            });
        }
    };
    for warning in diagnostics.iter().chain(&generated.warnings) {
        eprintln!("{warning}");
    }
    let catalog = crate::emit::visible_catalog(&schema.catalog, &options.emit);
    let tables = harness::covered(&catalog).len();
    let refused = |messages: Vec<String>| CheckError::Generate {
        diagnostics: messages
            .into_iter()
            .map(|m| Diagnostic::error(&options.migrations, m))
            .collect(),
        tables,
    };
    let names = Names::choose(&catalog).map_err(refused)?;
    let harness = harness::harness(&catalog, &names, scratch_crate::LIB).map_err(|m| refused(vec![m]))?;
    let mut outcome = Outcome {
        tables: harness::covered(&catalog).len(),
        ..Outcome::default()
    };

    let dir = options
        .target_dir
        .join("corpus-check")
        .join(scratch_crate::crate_name(&options.migrations));
    scratch_crate::write(&dir, &options.workspace, &generated, harness).map_err(CheckError::Io)?;
    eprintln!("corpus-check: building {} with clippy -D warnings", dir.display());
    let manifest = dir.join("Cargo.toml");
    let clippy = Command::new(&options.cargo)
        // The generated library is what is linted; the round-trip program (our own test code)
        // is compiled by the `cargo run` below, so clippy does not check it a second time.
        .args(["clippy", "--quiet", "--lib", "--manifest-path"])
        .arg(&manifest)
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", &options.target_dir)
        .status()
        .map_err(|e| CheckError::Io(format!("cannot run {}: {e}", options.cargo)))?;
    if !clippy.success() {
        eprintln!("corpus-check: the generated crate does not build cleanly (see above)");
        return Ok(outcome);
    }
    outcome.compiled = true;

    match round_trip(options, &schema, &manifest).await {
        Ok(n) => outcome.round_tripped = n,
        Err(e) => eprintln!("corpus-check: {e}"),
    }
    Ok(outcome)
}

/// Applies the migrations to a scratch database, loosens it, runs the round trip against it
/// and drops it; the number of tables that round-tripped.
async fn round_trip(options: &Options, schema: &crate::Schema, manifest: &Path) -> Result<usize, CheckError> {
    let scratch = ScratchDatabase::create(&options.database_url, "stagely_corpus_check")
        .await
        .map_err(|e| CheckError::Database(e.to_string()))?;
    let roles = crate::verify::Roles::before(&scratch, &schema.migrations)
        .await
        .map_err(|e| CheckError::Database(e.to_string()))?;
    let prepared = async {
        crate::verify::apply(&scratch, &schema.migrations, &schema.preamble)
            .await
            .map_err(|e| match e {
                crate::verify::VerifyError::Apply(d) => d.to_string(),
                other => other.to_string(),
            })?;
        loosen(&scratch).await.map_err(|e| e.to_string())
    }
    .await;
    let result = match prepared {
        Ok(()) => {
            eprintln!("corpus-check: round trip on scratch database {}", scratch.name());
            let output = Command::new(&options.cargo)
                .args(["run", "--quiet", "--bin", "round-trip", "--manifest-path"])
                .arg(manifest)
                .env("CARGO_TARGET_DIR", &options.target_dir)
                .env("DATABASE_URL", scratch.url())
                .output();
            match output {
                Ok(output) => {
                    let stdout = String::from_utf8_lossy(&output.stdout);
                    print!("{stdout}");
                    eprint!("{}", String::from_utf8_lossy(&output.stderr));
                    Ok(stdout.lines().filter(|l| l.starts_with("ok ")).count())
                }
                Err(e) => Err(CheckError::Io(format!("cannot run the round trip: {e}"))),
            }
        }
        Err(message) => Err(CheckError::Database(format!(
            "{message} (on {})",
            redact_url(&options.database_url)
        ))),
    };
    let admin = scratch.connect_options();
    let dropped = scratch.drop_now().await;
    let _ = roles.drop_new(&admin).await;
    let round_tripped = result?;
    dropped.map_err(|e| CheckError::Database(format!("cannot drop the scratch database: {e}")))?;
    Ok(round_tripped)
}

/// Drops what would reject a made-up row: CHECK and FOREIGN KEY constraints (of tables and
/// domains), triggers and rules on tables; adds a DEFAULT partition to each partitioned table
/// that has none.
async fn loosen(scratch: &ScratchDatabase) -> Result<(), sqlx::Error> {
    let mut conn = PgConnection::connect_with(&scratch.connect_options()).await?;
    sqlx::raw_sql(LOOSEN).execute(&mut conn).await?;
    conn.close().await
}

/// The SQL of [`loosen`]: one `DO` block, so it is one round trip.
const LOOSEN: AssertSqlSafe<&str> = AssertSqlSafe(
    r#"DO $loosen$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.conrelid::regclass AS rel, c.conname FROM pg_constraint c
           JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE c.contype IN ('c', 'f') AND c.conrelid <> 0 AND c.coninhcount = 0 AND c.conparentid = 0
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I CASCADE', r.rel, r.conname);
  END LOOP;
  FOR r IN SELECT c.contypid::regtype AS typ, c.conname FROM pg_constraint c
           JOIN pg_namespace n ON n.oid = c.connamespace
           WHERE c.contype = 'c' AND c.contypid <> 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
    EXECUTE format('ALTER DOMAIN %s DROP CONSTRAINT IF EXISTS %I CASCADE', r.typ, r.conname);
  END LOOP;
  FOR r IN SELECT t.tgrelid::regclass AS rel, t.tgname FROM pg_trigger t
           JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s CASCADE', r.tgname, r.rel);
  END LOOP;
  FOR r IN SELECT w.rulename, w.ev_class::regclass AS rel FROM pg_rewrite w
           JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND w.rulename <> '_RETURN'
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
    EXECUTE format('DROP RULE IF EXISTS %I ON %s CASCADE', r.rulename, r.rel);
  END LOOP;
  -- Rows the migrations inserted (seed data) would collide with the made-up ones.
  EXECUTE coalesce((SELECT 'TRUNCATE ' || string_agg(c.oid::regclass::text, ', ') || ' CASCADE' FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg_toast%' HAVING count(*) > 0), 'SELECT 1');
  FOR r IN SELECT c.oid::regclass AS rel, n.nspname, c.relname FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'p' AND NOT EXISTS (
             SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
             WHERE i.inhparent = c.oid AND pg_get_expr(p.relpartbound, p.oid) = 'DEFAULT') LOOP
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT', r.nspname, left(r.relname, 40) || '_corpus_check_default', r.rel);
  END LOOP;
END
$loosen$"#,
);

/// The workspace's target directory: `CARGO_TARGET_DIR`, else `<workspace>/target`.
pub fn target_dir(workspace: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace.join("target"),
    }
}
