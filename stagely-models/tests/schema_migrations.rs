//! The migrations in `schema/migrations`, applied section by section to a real PostgreSQL.
//!
//! These check the SQL itself: that Up builds exactly the schema of the spec, that Down undoes
//! it exactly, that Up is idempotent, and that the functions and triggers behave.

use std::path::PathBuf;

use sqlx::{AssertSqlSafe, PgPool, Row};
use stagely_codegen::source::{Migration, read_migrations};
use stagely_testdb::TestDatabase;

fn migrations() -> Vec<Migration> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/migrations");
    let mut diagnostics = Vec::new();
    let migrations = read_migrations(&dir, &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(migrations.len(), 14);
    migrations
}

async fn up(pool: &PgPool, m: &Migration) {
    sqlx::raw_sql(AssertSqlSafe(m.up.sql.clone()))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("Up of {} failed: {e}", m.file));
}

async fn down(pool: &PgPool, m: &Migration) {
    let down = m
        .down
        .as_ref()
        .unwrap_or_else(|| panic!("{} has no Down section", m.file));
    sqlx::raw_sql(AssertSqlSafe(down.sql.clone()))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("Down of {} failed: {e}", m.file));
}

async fn up_all(pool: &PgPool, migrations: &[Migration]) {
    for m in migrations {
        up(pool, m).await;
    }
}

async fn strings(pool: &PgPool, sql: &'static str) -> Vec<String> {
    sqlx::query(sql)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect()
}

/// Everything a migration can create in the public schema, as sorted text lines.
async fn fingerprint(pool: &PgPool) -> Vec<String> {
    let mut lines = strings(
        pool,
        "SELECT c.relkind::text || ' ' || c.relname || coalesce(' -- ' || obj_description(c.oid, 'pg_class'), '')
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public'",
    )
    .await;
    lines.extend(
        strings(
            pool,
            "SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                    || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                    || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                    || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
                    || coalesce(' -- ' || col_description(c.oid, a.attnum), '')
               FROM pg_attribute a
               JOIN pg_class c ON c.oid = a.attrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v')",
        )
        .await,
    );
    lines.extend(
        strings(
            pool,
            "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
               FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
        )
        .await,
    );
    lines.extend(
        strings(
            pool,
            "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
        )
        .await,
    );
    lines.extend(
        strings(
            pool,
            "SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
        )
        .await,
    );
    lines.extend(
        strings(
            pool,
            "SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace",
        )
        .await,
    );
    lines.extend(
        strings(
            pool,
            "SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public'",
        )
        .await,
    );
    lines.sort();
    lines
}

/// Fails with just the lines that differ, not two copies of the whole schema.
fn assert_same_schema(actual: &[String], expected: &[String], context: &str) {
    let missing: Vec<_> = expected.iter().filter(|l| !actual.contains(l)).collect();
    let extra: Vec<_> = actual.iter().filter(|l| !expected.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{context}\nmissing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

async fn relations(pool: &PgPool, kind: &'static str) -> Vec<String> {
    let sql = match kind {
        "table" => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        _ => "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1",
    };
    strings(pool, sql).await
}

#[tokio::test]
async fn up_creates_exactly_the_twelve_tables_and_two_views() {
    let db = TestDatabase::new().await;
    up_all(db.pool(), &migrations()).await;
    assert_eq!(
        relations(db.pool(), "table").await,
        [
            "agent_connections",
            "audit_logs",
            "build_jobs",
            "build_logs",
            "cloud_providers",
            "environments",
            "projects",
            "secrets",
            "team_members",
            "teams",
            "users",
            "workflow_runs"
        ]
    );
    assert_eq!(
        relations(db.pool(), "view").await,
        ["active_environments", "stale_environments"]
    );
}

#[tokio::test]
async fn down_in_reverse_order_leaves_nothing_and_up_works_again() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    let migrations = migrations();
    let empty = fingerprint(pool).await;
    up_all(pool, &migrations).await;
    let full = fingerprint(pool).await;
    for m in migrations.iter().rev() {
        down(pool, m).await;
    }
    assert!(relations(pool, "table").await.is_empty());
    assert!(relations(pool, "view").await.is_empty());
    assert_same_schema(&fingerprint(pool).await, &empty, "Down left objects behind");
    up_all(pool, &migrations).await;
    assert_same_schema(
        &fingerprint(pool).await,
        &full,
        "Up after Down built a different schema",
    );
}

#[tokio::test]
async fn each_down_reverses_its_own_up_exactly() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    for m in &migrations() {
        let before = fingerprint(pool).await;
        up(pool, m).await;
        let after = fingerprint(pool).await;
        assert_ne!(before, after, "Up of {} changed nothing", m.file);
        down(pool, m).await;
        let context = format!("Down of {} does not undo its Up", m.file);
        assert_same_schema(&fingerprint(pool).await, &before, &context);
        up(pool, m).await;
    }
}

#[tokio::test]
async fn every_up_section_can_run_twice() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    let migrations = migrations();
    up_all(pool, &migrations).await;
    let once = fingerprint(pool).await;
    for m in &migrations {
        up(pool, m).await;
        let context = format!("running Up of {} again changed the schema", m.file);
        assert_same_schema(&fingerprint(pool).await, &once, &context);
    }
}

#[tokio::test]
async fn every_table_with_updated_at_has_the_trigger() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    up_all(pool, &migrations()).await;
    let with_column = strings(
        pool,
        "SELECT c.table_name::text FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND c.column_name = 'updated_at' AND t.table_type = 'BASE TABLE'
          ORDER BY 1",
    )
    .await;
    let with_trigger = strings(
        pool,
        "SELECT tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
          WHERE NOT t.tgisinternal AND p.proname = 'update_updated_at_column'
            AND t.tgtype & 2 = 2 AND t.tgtype & 16 = 16 -- BEFORE, UPDATE
          ORDER BY 1",
    )
    .await;
    assert_eq!(with_column.len(), 8);
    assert_eq!(with_trigger, with_column);
}

#[tokio::test]
async fn updated_at_changes_on_update() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    up_all(pool, &migrations()).await;
    sqlx::query(
        "INSERT INTO teams (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', '2000-01-01Z', '2000-01-01Z')",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE teams SET name = 'Acme Inc' WHERE slug = 'acme'")
        .execute(pool)
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT created_at = '2000-01-01Z' AS created_kept, updated_at > now() - interval '1 minute' AS updated_now FROM teams",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(row.get::<bool, _>("created_kept"));
    assert!(row.get::<bool, _>("updated_now"));
}

#[tokio::test]
async fn subdomain_hashes_are_twelve_lowercase_alphanumerics() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    up_all(pool, &migrations()).await;
    let hashes = strings(
        pool,
        "SELECT generate_unique_subdomain_hash() FROM generate_series(1, 500)",
    )
    .await;
    assert_eq!(hashes.len(), 500);
    for hash in &hashes {
        assert_eq!(hash.len(), 12, "{hash}");
        assert!(
            hash.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{hash}"
        );
    }
    let distinct: std::collections::HashSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), 500);
}

#[tokio::test]
async fn views_show_live_and_stale_environments() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    up_all(pool, &migrations()).await;
    sqlx::raw_sql(
        "INSERT INTO teams (id, slug, name) VALUES ('00000000-0000-0000-0000-000000000001', 'acme', 'Acme');
         INSERT INTO projects (id, team_id, slug, name, repo_url)
              VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'web', 'Web', 'https://git.example/web');
         INSERT INTO environments (project_id, branch_name, commit_hash, subdomain_hash, status, last_heartbeat_at)
              VALUES ('00000000-0000-0000-0000-000000000002', 'a', 'c1', 'aaaaaaaaaaaa', 'ready', now()),
                     ('00000000-0000-0000-0000-000000000002', 'b', 'c2', 'bbbbbbbbbbbb', 'ready', now() - interval '1 hour'),
                     ('00000000-0000-0000-0000-000000000002', 'c', 'c3', 'cccccccccccc', 'failed', now());
         UPDATE environments SET created_at = now() - interval '2 days' WHERE subdomain_hash = 'aaaaaaaaaaaa';",
    )
    .execute(pool)
    .await
    .unwrap();
    let active = strings(
        pool,
        "SELECT public_url || ' ' || project_name || ' ' || team_name FROM active_environments ORDER BY 1",
    )
    .await;
    assert_eq!(
        active,
        [
            "https://aaaaaaaaaaaa.stagely.dev Web Acme",
            "https://bbbbbbbbbbbb.stagely.dev Web Acme"
        ]
    );
    let stale = strings(
        pool,
        "SELECT subdomain_hash || ' ' || stale_reason FROM stale_environments ORDER BY 1",
    )
    .await;
    assert_eq!(stale, ["aaaaaaaaaaaa ttl_expired", "bbbbbbbbbbbb agent_dead"]);
}
