//! What operators see: log lines (text or JSON, each carrying its request id), and `/metrics` in
//! the Prometheus text format (requests by route and status with their latency, and the app's
//! own counters, recorded where they happen with the `metrics` macros).

use crate::server::clients::ClientIp;
use crate::server::config::{LogFormat, MetricsAccess, Secret};
use crate::server::http::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Installs the log subscriber once (`RUST_LOG` filters, `HUBPRO_LOG_FORMAT` shapes).
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .try_init(),
    };
}

/// The span every request's log lines belong to: its id travels with each line.
pub fn request_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// The process's metrics recorder, installed on first use (tests run several apps in one
/// process: they share it).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .expect("valid buckets")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

/// Folds the latencies recorded since the last pass into the histograms: the recorder keeps each
/// sample until then, so without it memory would grow with every request between scrapes.
pub fn spawn_upkeep(mut stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            metrics_handle().run_upkeep();
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    })
}

/// Counts each request by route and status, with its latency. Routes are the app's patterns
/// (never raw paths, whose variety would be unbounded).
pub async fn track_requests(request: Request<Body>, next: Next) -> Response {
    let route = match request.extensions().get::<MatchedPath>() {
        Some(m) => m.as_str().to_owned(),
        None if request.uri().path().starts_with("/pkg/") => "/pkg/*".to_owned(),
        None => "unmatched".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("hubpro_http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("hubpro_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: with `HUBPRO_METRICS_TOKEN`, only with `Authorization: Bearer <token>`;
/// without it (never in production), only to clients on this machine that came through no proxy.
/// Not routed at all when metrics are off.
pub async fn metrics(State(state): State<AppState>, request: Request<Body>) -> Response {
    let client = request.extensions().get::<ClientIp>().cloned();
    let allowed = match &state.settings.metrics {
        MetricsAccess::Token(token) => bearer_matches(request.headers(), token),
        MetricsAccess::Loopback => {
            client.is_some_and(|c| c.addr().is_loopback())
                && !request.headers().contains_key("x-forwarded-for")
        }
        MetricsAccess::Off => false,
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics: set Authorization: Bearer <HUBPRO_METRICS_TOKEN>, or ask from this machine\n",
        )
            .into_response();
    }
    record_outbox(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics_handle().render(),
    )
        .into_response()
}

/// Compares digests, so the time taken says nothing about the token.
fn bearer_matches(headers: &HeaderMap, token: &Secret) -> bool {
    use sha2::{Digest, Sha256};
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(given.as_bytes()) == Sha256::digest(token.expose().as_bytes())
}

/// The outbox's state, read at scrape time (every instance sees the same shared table).
async fn record_outbox(state: &AppState) {
    match state.store.outbox_counts().await {
        Ok(c) => {
            metrics::gauge!("hubpro_outbox_emails", "state" => "waiting").set(c.waiting as f64);
            metrics::gauge!("hubpro_outbox_emails", "state" => "failed").set(c.failed as f64);
            metrics::gauge!("hubpro_outbox_emails", "state" => "sent").set(c.sent as f64);
        }
        Err(e) => tracing::warn!(error = %e, "outbox counts for metrics"),
    }
}
