//! The dev mailbox (letter_opener style): with no SMTP server configured, the emails the app sent
//! can be read here and their links clicked. Not mounted when an SMTP server is configured.

use crate::app::standalone::{dev_mailbox, MailboxEntry};
use crate::server::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub async fn list(State(state): State<AppState>) -> Response {
    let emails = match state.store.recent_emails(100).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "dev mailbox");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let entries = emails
        .into_iter()
        .map(|m| MailboxEntry {
            href: format!("{}/{}", crate::routes::DEV_MAILBOX, m.id),
            subject: m.email.subject,
            to: m.email.to,
            sent: m.sent_at.is_some(),
        })
        .collect();
    let stylesheet = crate::server::http::assets::stylesheet_href(&state.leptos_options);
    Html(dev_mailbox(&stylesheet, entries)).into_response()
}

pub async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match state.store.email_by_id(id).await {
        Ok(Some(m)) => Html(m.email.html).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "Message introuvable").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "dev mailbox");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
