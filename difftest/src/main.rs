//! `difftest`: random histories and queries, judged by PostgreSQL (see the library docs).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use stagely_difftest::case::{self, Choices, Kind, Outcome, Written};
use stagely_difftest::choices::Forms;
use stagely_difftest::oracle::{Oracle, OracleError};

/// Generates random migration histories and queries, applies them to a scratch database, and
/// fails on any disagreement between the generator and PostgreSQL: a fold error on a history
/// PostgreSQL applied, a catalog difference, a query typed differently, a NULL in a column
/// inferred NOT NULL. Each disagreement is shrunk to a minimal case and printed as a test for
/// difftest/tests/regressions.rs.
#[derive(Parser, Debug)]
#[command(name = "difftest", version)]
struct Args {
    /// How many cases to run.
    #[arg(long, short = 'n', default_value_t = 200)]
    cases: u64,
    /// The seed: the same seed runs the same cases [default: from the clock, printed].
    #[arg(long)]
    seed: Option<u64>,
    /// Run only this case of the seed (as a report names it).
    #[arg(long, value_name = "INDEX")]
    case: Option<u64>,
    /// Stop starting cases after this many seconds (the cases run so far are reported).
    #[arg(long, value_name = "SECONDS")]
    budget: Option<u64>,
    /// The PostgreSQL server; a scratch database is made on it and dropped at the end
    /// [default: TEST_DATABASE_URL, else the local server].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// The most statements in a history.
    #[arg(long, default_value_t = 24)]
    max_steps: usize,
    /// The most queries in a case.
    #[arg(long, default_value_t = 6)]
    max_queries: usize,
    /// How many disagreements to shrink and print (the rest are counted).
    #[arg(long, default_value_t = 5)]
    report: usize,
    /// The most cases tried while shrinking one disagreement.
    #[arg(long, default_value_t = 400)]
    shrink_limit: u32,
    /// Print every statement and expression form produced.
    #[arg(long)]
    forms: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("difftest: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("difftest: {e}");
            ExitCode::from(2)
        }
    }
}

/// Totals over a run.
#[derive(Default)]
struct Totals {
    cases: u64,
    statements: usize,
    rejected: usize,
    queries: usize,
    rows: usize,
    warnings: BTreeMap<String, usize>,
    disagreements: BTreeMap<Kind, usize>,
    forms: Forms,
}

impl Totals {
    fn add(&mut self, outcome: &Outcome) {
        self.cases += 1;
        self.statements += outcome.written.history.len();
        self.rejected += outcome.rejected;
        self.queries += outcome.queries;
        self.rows += outcome.rows;
        for w in &outcome.warnings {
            // Counted by what they say, without the place.
            let what = w.split(": warning: ").nth(1).unwrap_or(w).to_string();
            *self.warnings.entry(what).or_default() += 1;
        }
        for d in &outcome.disagreements {
            *self.disagreements.entry(d.kind).or_default() += 1;
        }
        self.forms.merge(&outcome.forms);
    }
}

async fn run(args: &Args) -> Result<bool, String> {
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => stagely_testdb::server_url()?,
    };
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    let mut oracle = Oracle::connect(&url).await.map_err(|e| e.to_string())?;
    let result = cases(args, seed, &mut oracle).await;
    let closed = oracle.close().await;
    let clean = result.map_err(|e| e.to_string())?;
    closed.map_err(|e| e.to_string())?;
    Ok(clean)
}

async fn cases(args: &Args, seed: u64, oracle: &mut Oracle) -> Result<bool, OracleError> {
    let strategy = case::strategy(args.max_steps, args.max_queries);
    let started = Instant::now();
    let budget = args.budget.map(Duration::from_secs);
    let mut totals = Totals::default();
    let mut reported = 0;
    let indexes: Box<dyn Iterator<Item = u64>> = match args.case {
        Some(i) => Box::new(std::iter::once(i)),
        None => Box::new(0..args.cases),
    };
    println!("difftest: seed {seed}");
    for index in indexes {
        if budget.is_some_and(|b| started.elapsed() >= b) {
            println!(
                "difftest: the budget of {}s is spent",
                budget.map_or(0, |b| b.as_secs())
            );
            break;
        }
        let mut runner = TestRunner::new_with_rng(Config::default(), case_rng(seed, index));
        let Ok(mut tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let outcome = case::explore(oracle, &tree.current()).await?;
        totals.add(&outcome);
        let Some(first) = outcome.disagreements.first().cloned() else {
            continue;
        };
        println!("\ncase {index}: {}: {}", first.kind, first.detail);
        if reported >= args.report {
            continue;
        }
        reported += 1;
        let shrunk = shrink(oracle, &mut tree, outcome, first.kind, args.shrink_limit).await?;
        let minimal = minimize(oracle, shrunk.written.clone(), first.kind).await?;
        let replayed = case::replay(oracle, &minimal).await?;
        println!("  minimal case ({}):", first.kind);
        for d in replayed.disagreements.iter().filter(|d| d.kind == first.kind) {
            println!("    {}", d.detail);
        }
        let name = format!("{}_seed_{seed}_case_{index}", slug(first.kind));
        let about = format!(
            "Found by `make difftest SEED={seed}` (case {index}): {}. Pins: <the rule>.",
            first.kind
        );
        println!("  as a test for difftest/tests/regressions.rs:\n");
        for line in minimal.as_test(&name, &about).lines() {
            println!("    {line}");
        }
    }
    summary(&totals, seed, started.elapsed(), args.forms);
    Ok(totals.disagreements.is_empty())
}

fn summary(totals: &Totals, seed: u64, elapsed: Duration, all_forms: bool) {
    let secs = elapsed.as_secs_f64();
    let (statement_forms, expression_forms) = totals.forms.counts();
    println!(
        "\ndifftest: seed {seed}: {} cases in {secs:.1}s ({:.1} cases/s)",
        totals.cases,
        totals.cases as f64 / secs.max(0.001)
    );
    println!(
        "  {} history statements applied ({} statements, rows and queries rejected by PostgreSQL and dropped); {} queries prepared, typed and run over {} rows",
        totals.statements, totals.rejected, totals.queries, totals.rows
    );
    println!(
        "  {statement_forms} distinct statement forms and {expression_forms} expression, query and clause forms produced"
    );
    if all_forms {
        for form in totals.forms.iter() {
            println!("    {form}");
        }
    }
    let warnings: usize = totals.warnings.values().sum();
    println!("  {warnings} generator warnings (what it did not understand; not disagreements)");
    let mut common: Vec<(&String, &usize)> = totals.warnings.iter().collect();
    common.sort_by(|a, b| b.1.cmp(a.1));
    for (what, n) in common.iter().take(5) {
        println!("    {n} x {what}");
    }
    let disagreements: usize = totals.disagreements.values().sum();
    println!("  {disagreements} disagreements");
    for (kind, n) in &totals.disagreements {
        println!("    {n} x {kind}");
    }
}

/// The random source of case `index` of `seed`: each case its own, so one case can be run
/// again alone (`--case`).
fn case_rng(seed: u64, index: u64) -> TestRng {
    let mut state = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// proptest's shrinking: simplify while the case still disagrees in the same way, step back
/// (complicate) when it stops.
async fn shrink(
    oracle: &mut Oracle,
    tree: &mut impl ValueTree<Value = Choices>,
    failing: Outcome,
    kind: Kind,
    limit: u32,
) -> Result<Outcome, OracleError> {
    let mut best = failing;
    let mut tries = 0;
    if !tree.simplify() {
        return Ok(best);
    }
    while tries < limit {
        tries += 1;
        let outcome = case::explore(oracle, &tree.current()).await?;
        if outcome.disagreements.iter().any(|d| d.kind == kind) {
            best = outcome;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    Ok(best)
}

/// Removes what the disagreement does not need from a written case: each query, row and
/// statement in turn, last first, kept out when the case still disagrees in the same way.
async fn minimize(oracle: &mut Oracle, mut written: Written, kind: Kind) -> Result<Written, OracleError> {
    for part in 0..3 {
        let mut i = match part {
            0 => written.queries.len(),
            1 => written.data.len(),
            _ => written.history.len(),
        };
        while i > 0 {
            i -= 1;
            let mut candidate = written.clone();
            match part {
                0 => candidate.queries.remove(i),
                1 => candidate.data.remove(i),
                _ => candidate.history.remove(i),
            };
            let outcome = case::replay(oracle, &candidate).await?;
            if outcome.disagreements.iter().any(|d| d.kind == kind) {
                written = candidate;
            }
        }
    }
    Ok(written)
}

fn slug(kind: Kind) -> &'static str {
    match kind {
        Kind::FoldError => "fold_error",
        Kind::Catalog => "catalog",
        Kind::QueryRejected => "query_rejected",
        Kind::Types => "types",
        Kind::Nullability => "nullability",
    }
}
