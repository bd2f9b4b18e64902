//! Draining on shutdown against a real PostgreSQL: after the first signal `/readyz` answers 503
//! at once while requests are still served for the grace period; then the service stops; a
//! second signal stops it at once.

use std::net::SocketAddr;
use std::time::Duration;

use sqlx::PgPool;
use stagely_core::db::{self, PoolSettings, RetryPolicy};
use stagely_core::http::{AppState, app, serve_until_stopped};
use stagely_core::secret::SecretUrl;
use stagely_testdb::TestDatabase;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// An upper bound for waits that should take milliseconds, so a bug fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

async fn pool_for(db: &TestDatabase) -> PgPool {
    let settings = PoolSettings {
        max_connections: 3,
        min_connections: 1,
        ..PoolSettings::default()
    };
    db::connect(
        &SecretUrl::parse(db.url()).unwrap(),
        &settings,
        &RetryPolicy::default(),
    )
    .await
    .unwrap()
}

async fn http_get(address: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(address).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
    Ok((status, body))
}

/// Serves the app with `grace`; returns its address, the stop channel and the server task.
async fn start(
    pool: PgPool,
    grace: Duration,
) -> (
    SocketAddr,
    mpsc::Sender<&'static str>,
    JoinHandle<Result<(), stagely_core::http::HttpError>>,
) {
    let state = AppState::new(pool.clone());
    let draining = state.draining.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stops) = mpsc::channel(4);
    let server = tokio::spawn(serve_until_stopped(
        listener,
        app(state),
        pool,
        draining,
        grace,
        stops,
    ));
    (address, stop, server)
}

#[tokio::test]
async fn readiness_fails_at_once_while_requests_are_served_for_the_grace_period() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db).await;
    // Long enough that the checks below certainly happen inside it; the test ends it early
    // with a second signal, so it never waits this long.
    let (address, stop, server) = start(pool.clone(), Duration::from_secs(3600)).await;
    assert_eq!(http_get(address, "/readyz").await.unwrap().0, 200);

    stop.send("SIGTERM").await.unwrap();
    // 503 from now on, while the database is fine and the listener still accepts.
    let (status, body) = tokio::time::timeout(PATIENCE, async {
        loop {
            let answer = http_get(address, "/readyz").await.unwrap();
            if answer.0 != 200 {
                return answer;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("readiness fails after the signal");
    assert_eq!(status, 503, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "draining");
    assert_eq!(body["failing"], serde_json::json!(["shutdown"]));
    // New connections are still accepted and served during the grace period.
    for _ in 0..3 {
        let (status, body) = http_get(address, "/healthz").await.unwrap();
        assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    }
    assert!(!server.is_finished());
    assert!(!pool.is_closed());

    // A second signal stops it at once, grace period or not.
    stop.send("SIGTERM").await.unwrap();
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("a second signal stops the server at once")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}

#[tokio::test]
async fn after_the_grace_period_it_stops_and_closes_the_pool() {
    let db = TestDatabase::new().await;
    let pool = pool_for(&db).await;
    let (address, stop, server) = start(pool.clone(), Duration::from_millis(200)).await;
    assert_eq!(http_get(address, "/healthz").await.unwrap().0, 200);
    stop.send("SIGINT").await.unwrap();
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops after the grace period")
        .unwrap()
        .unwrap();
    assert!(pool.is_closed());
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}
