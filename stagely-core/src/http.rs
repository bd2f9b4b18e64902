//! The HTTP server: health endpoints, and serving with graceful shutdown.
//!
//! [`app`] builds the router and [`serve`] runs it, apart, so tests drive the router directly
//! and can serve a router with extra routes.
//!
//! - `GET /healthz` answers 200 while the process lives (for liveness probes: restarting the
//!   process would not fix anything a dependency is doing).
//! - `GET /readyz` answers 200 when the database answers a ping within [`READINESS_TIMEOUT`],
//!   else 503 with a JSON body naming the failing check (for readiness probes: take the
//!   instance out of the load balancer until it can do useful work again). While the service
//!   drains before shutting down it answers 503 without asking the database.
//!
//! [`serve_until_stopped`] is how the service stops: on the first SIGINT or SIGTERM it starts
//! [`Draining`] (readiness fails at once) but keeps serving for the grace period
//! (`SHUTDOWN_GRACE`), so a load balancer that probes readiness every few seconds stops
//! routing to it before it stops listening; then it stops gracefully ([`serve`]). A second
//! signal stops it at once.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use crate::db;

/// How long `/readyz` waits for the database to answer.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(1);

/// The HTTP server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The port could not be bound.
    #[error("cannot listen on port {port}: {source}; stop the process using it or set PORT to a free port")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Accepting or serving connections failed.
    #[error("the HTTP server stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
}

/// Whether the service is draining before it shuts down; shared by clones.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// From now on `/readyz` answers 503.
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Draining::start`] was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What the request handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: PgPool,
    /// How long `/readyz` waits for the database ([`READINESS_TIMEOUT`] unless a test changes it).
    pub readiness_timeout: Duration,
    /// Set when shutdown begins, so `/readyz` fails while requests are still served.
    pub draining: Draining,
}

impl AppState {
    /// State around `pool`, with the standard readiness timeout, not draining.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            readiness_timeout: READINESS_TIMEOUT,
            draining: Draining::default(),
        }
    }
}

/// The service's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(state)
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.draining.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "draining",
                "failing": ["shutdown"],
                "checks": { "shutdown": { "status": "failing", "error": "the service is shutting down" } },
            })),
        );
    }
    let failure = match tokio::time::timeout(state.readiness_timeout, db::ping(&state.pool)).await {
        Ok(Ok(())) => {
            return (
                StatusCode::OK,
                Json(json!({ "status": "ready", "checks": { "database": { "status": "ok" } } })),
            );
        }
        // The cause goes to the log; the response only says which check failed and how.
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database ping failed");
            "ping failed".to_string()
        }
        Err(_) => {
            tracing::warn!(timeout = ?state.readiness_timeout, "readiness: database ping timed out");
            format!("no answer within {:?}", state.readiness_timeout)
        }
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({
            "status": "unavailable",
            "failing": ["database"],
            "checks": { "database": { "status": "failing", "error": failure } },
        })),
    )
}

/// Listens on all interfaces at `port`.
pub async fn bind(port: u16) -> Result<TcpListener, HttpError> {
    TcpListener::bind(("0.0.0.0", port))
        .await
        .map_err(|source| HttpError::Bind { port, source })
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections,
/// lets in-flight requests finish, and closes `pool`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    pool: PgPool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HttpError> {
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "serving HTTP");
    }
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    tracing::info!("HTTP server stopped; closing the database pool");
    // Closing waits for connections in use to be returned, then closes them cleanly, so the
    // server does not see aborted sessions.
    pool.close().await;
    served.map_err(HttpError::Serve)
}

/// Serves `app` until told to stop through `stops` (each message names the signal), then:
/// starts `draining` and keeps serving for `grace`; then stops as [`serve`] does. A second
/// message, during the grace period or while requests finish, stops at once.
pub async fn serve_until_stopped(
    listener: TcpListener,
    app: Router,
    pool: PgPool,
    draining: Draining,
    grace: Duration,
    mut stops: mpsc::Receiver<&'static str>,
) -> Result<(), HttpError> {
    let (begin_shutdown, shutdown_begun) = oneshot::channel::<()>();
    let server = serve(listener, app, pool, async move {
        let _ = shutdown_begun.await;
    });
    tokio::pin!(server);

    let signal = tokio::select! {
        result = &mut server => return result,
        signal = next_stop(&mut stops) => signal,
    };
    draining.start();
    tracing::info!(grace = ?grace, "{signal} received; draining: /readyz answers 503, requests are served for the grace period");
    tokio::select! {
        result = &mut server => return result,
        () = tokio::time::sleep(grace) => {}
        signal = next_stop(&mut stops) => {
            tracing::warn!("{signal} received again; stopping at once");
            return Ok(());
        }
    }
    tracing::info!("shutting down: no new connections, finishing the requests in flight");
    let _ = begin_shutdown.send(());
    tokio::select! {
        result = &mut server => result,
        signal = next_stop(&mut stops) => {
            tracing::warn!("{signal} received again; stopping at once");
            Ok(())
        }
    }
}

/// The next stop request; never, once every sender is gone.
async fn next_stop(stops: &mut mpsc::Receiver<&'static str>) -> &'static str {
    match stops.recv().await {
        Some(signal) => signal,
        None => std::future::pending().await,
    }
}

/// Sends `"SIGINT"` or `"SIGTERM"` on the returned channel each time the process receives one.
///
/// # Errors
/// When the signal handlers cannot be installed.
pub fn forward_signals() -> std::io::Result<mpsc::Receiver<&'static str>> {
    let (sender, receiver) = mpsc::channel(4);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::spawn(async move {
            loop {
                let name = tokio::select! {
                    Some(()) = interrupt.recv() => "SIGINT",
                    Some(()) = terminate.recv() => "SIGTERM",
                    else => return,
                };
                if sender.send(name).await.is_err() {
                    return;
                }
            }
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if sender.send("SIGINT").await.is_err() {
                return;
            }
        }
    });
    Ok(receiver)
}
