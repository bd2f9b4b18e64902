//! Every generated model reads back a fully populated row written with plain SQL.
//!
//! Each row sets every column (enums, Options and all), is written with one plain sqlx
//! statement (`jsonb_populate_record` fills the table's own row type from the model's serde
//! form), and must read back through the generated struct equal to what was written.

mod common;

use std::str::FromStr;

use common::{at, migrated_database};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, FromRow, PgPool};
use stagely_models::*;
use uuid::Uuid;

/// Writes `row` into `table` with plain SQL, reads it back by id, and compares.
async fn round_trip<T>(pool: &PgPool, table: &str, row: &T)
where
    T: Serialize + for<'r> FromRow<'r, PgRow> + PartialEq + std::fmt::Debug + Send + Unpin,
{
    let json = serde_json::to_value(row).unwrap();
    // OVERRIDING SYSTEM VALUE lets the test set identity columns (build_logs.seq) too.
    let insert = format!(
        "INSERT INTO {table} OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_record(NULL::{table}, $1)"
    );
    sqlx::query(AssertSqlSafe(insert))
        .bind(&json)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
    let select = format!("SELECT * FROM {table} WHERE id = $1");
    let back: T = sqlx::query_as(AssertSqlSafe(select))
        .bind(Uuid::parse_str(json["id"].as_str().unwrap()).unwrap())
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("read back {table}: {e}"));
    assert_eq!(&back, row, "{table} did not read back equal");
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn ip(text: &str) -> ipnetwork::IpNetwork {
    text.parse().unwrap()
}

#[tokio::test]
async fn every_table_round_trips_a_fully_populated_row() {
    let db = migrated_database().await;
    let pool = db.pool();

    let team = Team {
        id: id(1),
        slug: "acme".into(),
        name: "Acme".into(),
        billing_email: Some("billing@acme.test".into()),
        billing_plan: BillingPlan::Enterprise,
        max_concurrent_environments: 7,
        max_concurrent_builds: 3,
        created_at: at(0),
        updated_at: at(1),
        deleted_at: Some(at(2)),
    };
    round_trip(pool, "teams", &team).await;

    let user = User {
        id: id(2),
        email: "ada@acme.test".into(),
        name: "Ada".into(),
        avatar_url: Some("https://img.test/ada.png".into()),
        github_id: Some("gh-1".into()),
        google_id: Some("go-1".into()),
        is_active: false,
        email_verified: true,
        created_at: at(3),
        updated_at: at(4),
        last_login_at: Some(at(5)),
    };
    round_trip(pool, "users", &user).await;

    let member = TeamMember {
        id: id(3),
        team_id: team.id,
        user_id: user.id,
        role: Role::Viewer,
        created_at: at(6),
    };
    round_trip(pool, "team_members", &member).await;

    let provider = CloudProvider {
        id: id(4),
        team_id: team.id,
        name: "prod".into(),
        provider_type: ProviderType::Hetzner,
        encrypted_credentials: "bm9uY2U=".into(),
        region: Some("fsn1".into()),
        config: serde_json::json!({"network": "private"}),
        is_active: false,
        last_validated_at: Some(at(7)),
        validation_error: Some("quota".into()),
        created_at: at(8),
        updated_at: at(9),
    };
    round_trip(pool, "cloud_providers", &provider).await;

    let project = Project {
        id: id(5),
        team_id: team.id,
        slug: "web".into(),
        name: "Web".into(),
        repo_url: "https://git.test/acme/web".into(),
        repo_provider: RepoProvider::Gitlab,
        default_branch: "trunk".into(),
        cloud_provider_id: Some(provider.id),
        default_preview_size: DefaultPreviewSize::Xlarge,
        config: serde_json::json!({"services": ["web", "db"]}),
        is_active: false,
        created_at: at(10),
        updated_at: at(11),
    };
    round_trip(pool, "projects", &project).await;

    let environment = Environment {
        id: id(6),
        project_id: project.id,
        pr_number: Some(42),
        branch_name: "feature/x".into(),
        commit_hash: "0123456789abcdef0123456789abcdef01234567".into(),
        subdomain_hash: "abcdefghijkl".into(),
        vm_id: Some("vm-1".into()),
        vm_ip: Some(ip("10.1.2.3/32")),
        vm_status: VmStatus::Running,
        status: EnvironmentStatus::Ready,
        deployed_at: Some(at(12)),
        last_heartbeat_at: Some(at(13)),
        terminated_at: Some(at(14)),
        estimated_cost_usd: Decimal::from_str("12.3456").unwrap(),
        created_at: at(15),
        updated_at: at(16),
    };
    round_trip(pool, "environments", &environment).await;

    let run = WorkflowRun {
        id: id(7),
        environment_id: environment.id,
        trigger: Trigger::ManualRebuild,
        triggered_by: Some(user.id),
        status: WorkflowRunStatus::Completed,
        started_at: Some(at(17)),
        completed_at: Some(at(18)),
        duration_seconds: Some(61),
        result: Some(WorkflowRunResult::Failure),
        error_message: Some("tests failed".into()),
        created_at: at(19),
        updated_at: at(20),
    };
    round_trip(pool, "workflow_runs", &run).await;

    let job = BuildJob {
        id: id(8),
        workflow_run_id: run.id,
        name: "api".into(),
        architecture: Architecture::Arm64,
        context_path: Some("./api".into()),
        dockerfile_path: Some("./api/Dockerfile".into()),
        vm_id: Some("vm-2".into()),
        cloud_provider_id: Some(provider.id),
        machine_size: Some("large".into()),
        status: BuildJobStatus::Failed,
        queued_at: at(21),
        started_at: Some(at(22)),
        completed_at: Some(at(23)),
        duration_seconds: Some(90),
        artifact_url: Some("registry.test/api:1".into()),
        exit_code: Some(2),
        error_message: Some("oom".into()),
        created_at: at(24),
        updated_at: at(25),
    };
    round_trip(pool, "build_jobs", &job).await;

    let log = BuildLog {
        id: id(9),
        build_job_id: job.id,
        seq: 77,
        timestamp: at(26),
        stream: Stream::Stderr,
        line: "error: ünïcode ✓".into(),
    };
    round_trip(pool, "build_logs", &log).await;

    let secret = Secret {
        id: id(10),
        project_id: project.id,
        key: "TLS_CERT".into(),
        encrypted_value: "c2VjcmV0".into(),
        scope: "api".into(),
        secret_type: SecretType::File,
        file_path: Some("/etc/tls/cert.pem".into()),
        file_permissions: Some("0600".into()),
        created_by: Some(user.id),
        created_at: at(27),
        updated_at: at(28),
    };
    round_trip(pool, "secrets", &secret).await;

    let audit = AuditLog {
        id: id(11),
        actor_id: Some(user.id),
        actor_email: Some(user.email.clone()),
        actor_ip: Some(ip("2001:db8::1/128")),
        action: "secret.created".into(),
        resource_type: ResourceType::CloudProvider,
        resource_id: Some(provider.id),
        team_id: Some(team.id),
        project_id: Some(project.id),
        metadata: Some(serde_json::json!({"key": "TLS_CERT"})),
        timestamp: at(29),
    };
    round_trip(pool, "audit_logs", &audit).await;

    let agent = AgentConnection {
        id: id(12),
        environment_id: environment.id,
        agent_id: "agent-1".into(),
        token_hash: "f".repeat(64),
        status: AgentConnectionStatus::Disconnected,
        ip_address: Some(ip("192.0.2.7/32")),
        agent_version: Some("1.2.3".into()),
        system_info: Some(serde_json::json!({"cpus": 4})),
        connected_at: at(30),
        last_seen_at: at(31),
        disconnected_at: Some(at(32)),
    };
    round_trip(pool, "agent_connections", &agent).await;
}

#[tokio::test]
async fn views_read_back_through_their_structs() {
    let db = migrated_database().await;
    let pool = db.pool();
    let team = Team::insert(pool, &NewTeam::new("acme", "Acme")).await.unwrap();
    let project = Project::insert(
        pool,
        &NewProject::new(team.id, "web", "Web", "https://git.test/web"),
    )
    .await
    .unwrap();
    let mut ready = NewEnvironment::new(project.id, "main", "c0ffee", "aaaaaaaaaaaa");
    ready.status = Some(EnvironmentStatus::Ready);
    ready.last_heartbeat_at = Some(chrono::Utc::now() - chrono::Duration::hours(1));
    ready.vm_ip = Some(ip("10.0.0.9/32"));
    let env = Environment::insert(pool, &ready).await.unwrap();

    let active = ActiveEnvironment::list(pool, 10, 0).await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, env.id);
    assert_eq!(active[0].public_url, "https://aaaaaaaaaaaa.stagely.dev");
    assert_eq!(active[0].project_name, "Web");
    assert_eq!(active[0].team_name, "Acme");
    assert_eq!(active[0].vm_ip, Some(ip("10.0.0.9/32")));
    assert!(active[0].age_hours < rust_decimal::Decimal::ONE);

    let stale: Vec<StaleEnvironment> = sqlx::query_as("SELECT * FROM stale_environments")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].id, env.id);
    assert_eq!(stale[0].stale_reason, "agent_dead");
    assert_eq!(StaleEnvironment::count(pool).await.unwrap(), 1);
}
