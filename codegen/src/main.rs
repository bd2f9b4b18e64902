//! The `stagely-codegen` command line: parse arguments -> run the library -> print
//! diagnostics -> exit code (0 fine, 1 errors or differences, 2 bad usage).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

/// Emitting builds and drops a token per word of output: mimalloc's small-object allocator
/// costs that far less than the system one (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use stagely_codegen::config::Config;
use stagely_codegen::diagnostic::Diagnostic;

/// Derives the stagely-models crate from the SQL migrations (read -> fold -> emit).
#[derive(Debug, Parser)]
#[command(name = "stagely-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate the models: writes only files whose contents change, removes generated
    /// files no longer produced, and writes nothing at all when there is an error (or, with
    /// --strict, a warning).
    #[command(long_about = GENERATE_ABOUT)]
    Generate(Paths),
    /// Write nothing; print a unified diff of what `generate` would change and exit 1 when
    /// the checked-in generated code is stale (CI runs this).
    Check(Paths),
    /// Print the schema catalog the migrations fold into.
    Schema(SchemaArgs),
    /// Apply the migrations to a scratch database and compare the live catalog with the
    /// static one; exit 1 on any difference.
    #[command(long_about = VERIFY_ABOUT)]
    Verify(VerifyArgs),
    /// Verify several migration folders and print one line each (columns exactly as
    /// PostgreSQL has them, warnings, differences) and a pooled figure; exit 1 unless every
    /// folder verifies with no difference.
    Corpus(CorpusArgs),
    /// Type the annotated queries (`-- name: Name :one|:many|:exec|:execrows`) against the
    /// catalog the migrations fold into, and print their parameters and result columns.
    #[command(long_about = QUERIES_ABOUT)]
    Queries(QueriesArgs),
    /// Generate a migrations folder into a scratch crate, build it with clippy -D warnings,
    /// and round-trip a row through every table's generated insert and find on a scratch
    /// database; the last line is `corpus-check: N of M tables round-tripped`.
    #[command(name = "corpus-check", long_about = CORPUS_CHECK_ABOUT)]
    CorpusCheck(CorpusCheckArgs),
}

/// Arguments of `queries`.
#[derive(Debug, Args)]
struct QueriesArgs {
    /// Print the stable JSON form: {"queries":[{"name","file","line","command","params":[{"name",
    /// "type","nullable"}],"columns":[...]}]}, types spelled as format_type() prints them.
    #[arg(long)]
    json: bool,
    /// Folder of numbered migrations.
    #[arg(long, value_name = "DIR", default_value = "schema/migrations")]
    migrations: PathBuf,
    /// Folder of query files (*.sql) [default: `queries` beside the migrations folder]
    #[arg(long, value_name = "DIR")]
    queries: Option<PathBuf>,
}

const QUERIES_ABOUT: &str = "\
Type the annotated queries against the catalog the migrations fold into.

Each query in the query folder's *.sql files is headed `-- name: <Name> :one|:many|:exec|
:execrows` (sqlc's syntax); comment lines right after the header document its function.
Parameters are $1, $2, ... or named: @name, sqlc.arg(name), sqlc.narg(name) (may be NULL).
Parameter types come from their context (the column compared with or written to, a cast such
as $1::text, LIMIT/OFFSET: bigint); result columns and their nullability from the same
inference as views: NOT NULL only when provable.

Errors (unknown tables and columns with the nearest name, ambiguous columns, parameters no
context types, :one/:many on a statement without RETURNING) point at the query's line and
column; the exit status is 1 when there is any.";

/// Arguments of `corpus-check`.
#[derive(Debug, Args)]
struct CorpusCheckArgs {
    /// A PostgreSQL server where a scratch database may be created and dropped.
    #[arg(long, value_name = "URL", env = "TEST_DATABASE_URL")]
    database_url: String,
    /// Folder of migrations (any layout `generate` reads) [default: schema/migrations].
    #[arg(long, value_name = "DIR")]
    migrations: Option<PathBuf>,
    /// A stagely-codegen.toml [default: the one beside the migrations, if any].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// The workspace root, whose Cargo.toml, Cargo.lock and workspace-hack the scratch crate
    /// reuses so no dependency is built again.
    #[arg(long, value_name = "DIR", default_value = ".")]
    workspace: PathBuf,
}

const CORPUS_CHECK_ABOUT: &str = "\
Check that the code generated for any migrations folder compiles and works.

1. Generates the folder into a scratch crate under <target>/corpus-check/ (CARGO_TARGET_DIR, else
   <workspace>/target), reusing the workspace's Cargo.lock, profiles and dependency features.
2. Builds it with `cargo clippy --all-targets -- -D warnings`.
3. Applies the migrations to a scratch database on the server, then drops every CHECK and FOREIGN
   KEY constraint, trigger and rule, and adds a DEFAULT partition to partitioned tables.
4. For every table, in a transaction rolled back afterwards: inserts a row with a non-NULL value in
   every writable column through the generated insert, reads it back through the generated find
   (list, without a primary key) and compares field by field.

The last line is `corpus-check: N of M tables round-tripped`; the exit status is 0 only when the
crate compiled cleanly and N = M.";

/// Arguments of `corpus`.
#[derive(Debug, Args)]
struct CorpusArgs {
    /// A PostgreSQL server where scratch databases may be created and dropped.
    #[arg(long, value_name = "URL", env = "DATABASE_URL")]
    database_url: String,
    /// Folders of migrations, one history each.
    #[arg(value_name = "DIR", required = true)]
    folders: Vec<PathBuf>,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
struct SchemaArgs {
    /// Print the catalog as JSON (the stable format of SPEC section 3); without it, a short
    /// outline for people.
    #[arg(long)]
    json: bool,
    /// Folder of numbered migrations.
    #[arg(long, value_name = "DIR", default_value = "schema/migrations")]
    migrations: PathBuf,
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
struct VerifyArgs {
    /// A PostgreSQL server where a scratch database may be created and dropped
    /// (e.g. postgres://postgres@127.0.0.1:5432/postgres); the database in the URL is only
    /// used to connect.
    #[arg(long, value_name = "URL", env = "DATABASE_URL")]
    database_url: String,
    /// Folder of numbered migrations.
    #[arg(long, value_name = "DIR", default_value = "schema/migrations")]
    migrations: PathBuf,
    /// Folder of query files to prove [default: `queries` beside the migrations folder]
    #[arg(long, value_name = "DIR")]
    queries: Option<PathBuf>,
}

const GENERATE_ABOUT: &str = "\
Regenerate the models: writes only files whose contents change, removes generated files no
longer produced, and writes nothing at all when there is an error.

An error is only what PostgreSQL would reject (a column that does not exist on a table whose
every statement was read, a name taken twice, ...). What the generator cannot read or map is a
warning at its line, the objects it names are marked uncertain (`schema` shows them), and the
output is written: --strict (or `strict = true`) makes warnings fail instead.

Configuration (optional; our repository has none): stagely-codegen.toml in the migrations folder
or its parent, or --config PATH. Every key is optional; paths are relative to the file:

  migrations = \"db/migrations\"     # the migrations folder (--migrations wins)
  out = \"src/models\"               # the output folder (--out wins)
  migration_list = false             # emit migrations.rs: \"auto\" (default), true, false
  skip = [\"audit\", \"public.logs\"]  # schemas, or schema.table, to leave out
  derives = [\"Eq\", \"Hash\"]         # extra derives on row and insert structs
  strict = true                      # warnings fail generate and check, as --strict

  [types]                            # a Rust type per SQL type (format_type spelling)
  \"tsvector\" = \"crate::Search\"
  [columns]                          # a Rust type per column: schema.table.column
  \"public.users.settings\" = \"::sqlx::types::Json<crate::Settings>\"
  [rename]                           # struct per schema.table, field per schema.table.column
  \"public.users\" = \"Account\"
  \"public.users.email_address\" = \"email\"

migration_list \"auto\": emitted for a history written for the runtime migrator (one using
`-- +migrate Down` sections), where every migration then needs a version and a Down section;
true emits it for any history (migrations without Down are irreversible); false never.
An overridden type must decode from what the column sends (types without a Rust mapping of
their own are read as text).";

const VERIFY_ABOUT: &str = "\
Apply the migrations to a scratch database and compare the live catalog with the static one.

Creates a uniquely named scratch database on the server, applies every Up section in order
(statement by statement, autocommitted, as psql does), reads the live catalog back from
pg_catalog, drops the scratch database (also on failure), and prints every difference.
Exit status: 0 when the catalogs agree, 1 on any difference or error.

Compared exactly: relations and their kinds, column names, order and types (format_type
spelling), nullability (tables only: PostgreSQL does not record it for view columns),
identity, primary/unique/foreign keys (columns, referenced table and columns, ON DELETE),
index names, columns (with DESC) and uniqueness, enum labels and their order, domains,
comments.

Compared in normalised form: defaults, CHECK conditions, generation expressions, index
expressions and predicates. PostgreSQL re-spells expressions when it stores them (adds casts
such as 'free'::character varying, turns IN lists into = ANY (ARRAY[...]), BETWEEN into two
comparisons, adds parentheses), so both sides are parsed and compared with casts, parentheses
and identifier quoting ignored and literals compared by their text. A string default on a
date/time column that PostgreSQL evaluates once when the migration runs (DEFAULT 'now') is
compared by presence only.

Queries (the annotated *.sql files of --queries) are proved on the same scratch database:
each is prepared, and its parameter and result types as PostgreSQL reports them (without
type modifiers) must equal the inferred ones; a result column inferred NOT NULL that
PostgreSQL traces to a table column must be NOT NULL there.";

/// Where the migrations are read from and the generated code goes.
#[derive(Debug, Args)]
struct Paths {
    /// Folder of numbered migrations (the source of truth) [default: the config's
    /// `migrations`, else schema/migrations].
    #[arg(long, value_name = "DIR")]
    migrations: Option<PathBuf>,
    /// Folder of generated code; only files carrying the generated header are ever removed
    /// [default: the config's `out`, else stagely-models/src/generated].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// A stagely-codegen.toml [default: stagely-codegen.toml in the migrations folder or its
    /// parent, when there is one; none is needed].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Fail on warnings too (a statement the generator could not read, a type without a Rust
    /// mapping), and write nothing; the config key `strict = true` does the same.
    #[arg(long)]
    strict: bool,
}

/// The folders and options of a run: flags first, then the configuration, then our defaults.
struct Resolved {
    migrations: PathBuf,
    out: PathBuf,
    options: stagely_codegen::emit::Options,
    /// Warnings fail the run: `--strict`, or `strict = true` in the configuration.
    strict: bool,
}

/// Reads the configuration (named, or beside the migrations) and settles the folders.
fn resolve(migrations: Option<&Path>, out: Option<&Path>, config: Option<&Path>) -> Result<Resolved, String> {
    let given = migrations.map_or_else(|| PathBuf::from("schema/migrations"), Path::to_path_buf);
    let config = match config {
        Some(path) => Config::read(path)?,
        None => Config::discover(&given)?,
    };
    let migrations = match (migrations, &config.migrations) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => given,
    };
    let out = match (out, &config.out) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => PathBuf::from("stagely-models/src/generated"),
    };
    Ok(Resolved {
        migrations,
        out,
        options: stagely_codegen::emit::Options::from_config(&config),
        strict: config.strict,
    })
}

fn resolved(paths: &Paths) -> Result<Resolved, ExitCode> {
    resolve(
        paths.migrations.as_deref(),
        paths.out.as_deref(),
        paths.config.as_deref(),
    )
    .map(|resolved| Resolved {
        strict: resolved.strict || paths.strict,
        ..resolved
    })
    .map_err(|message| {
        eprintln!("stagely-codegen: {message}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate(paths) => generate(&paths),
        Command::Check(paths) => check(&paths),
        Command::Schema(args) => schema(&args),
        Command::Verify(args) => verify(&args),
        Command::Corpus(args) => corpus(&args),
        Command::Queries(args) => queries(&args),
        Command::CorpusCheck(args) => corpus_check(&args),
    }
}

fn queries(args: &QueriesArgs) -> ExitCode {
    let dir = args
        .queries
        .clone()
        .unwrap_or_else(|| stagely_codegen::queries::default_dir(&args.migrations));
    let (_, typed, diagnostics) = stagely_codegen::load_with_queries(&args.migrations, &dir);
    if report(&diagnostics) {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        eprintln!("stagely-codegen queries: {errors} error(s)");
        return ExitCode::FAILURE;
    }
    if args.json {
        let report = stagely_codegen::queries::Report::new(&typed);
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("stagely-codegen queries: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        for q in &typed {
            println!(
                "{} :{} ({}:{})",
                q.def.name,
                q.def.command.as_str(),
                q.def.path.display(),
                q.def.line
            );
            for p in &q.params {
                let null = if p.nullable { ", may be NULL" } else { "" };
                println!("  param   {} {}{null}", p.name, p.ty);
            }
            for c in &q.columns {
                let ty = c.typed.ty.clone().finish().unwrap_or_default();
                let null = if c.typed.nullable { "" } else { " not null" };
                println!("  column  {} {ty}{null}", c.name);
            }
        }
        println!(
            "stagely-codegen queries: {} queries in {}",
            typed.len(),
            dir.display()
        );
    }
    ExitCode::SUCCESS
}

/// Prints every diagnostic to stderr; true when one of them is an error.
fn report(diagnostics: &[Diagnostic]) -> bool {
    for d in diagnostics {
        eprintln!("{d}");
    }
    diagnostics.iter().any(Diagnostic::is_error)
}

fn errors_summary(diagnostics: &[Diagnostic]) -> ExitCode {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("stagely-codegen: {errors} error(s); nothing was written");
    ExitCode::FAILURE
}

/// Under `--strict` (or `strict = true`), warnings stop the run as errors do.
fn strict_failure(strict: bool, diagnostics: &[Diagnostic]) -> Option<ExitCode> {
    let warnings = diagnostics.iter().filter(|d| !d.is_error()).count();
    (strict && warnings > 0).then(|| {
        eprintln!("stagely-codegen: {warnings} warning(s) and strict is on; nothing was written");
        ExitCode::FAILURE
    })
}

fn generate(paths: &Paths) -> ExitCode {
    let started = Instant::now();
    let paths = match resolved(paths) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let (generated, diagnostics) = stagely_codegen::generate_with(
        &paths.migrations,
        &stagely_codegen::queries::default_dir(&paths.migrations),
        &label(&paths.migrations),
        &paths.options,
    );
    report(&diagnostics);
    let Ok(generated) = generated else {
        return errors_summary(&diagnostics);
    };
    if let Some(code) = strict_failure(paths.strict, &diagnostics) {
        return code;
    }
    match generated.files.write(&paths.out) {
        Ok(summary) => {
            println!(
                "stagely-codegen: {} tables, {} views, {} enums{} -> {}: {} of {} files changed{} in {} ms",
                generated.tables,
                generated.views,
                generated.enums,
                text_note(generated.text_columns),
                paths.out.display(),
                summary.written.len(),
                generated.files.len(),
                removed_note(summary.removed.len()),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("stagely-codegen: cannot write {}: {e}", paths.out.display());
            ExitCode::FAILURE
        }
    }
}

/// `, 3 columns as text` when some columns have no Rust mapping of their own.
fn text_note(columns: usize) -> String {
    match columns {
        0 => String::new(),
        1 => ", 1 column as text".into(),
        n => format!(", {n} columns as text"),
    }
}

fn removed_note(removed: usize) -> String {
    if removed == 0 {
        String::new()
    } else {
        format!(", {removed} removed")
    }
}

fn check(paths: &Paths) -> ExitCode {
    let paths = match resolved(paths) {
        Ok(paths) => paths,
        Err(code) => return code,
    };
    let (generated, diagnostics) = stagely_codegen::generate_with(
        &paths.migrations,
        &stagely_codegen::queries::default_dir(&paths.migrations),
        &label(&paths.migrations),
        &paths.options,
    );
    report(&diagnostics);
    let Ok(generated) = generated else {
        return errors_summary(&diagnostics);
    };
    if let Some(code) = strict_failure(paths.strict, &diagnostics) {
        return code;
    }
    match generated.files.diff(&paths.out) {
        Ok(None) => {
            println!(
                "stagely-codegen: {} is up to date ({} files)",
                paths.out.display(),
                generated.files.len()
            );
            ExitCode::SUCCESS
        }
        Ok(Some(diff)) => {
            print!("{diff}");
            eprintln!(
                "stagely-codegen: {} is stale; run `make codegen` and commit the result",
                display(&paths.out)
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("stagely-codegen: cannot read {}: {e}", paths.out.display());
            ExitCode::FAILURE
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// How the header line names the migrations: the path as given, with `/` separators.
fn label(path: &Path) -> String {
    path.display()
        .to_string()
        .replace('\\', "/")
        .trim_end_matches('/')
        .to_string()
}

fn schema(args: &SchemaArgs) -> ExitCode {
    let (catalog, diagnostics) = stagely_codegen::load_catalog(&args.migrations);
    if report(&diagnostics) {
        return errors_summary(&diagnostics);
    }
    if args.json {
        print!("{}", catalog.to_json());
    } else {
        print!("{}", stagely_codegen::catalog::outline(&catalog));
    }
    ExitCode::SUCCESS
}

/// The single-threaded async runtime the database commands run on.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("stagely-codegen: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        })
}

fn verify(args: &VerifyArgs) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let queries = args
        .queries
        .clone()
        .unwrap_or_else(|| stagely_codegen::queries::default_dir(&args.migrations));
    match runtime.block_on(stagely_codegen::verify::verify_with_queries(
        &args.database_url,
        &args.migrations,
        &queries,
    )) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            for d in &report.differences {
                println!("{d}");
            }
            for d in &report.uncertain {
                println!("{d}");
            }
            let uncertain = match report.uncertain.len() {
                0 => String::new(),
                n => format!("; {n} about objects marked uncertain, not counted"),
            };
            if report.differences.is_empty() {
                println!(
                    "stagely-codegen verify: no differences ({} relations, {} enums, {} queries) for {}{uncertain}",
                    report.live.tables.len(),
                    report.live.enums.len(),
                    report.queries,
                    display(&args.migrations)
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "stagely-codegen verify: {} difference(s) between {} and the database{uncertain}",
                    report.differences.len(),
                    display(&args.migrations)
                );
                ExitCode::FAILURE
            }
        }
        Err(stagely_codegen::verify::VerifyError::Migrations(diagnostics)) => {
            report(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("stagely-codegen verify: {errors} error(s) in the migrations; nothing was compared");
            ExitCode::FAILURE
        }
        Err(stagely_codegen::verify::VerifyError::Apply(diagnostic)) => {
            eprintln!("{diagnostic}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("stagely-codegen verify: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One line per folder and a pooled figure: how close the static catalogs are to the live
/// ones.
fn corpus(args: &CorpusArgs) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let (mut exact, mut total, mut warnings, mut failing, mut doubted) = (0, 0, 0, 0, 0);
    let width = args.folders.iter().map(|f| display(f).len()).max().unwrap_or(0);
    for folder in &args.folders {
        let name = display(folder);
        match runtime.block_on(stagely_codegen::verify::verify(&args.database_url, folder)) {
            Ok(report) => {
                let (e, t) = stagely_codegen::verify::exact_columns(&report.expected, &report.live);
                let w = report.warnings.len();
                let d = report.differences.len();
                let u = report.uncertain.len();
                println!(
                    "{name:<width$}  {e:>5}/{t:<5} columns exact  {w:>3} warnings  {d:>3} differences  {u:>3} uncertain"
                );
                (exact, total, warnings, doubted) = (exact + e, total + t, warnings + w, doubted + u);
                if d > 0 {
                    failing += 1;
                }
            }
            Err(stagely_codegen::verify::VerifyError::Migrations(diagnostics)) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                println!("{name:<width$}  {errors} error(s) in the migrations; not compared");
                failing += 1;
            }
            Err(e) => {
                let detail = match &e {
                    stagely_codegen::verify::VerifyError::Apply(d) => d.to_string(),
                    other => other.to_string(),
                };
                println!("{name:<width$}  not compared: {detail}");
                failing += 1;
            }
        }
    }
    let share = if total == 0 {
        100.0
    } else {
        100.0 * exact as f64 / total as f64
    };
    println!(
        "pooled: {exact}/{total} columns exact ({share:.1}%) in {} folders, {warnings} warnings, {doubted} differences about uncertain objects (not counted), {failing} folder(s) with differences or errors",
        args.folders.len()
    );
    if failing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `corpus-check`: generate, build with clippy, round-trip; the summary line last.
fn corpus_check(args: &CorpusCheckArgs) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let paths = match resolve(args.migrations.as_deref(), None, args.config.as_deref()) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("stagely-codegen: {message}");
            return ExitCode::from(2);
        }
    };
    let options = stagely_codegen::corpus_check::Options {
        migrations: paths.migrations,
        workspace: args.workspace.clone(),
        target_dir: stagely_codegen::corpus_check::target_dir(&args.workspace),
        database_url: args.database_url.clone(),
        cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        emit: paths.options,
    };
    match runtime.block_on(stagely_codegen::corpus_check::run(&options)) {
        Ok(outcome) => {
            println!("{}", outcome.summary());
            if outcome.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            let tables = match &e {
                stagely_codegen::corpus_check::CheckError::Generate { diagnostics, tables } => {
                    report(diagnostics);
                    *tables
                }
                _ => 0,
            };
            eprintln!("stagely-codegen corpus-check: {e}");
            let outcome = stagely_codegen::corpus_check::Outcome {
                tables,
                ..Default::default()
            };
            println!("{}", outcome.summary());
            ExitCode::FAILURE
        }
    }
}
