//! The HTTP server: health endpoints, and serving with graceful shutdown.
//!
//! [`app`] builds the router and [`serve`] runs it, apart, so tests drive the router directly
//! and can serve a router with extra routes.
//!
//! - `GET /healthz` answers 200 while the process lives (for liveness probes: restarting the
//!   process would not fix anything a dependency is doing).
//! - `GET /readyz` answers 200 when the database answers a ping within [`READINESS_TIMEOUT`],
//!   else 503 with a JSON body naming the failing check (for readiness probes: take the
//!   instance out of the load balancer until it can do useful work again).

use std::future::Future;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::net::TcpListener;

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

/// What the request handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: PgPool,
    /// How long `/readyz` waits for the database ([`READINESS_TIMEOUT`] unless a test changes it).
    pub readiness_timeout: Duration,
}

impl AppState {
    /// State around `pool`, with the standard readiness timeout.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            readiness_timeout: READINESS_TIMEOUT,
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

/// Completes when the process receives SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
}
