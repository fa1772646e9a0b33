//! The dev mailbox (letter_opener style): with no SMTP server configured, the emails the app sent
//! can be read here and their links clicked. Not mounted when an SMTP server is configured.

use crate::server::http::state::AppState;
use crate::server::mail::emails::escape;
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
    let rows: String = emails
        .iter()
        .map(|m| {
            format!(
                "<li><a href=\"{mailbox}/{id}\">{subject}</a><br><span class=\"hint\">à {to} — {state}</span></li>",
                mailbox = crate::routes::DEV_MAILBOX,
                id = m.id,
                subject = escape(&m.email.subject),
                to = escape(&m.email.to),
                state = if m.sent_at.is_some() { "distribué" } else { "en attente" },
            )
        })
        .collect();
    let body = if rows.is_empty() {
        "<p>Aucun message pour l'instant.</p>".to_owned()
    } else {
        format!("<ul class=\"mailbox\">{rows}</ul>")
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Boîte de réception de développement · Hub Pro Transport</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><main>\
         <section class=\"card\"><h1>Boîte de réception de développement</h1>\
         <p class=\"hint\">Aucun serveur SMTP n'est configuré : les messages envoyés par l'application sont \
         conservés ici (100 derniers). Configurez HUBPRO_SMTP_URL pour les envoyer réellement.</p>{body}\
         <p><a href=\"/\">Revenir à l'accueil</a></p>\
         </section></main></body></html>",
        css = escape(&crate::server::http::assets::stylesheet_href(&state.leptos_options)),
    ))
    .into_response()
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
