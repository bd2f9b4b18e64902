//! The HTTP endpoints and graceful shutdown, against a real PostgreSQL.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use serde_json::Value;
use sqlx::PgPool;
use stagely_core::db::{self, PoolSettings, RetryPolicy};
use stagely_core::http::{AppState, app, serve};
use stagely_core::secret::SecretUrl;
use stagely_testdb::TestDatabase;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

/// An upper bound for waits that should take milliseconds, so a bug fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

fn test_settings() -> PoolSettings {
    PoolSettings {
        max_connections: 5,
        min_connections: 1,
        // Short, so a pool whose server vanished gives up within the readiness timeout.
        acquire_timeout: Duration::from_millis(500),
        ..PoolSettings::default()
    }
}

async fn pool_for(url: &str) -> PgPool {
    let url = SecretUrl::parse(url).unwrap();
    db::connect(&url, &test_settings(), &RetryPolicy::default())
        .await
        .expect("the test database accepts connections")
}

/// A pool whose server does not exist; it only fails when used.
async fn unreachable_pool() -> PgPool {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = SecretUrl::parse(&format!("postgres://stagely@127.0.0.1:{port}/stagely")).unwrap();
    let settings = PoolSettings {
        min_connections: 0,
        ..test_settings()
    };
    settings
        .pool_options()
        .connect_lazy_with(settings.connect_options(&url).unwrap())
}

/// Sends `GET path` to the router and returns the status and the JSON body.
async fn get_json(router: axum::Router, path: &str) -> (StatusCode, Value) {
    let response = router
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

/// A TCP proxy in front of the database that can be stopped (killing its connections, as if
/// the database went away) and started again on the same port.
struct Proxy {
    address: SocketAddr,
    upstream: Upstream,
    task: Option<JoinHandle<()>>,
}

/// Where the proxy forwards to: the server's TCP address, or its Unix socket (a test server
/// found by libpq's defaults is often reached through the socket).
#[derive(Clone)]
enum Upstream {
    Tcp(SocketAddr),
    Unix(std::path::PathBuf),
}

impl Proxy {
    async fn start(upstream: Upstream) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = Some(tokio::spawn(Self::run(listener, upstream.clone())));
        Self {
            address,
            upstream,
            task,
        }
    }

    async fn run(listener: TcpListener, upstream: Upstream) {
        // Owned by this task: aborting the task drops the set, which aborts every connection.
        let mut connections = JoinSet::new();
        while let Ok((mut client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            connections.spawn(async move {
                match upstream {
                    Upstream::Tcp(address) => {
                        if let Ok(mut server) = TcpStream::connect(address).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }
                    Upstream::Unix(path) => {
                        if let Ok(mut server) = tokio::net::UnixStream::connect(path).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }
                }
            });
        }
    }

    /// Closes the listening socket and every proxied connection.
    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    async fn restart(&mut self) {
        let listener = TcpListener::bind(self.address).await.unwrap();
        self.task = Some(tokio::spawn(Self::run(listener, self.upstream.clone())));
    }

    /// `url` pointed at the proxy instead of the server (over TCP, whatever `url` used).
    fn url_for(&self, url: &str) -> String {
        let mut url = url::Url::parse(url).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(self.address.port())).unwrap();
        let others: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| key != "host")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.set_query(None);
        if !others.is_empty() {
            url.query_pairs_mut().extend_pairs(others);
        }
        url.into()
    }
}

/// Where the server in `url` listens: the Unix socket its `host` parameter names, else its
/// host and port.
async fn server_address(url: &str) -> Upstream {
    let url = url::Url::parse(url).unwrap();
    let port = url.port().unwrap_or(5432);
    if let Some((_, dir)) = url
        .query_pairs()
        .find(|(key, value)| key == "host" && value.starts_with('/'))
    {
        return Upstream::Unix(std::path::Path::new(dir.as_ref()).join(format!(".s.PGSQL.{port}")));
    }
    let host = url.host_str().unwrap().to_string();
    Upstream::Tcp(
        tokio::net::lookup_host((host, port))
            .await
            .unwrap()
            .next()
            .unwrap(),
    )
}

/// A minimal HTTP/1.1 client: `GET path` on a fresh connection; returns the status and body.
async fn http_get(address: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(address).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_string();
    Ok((status, body))
}

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let db = TestDatabase::new().await;
    let pool = pool_for(db.url()).await;
    let (status, body) = get_json(app(AppState::new(pool.clone())), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    pool.close().await;
}

#[tokio::test]
async fn healthz_does_not_depend_on_the_database() {
    let (status, _) = get_json(app(AppState::new(unreachable_pool().await)), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn readyz_is_200_when_the_database_answers() {
    let db = TestDatabase::new().await;
    let pool = pool_for(db.url()).await;
    let (status, body) = get_json(app(AppState::new(pool.clone())), "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"]["status"], "ok");
    pool.close().await;
}

#[tokio::test]
async fn readyz_is_503_naming_the_database_when_it_is_unreachable() {
    let (status, body) = get_json(app(AppState::new(unreachable_pool().await)), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["failing"], serde_json::json!(["database"]));
    assert_eq!(body["checks"]["database"]["status"], "failing");
}

#[tokio::test]
async fn readyz_is_503_when_the_database_does_not_answer_in_time() {
    // A server that accepts connections but never speaks: the ping hangs until the readiness
    // timeout, not until the (longer) acquire timeout.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let url = SecretUrl::parse(&format!("postgres://stagely@127.0.0.1:{port}/stagely")).unwrap();
    let settings = PoolSettings {
        min_connections: 0,
        acquire_timeout: Duration::from_secs(60),
        ..test_settings()
    };
    let pool = settings
        .pool_options()
        .connect_lazy_with(settings.connect_options(&url).unwrap());
    let state = AppState {
        readiness_timeout: Duration::from_millis(200),
        ..AppState::new(pool)
    };

    let (status, body) = tokio::time::timeout(PATIENCE, get_json(app(state), "/readyz"))
        .await
        .expect("readyz must answer within its own timeout");

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["checks"]["database"]["error"], "no answer within 200ms");
    drop(silent);
}

#[tokio::test]
async fn readyz_follows_the_database_going_away_and_coming_back() {
    let db = TestDatabase::new().await;
    let mut proxy = Proxy::start(server_address(db.url()).await).await;
    let pool = pool_for(&proxy.url_for(db.url())).await;
    let router = app(AppState::new(pool.clone()));

    let (status, _) = get_json(router.clone(), "/readyz").await;
    assert_eq!(status, StatusCode::OK);

    proxy.stop().await;
    let (status, body) = get_json(router.clone(), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["failing"], serde_json::json!(["database"]));

    proxy.restart().await;
    let back = async {
        loop {
            let (status, _) = get_json(router.clone(), "/readyz").await;
            if status == StatusCode::OK {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, back)
        .await
        .expect("readyz must be 200 again once the database is back");

    pool.close().await;
    proxy.stop().await;
}

#[tokio::test]
async fn shutdown_stops_accepting_finishes_in_flight_requests_and_closes_the_pool() {
    let db = TestDatabase::new().await;
    let pool = pool_for(db.url()).await;
    let started = Arc::new(Notify::new());
    let (release, released) = oneshot::channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(Some(released)));
    let router = app(AppState::new(pool.clone())).route(
        "/slow",
        get({
            let started = started.clone();
            move || async move {
                started.notify_one();
                if let Some(released) = released.lock().await.take() {
                    let _ = released.await;
                }
                "finished"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (shutdown, shutdown_requested) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router, pool.clone(), async move {
        let _ = shutdown_requested.await;
    }));

    let (status, body) = http_get(address, "/healthz").await.unwrap();
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));

    let in_flight = tokio::spawn(http_get(address, "/slow"));
    tokio::time::timeout(PATIENCE, started.notified())
        .await
        .expect("the slow request reaches its handler");

    shutdown.send(()).unwrap();
    // New connections are refused once the listener is closed...
    tokio::time::timeout(PATIENCE, async {
        while TcpStream::connect(address).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server stops accepting connections");
    // ...while the request in flight is still being waited for, with the pool open.
    assert!(!server.is_finished());
    assert!(!pool.is_closed());

    release.send(()).unwrap();
    let (status, body) = tokio::time::timeout(PATIENCE, in_flight)
        .await
        .expect("the in-flight request finishes")
        .unwrap()
        .unwrap();
    assert_eq!((status, body.as_str()), (200, "finished"));
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops once the request is done")
        .unwrap()
        .unwrap();
    assert!(pool.is_closed());
}
