//! The HTTP application: binds, wires the routes and serves until asked to stop.

use crate::app::{document, shell, App};
use crate::routes;
use crate::server::clients::Budget;
use crate::server::config::{DirectorySource, MetricsAccess, Settings};
use crate::server::http::state::AppState;
use crate::server::mail::mailer::{self, MailError};
use crate::server::mail::outbox;
use crate::server::registry::approvals;
use crate::server::registry::directory::{Directory, OfflineExtract, SireneClient};
use crate::server::store::{Store, StoreError};
use axum::serve::ListenerExt;
use axum::{routing::get, Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot set up email: {0}")]
    Mail(#[from] MailError),
    #[error("cannot load the demo approvals: {0}")]
    Demo(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A bound, ready-to-serve application (port 0 in tests picks a free port).
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// Background tasks (outbox, database probe) and the signal that stops them.
    tasks: Vec<tokio::task::JoinHandle<()>>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let store = Store::open(&settings.database_url).await?;
        let missing = crate::server::http::assets::missing_files(&settings.leptos);
        if !missing.is_empty() {
            tracing::warn!(
                missing = missing.join(", "),
                "front end not built: pages work without JavaScript and styles"
            );
        }
        if settings.demo_data {
            let file =
                approvals::parse_file(approvals::DEMO_APPROVALS).map_err(StartError::Demo)?;
            let notices = approvals::Notices::Send {
                public_url: &settings.public_url,
            };
            approvals::import(&store, file, notices).await?;
        }
        let config = &settings.directory;
        let directory: Arc<dyn Directory> = match &config.source {
            DirectorySource::Sirene(key) => Arc::new(SireneClient::new(
                &config.sirene_url,
                key.clone(),
                config.timeout,
                config.per_minute,
                config.per_client,
                store.clone(),
            )),
            DirectorySource::OfflineExtract { .. } => Arc::new(OfflineExtract::demo()),
        };
        crate::server::http::observability::metrics_handle();
        let mailer = mailer::from_settings(&settings)?;
        let outbox_wake = Arc::new(Notify::new());
        let addr = settings.leptos.site_addr;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let limits = Arc::new(crate::server::http::state::Limits {
            eligibility: Budget::new(&store, "eligibility", settings.limits.eligibility),
            signup: Budget::new(&store, "signup", settings.limits.signup),
            passkey: Budget::new(&store, "passkey", settings.limits.eligibility),
        });
        let retention = crate::server::ops::retention::policy(
            settings.audit_retention_days,
            &settings.lifecycle,
        );
        let health = Arc::new(crate::server::http::health::DatabaseHealth::default());
        let webauthn = crate::server::accounts::passkeys::relying_party(&settings.public_url);
        let state = AppState {
            webauthn: webauthn.map(Arc::new),
            health: health.clone(),
            limits,
            leptos_options: Arc::new(settings.leptos.clone()),
            settings: Arc::new(settings),
            store,
            directory,
            outbox_wake,
        };
        let router = router(state.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let tasks = vec![
            outbox::spawn_worker(
                state.store.clone(),
                mailer,
                state.outbox_wake.clone(),
                stopped.clone(),
            ),
            crate::server::http::health::spawn_probe(state.store.clone(), health, stopped.clone()),
            crate::server::ops::retention::spawn_purger(
                state.store.clone(),
                retention,
                crate::server::ops::retention::Housekeeping {
                    lifecycle: state.settings.lifecycle,
                    public_url: state.settings.public_url.clone(),
                    support: state.settings.support_contact.clone(),
                },
                stopped.clone(),
            ),
            crate::server::http::observability::spawn_upkeep(stopped),
        ];
        Ok(Application {
            listener,
            router,
            state,
            tasks,
            stop,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM; in-flight requests finish first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then stops accepting connections, lets in-flight
    /// requests finish, stops the outbox after its current pass, and closes the database.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let store = self.state.store.clone();
        // Streamed pages go out in several writes: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add 40 ms to each of them.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await?;
        let _ = self.stop.send(true);
        for task in self.tasks {
            if tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .is_err()
            {
                tracing::warn!("a background task did not stop within 30 s");
            }
        }
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The route list, generated once per process. Generating it renders the app with resource
/// loading suppressed process-wide (leptos issue #4773): a page that another instance in the same
/// process (the tests run several) rendered at that moment would wait forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    let routes = route_list();
    let context_state = state.clone();
    let mut router = Router::new().route(routes::HEALTH, get(health)).route(
        routes::MY_DATA,
        get(crate::server::http::data_export::download),
    );
    // Turned off: /metrics is an unknown page (404), like any other.
    if !matches!(state.settings.metrics, MetricsAccess::Off) {
        router = router.route(
            routes::METRICS,
            get(crate::server::http::observability::metrics),
        );
    }
    if state.settings.dev_mailbox_enabled() {
        router = router
            .route(
                routes::DEV_MAILBOX,
                get(crate::server::http::dev_mailbox::list),
            )
            .route(
                &format!("{}/{{id}}", routes::DEV_MAILBOX),
                get(crate::server::http::dev_mailbox::show),
            );
    }
    router
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || document(&options)
            },
        )
        .merge(crate::server::http::assets::router(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(crate::server::http::page_cache::PageCache::default()),
            crate::server::http::page_cache::cached_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.public_url.is_https(),
            crate::server::http::anonymous::anonymous_space_to_login,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(state.settings.public_url.origin()),
            crate::server::http::security::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::server::http::health::Unavailable::new(
                state.health.clone(),
                &crate::server::http::assets::stylesheet_href(&state.leptos_options),
            ),
            crate::server::http::health::unavailable_page,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.public_url.is_https(),
            crate::server::http::security::security_headers,
        ))
        // Pages are compressed as they are sent; /pkg files come precompressed (left alone).
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(crate::server::http::cache_control::Policy::new(
                &state.leptos_options,
            )),
            crate::server::http::cache_control::cache_control,
        ))
        .layer(axum::middleware::from_fn(
            crate::server::http::observability::track_requests,
        ))
        // Outermost first: the client is resolved, the request gets its id (a trusted proxy's,
        // else a new one), every log line of the request carries it, and the answer sends it back.
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::middleware::from_fn_with_state(
                    Arc::new(crate::server::http::client_ip::ClientIpPolicy {
                        proxies: state.settings.trusted_proxies.clone(),
                        production: state.settings.production,
                    }),
                    crate::server::http::client_ip::resolve_client,
                ))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(crate::server::http::observability::request_span),
                )
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
}

/// Liveness and database reachability, for operators and tests.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, Json<serde_json::Value>) {
    let database = state.store.ping().await;
    let status = if database {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(serde_json::json!({ "database": database })))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
