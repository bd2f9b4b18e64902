//! The database pool against a real PostgreSQL: connecting with retries, the statement timeout
//! on every connection, and waiting for a connection when the pool is exhausted.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::PgPool;
use stagely_core::db::{self, DbError, PoolSettings, RetryPolicy};
use stagely_core::secret::SecretUrl;
use stagely_testdb::TestDatabase;
use tokio::net::TcpListener;

/// Retries without real waits: the delays only have to be distinguishable from none.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        delays: [1, 2, 4].map(Duration::from_millis).to_vec(),
    }
}

/// Settings for a test pool: small, and with attempts bounded well below a test's patience.
fn test_settings() -> PoolSettings {
    PoolSettings {
        max_connections: 5,
        min_connections: 1,
        acquire_timeout: Duration::from_secs(10),
        ..PoolSettings::default()
    }
}

async fn pool_for(db: &TestDatabase, settings: &PoolSettings) -> PgPool {
    let url = SecretUrl::parse(db.url()).unwrap();
    db::connect(&url, settings, &RetryPolicy::default())
        .await
        .expect("the test database accepts connections")
}

/// A port on which nothing listens.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// Log output captured in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test]
async fn gives_up_after_four_attempts_on_a_closed_port() {
    let port = closed_port().await;
    let url = SecretUrl::parse(&format!(
        "postgres://stagely:pg-password-9@127.0.0.1:{port}/stagely?sslmode=disable"
    ))
    .unwrap();
    let settings = PoolSettings {
        // sqlx retries a refused connection itself until this runs out; keep each attempt short.
        acquire_timeout: Duration::from_millis(100),
        ..PoolSettings::default()
    };

    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime is single-threaded, so the thread's default subscriber sees every event.
    let _guard = tracing::subscriber::set_default(subscriber);

    let error = db::connect(&url, &settings, &quick_retries()).await.unwrap_err();

    assert!(
        matches!(error, DbError::Unreachable { attempts: 4, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    let (first, last) = message.split_once('\n').expect("two lines");
    assert_eq!(
        first,
        "Failed to connect to database after 4 attempts. Please check DATABASE_URL configuration."
    );
    // The second line says what went wrong where, without the password.
    assert!(
        last.starts_with("Last attempt: postgres://stagely:***@127.0.0.1:"),
        "{last}"
    );
    assert!(last.contains("Connection refused"), "{last}");
    let logs = logs.text();
    let failures: Vec<_> = logs
        .lines()
        .filter(|line| line.contains("cannot connect to the database"))
        .collect();
    assert_eq!(failures.len(), 4, "{logs}");
    for line in failures {
        assert!(
            line.contains(&format!("postgres://stagely:***@127.0.0.1:{port}/stagely")),
            "{line}"
        );
    }
    assert!(
        logs.contains("retrying in 1ms") && logs.contains("retrying in 4ms"),
        "{logs}"
    );
    // The cause is the one the operating system gave, not a generic pool timeout.
    assert!(logs.contains("refused"), "{logs}");
    assert!(
        !logs.contains("pg-password-9"),
        "the password leaked into the log:\n{logs}"
    );
}

#[tokio::test]
async fn makes_exactly_one_connection_per_attempt() {
    // A server that accepts and hangs up at once: each attempt fails fast and is counted.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let url = SecretUrl::parse(&format!(
        "postgres://stagely@127.0.0.1:{port}/stagely?sslmode=disable"
    ))
    .unwrap();
    let retry = RetryPolicy {
        delays: vec![Duration::from_millis(1); 5],
    };

    let error = db::connect(&url, &test_settings(), &retry).await.unwrap_err();

    assert!(
        matches!(error, DbError::Unreachable { attempts: 6, .. }),
        "{error:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 6);
    server.abort();
}

#[tokio::test]
async fn connects_and_answers_a_ping() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db, &test_settings()).await;
    db::ping(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn every_pooled_connection_has_the_statement_timeout() {
    let db = TestDatabase::new().await;
    let settings = PoolSettings {
        statement_timeout: Duration::from_millis(1500),
        ..test_settings()
    };
    let pool = pool_for(&db, &settings).await;
    // Hold several at once so they are distinct connections, not one reused.
    let mut held = Vec::new();
    for _ in 0..settings.max_connections {
        let mut conn = db::acquire(&pool).await.unwrap();
        let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(timeout, "1500ms");
        held.push(conn);
    }
    drop(held);
    pool.close().await;
}

#[tokio::test]
async fn the_default_statement_timeout_is_30_seconds() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db, &test_settings()).await;
    let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(timeout, "30s");
    pool.close().await;
}

#[tokio::test]
async fn cancels_a_statement_beyond_the_statement_timeout() {
    let db = TestDatabase::new().await;
    let settings = PoolSettings {
        statement_timeout: Duration::from_millis(100),
        ..test_settings()
    };
    let pool = pool_for(&db, &settings).await;

    let error: DbError = sqlx::query("SELECT pg_sleep(30)")
        .execute(&pool)
        .await
        .unwrap_err()
        .into();

    assert!(matches!(error, DbError::StatementTimeout), "{error:?}");
    assert!(
        error.to_string().contains("DATABASE_STATEMENT_TIMEOUT"),
        "{error}"
    );
    // The connection survives the cancellation.
    db::ping(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn other_database_errors_pass_through() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db, &test_settings()).await;
    let error: DbError = sqlx::query("SELECT * FROM no_such_table")
        .execute(&pool)
        .await
        .unwrap_err()
        .into();
    assert!(matches!(error, DbError::Query(_)), "{error:?}");
    assert!(error.to_string().contains("no_such_table"), "{error}");
    pool.close().await;
}

#[tokio::test]
async fn an_exhausted_pool_makes_callers_wait_for_a_released_connection() {
    let db = TestDatabase::new().await;
    let settings = PoolSettings {
        max_connections: 2,
        min_connections: 0,
        ..test_settings()
    };
    let pool = pool_for(&db, &settings).await;
    let first = db::acquire(&pool).await.unwrap();
    let second = db::acquire(&pool).await.unwrap();

    let waiting = tokio::spawn({
        let pool = pool.clone();
        async move { db::acquire(&pool).await }
    });
    // Both connections are held, so the third caller cannot have been served yet.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection was handed out beyond max_connections"
    );
    assert_eq!(pool.size(), 2);

    drop(first);
    let mut third = waiting
        .await
        .unwrap()
        .expect("the released connection is handed on");
    sqlx::query("SELECT 1").execute(&mut *third).await.unwrap();
    assert_eq!(pool.size(), 2);

    drop((second, third));
    pool.close().await;
}

#[tokio::test]
async fn an_exhausted_pool_reports_a_clear_error_after_the_acquire_timeout() {
    let db = TestDatabase::new().await;
    let settings = PoolSettings {
        max_connections: 1,
        min_connections: 0,
        acquire_timeout: Duration::from_millis(200),
        ..test_settings()
    };
    let pool = pool_for(&db, &settings).await;
    let held = db::acquire(&pool).await.unwrap();

    let error = db::acquire(&pool).await.unwrap_err();

    assert!(matches!(error, DbError::PoolExhausted), "{error:?}");
    assert!(
        error.to_string().contains("every pooled connection is busy"),
        "{error}"
    );
    drop(held);
    db::ping(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn a_closed_pool_says_the_service_is_shutting_down() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db, &test_settings()).await;
    pool.close().await;
    let error = db::acquire(&pool).await.unwrap_err();
    assert!(matches!(error, DbError::Closed), "{error:?}");
}

#[tokio::test]
async fn a_refused_connection_says_what_postgres_said_without_password_or_source_location() {
    // A role that does not exist, on the real server: PostgreSQL refuses with SQLSTATE 28000
    // (and reports the line of its own C source, which must not reach the message).
    let server = stagely_testdb::server_url().unwrap_or_else(|message| panic!("{message}"));
    let mut url = url::Url::parse(&server).unwrap();
    url.set_username("no_such_role_for_stagely").unwrap();
    url.set_password(Some("pw-secret-31")).unwrap();
    let url = SecretUrl::parse(url.as_str()).unwrap();

    let error = db::connect(&url, &test_settings(), &quick_retries())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(
            "Failed to connect to database after 4 attempts. Please check DATABASE_URL configuration."
        ),
        "{message}"
    );
    assert!(
        message.contains("role \"no_such_role_for_stagely\" does not exist"),
        "{message}"
    );
    assert!(message.contains("SQLSTATE 28000"), "{message}");
    assert!(message.contains(url.redacted()), "{message}");
    assert!(!message.contains("pw-secret-31"), "{message}");
    assert!(!message.contains(" at line "), "{message}");

    // The migration runner says the same.
    let error = stagely_core::migrate::run(url.expose(), stagely_core::migrate::MigrateCommand::Status)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("SQLSTATE 28000"), "{error}");
    assert!(
        !error.contains("pw-secret-31") && !error.contains(" at line "),
        "{error}"
    );
}
