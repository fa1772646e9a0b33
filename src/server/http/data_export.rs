//! `GET /espace/mes-donnees`: the logged-in centre's data as a JSON file to save (« Télécharger
//! mes données »). Never stored by a browser or a proxy; without a live session, the login page.

use crate::routes;
use crate::server::accounts::{export, sessions};
use crate::server::clients::ClientIp;
use crate::server::http::cookies;
use crate::server::http::state::AppState;
use crate::server::store::SessionId;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn download(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
) -> Response {
    let https = state.settings.public_url.is_https();
    let Some(session) =
        cookies::read(&headers, cookies::Kind::Session, https).and_then(|v| SessionId::parse(&v))
    else {
        return to_login();
    };
    let account = match sessions::account(&state.store, &session).await {
        Ok(Some(a)) => a,
        Ok(None) => return to_login(),
        Err(e) => return unavailable(&e),
    };
    let data = match export::centre_data(&state.store, &account, &session, ip.as_str()).await {
        Ok(d) => d,
        Err(e) => return unavailable(&e),
    };
    let body = match serde_json::to_string_pretty(&data) {
        Ok(b) => b,
        Err(e) => return unavailable(&e),
    };
    let file = format!(
        "attachment; filename=\"hub-pro-transport-donnees-{}-{}.json\"",
        account.siret.as_digits(),
        &data.generated_at[..10]
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

fn to_login() -> Response {
    (StatusCode::FOUND, [(header::LOCATION, routes::LOGIN)]).into_response()
}

fn unavailable(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "data download failed");
    use crate::domain::{Problem, UserMessage};
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Problem::Unexpected.user_message(),
    )
        .into_response()
}
