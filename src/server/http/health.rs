//! Whether the database answers. A probe pings it every second; while it does not, pages are
//! answered with a clear « service indisponible » page (503) instead of errors or long waits,
//! and they come back by themselves when it answers again — no restart needed.

use crate::routes;
use crate::server::store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The database's last known state, shared by the probe and the middleware.
#[derive(Debug, Default)]
pub struct DatabaseHealth {
    down: AtomicBool,
}

impl DatabaseHealth {
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    fn set_down(&self, down: bool) {
        if self.down.swap(down, Ordering::Relaxed) != down {
            if down {
                tracing::error!(
                    "database unreachable: pages answer «\u{a0}service indisponible\u{a0}»"
                );
            } else {
                tracing::info!("database reachable again");
            }
        }
    }
}

/// Pings the database every second until `stop` turns true.
pub fn spawn_probe(
    store: Store,
    health: Arc<DatabaseHealth>,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let ok = tokio::time::timeout(Duration::from_secs(2), store.ping())
                .await
                .unwrap_or(false);
            health.set_down(!ok);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => return,
            }
        }
    })
}

/// What page requests get while the database is down: its HTML, made once at start-up with the
/// stylesheet the pages link (its hashed name in a release build).
#[derive(Clone, Debug)]
pub struct Unavailable {
    pub health: Arc<DatabaseHealth>,
    page: Arc<str>,
}

impl Unavailable {
    pub fn new(health: Arc<DatabaseHealth>, stylesheet_href: &str) -> Self {
        Unavailable {
            health,
            page: crate::app::standalone::unavailable(stylesheet_href).into(),
        }
    }
}

/// Page requests while the database is down get the « service indisponible » page. Static files,
/// the health check and server functions (which answer their own errors) pass.
pub async fn unavailable_page(
    axum::extract::State(unavailable): axum::extract::State<Unavailable>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let page = request.method() == axum::http::Method::GET
        && ![routes::ASSETS, routes::API, routes::HEALTH, "/favicon"]
            .iter()
            .any(|p| path.starts_with(p));
    if page && unavailable.health.is_down() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "10")],
            Html(unavailable.page.to_string()),
        )
            .into_response();
    }
    next.run(request).await
}
