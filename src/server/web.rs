//! Request helpers for server functions: the caller's IP, cookies, the logged-in account.

use super::client_ip::ClientIp;
use super::sessions;
use super::state::AppState;
use super::store::AccountRecord;
use axum::http::{header, HeaderValue};

/// The client's address, as resolved behind the trusted proxies ([`super::client_ip`]).
pub async fn client_ip() -> ClientIp {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientIp>().cloned())
        .unwrap_or_else(|| ClientIp::new(std::net::IpAddr::from([127, 0, 0, 1])))
}

/// The value of a request cookie.
pub fn cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| sessions::read_cookie(h, name).map(str::to_owned))
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

pub fn https(state: &AppState) -> bool {
    state.settings.public_url.starts_with("https://")
}

/// The session cookie's value, if any.
pub fn session_id(state: &AppState) -> Option<String> {
    cookie(sessions::cookie_name(https(state)))
}

/// The logged-in account, if the session is alive.
pub async fn current_account(state: &AppState) -> Option<AccountRecord> {
    let id = session_id(state)?;
    match state.store.session_account(&id).await {
        Ok(Some(account_id)) => state.store.account_by_id(account_id).await.ok().flatten(),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            None
        }
    }
}

/// Gives a refused server-function call its HTTP status (422 refused, 429 too many, 503 INSEE
/// down…). A plain form post (no JavaScript) keeps the redirect Leptos answers it with.
pub fn refuse(status: axum::http::StatusCode) {
    let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() else {
        return;
    };
    let plain_form = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !plain_form {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }
}

/// « Trop de demandes » with the wait, in French.
pub fn too_many_requests(seconds: i64) -> String {
    format!(
        "Trop de demandes depuis votre connexion. Patientez {} avant de réessayer\u{202f}; ce que vous avez saisi est conservé.",
        crate::domain::messages::french_wait(seconds)
    )
}
