//! Request helpers for server functions: the caller's IP, cookies, the logged-in account, and
//! the status of a refused call.

use crate::domain::FormProblem;
use crate::server::clients::ClientIp;
use crate::server::http::cookies;
use crate::server::http::refusals::Refusal;
use crate::server::http::state::AppState;
use crate::server::store::{Account, DeviceKey, LinkToken, SessionId};
use axum::http::{header, HeaderValue, StatusCode};

/// The client's address, as resolved behind the trusted proxies ([`crate::server::http::client_ip`]).
pub async fn client_ip() -> ClientIp {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientIp>().cloned())
        .unwrap_or_else(|| ClientIp::new(std::net::IpAddr::from([127, 0, 0, 1])))
}

/// Whether this request is a person opening a page: a top-level navigation
/// (`Sec-Fetch-Mode: navigate` and `Sec-Fetch-Dest: document`), or a client that sends no such
/// headers. Not an `<img>`, an `<iframe>` or a script's `fetch` on another site's page.
pub fn is_top_level_navigation() -> bool {
    let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() else {
        return true;
    };
    let get = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    match (get("sec-fetch-mode"), get("sec-fetch-dest")) {
        (None, None) => true,
        (mode, dest) => mode == Some("navigate") && dest == Some("document"),
    }
}

/// The request's `User-Agent`, if any.
pub fn user_agent() -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The value of one of our cookies in the request.
pub fn cookie(state: &AppState, kind: cookies::Kind) -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    cookies::read(&parts.headers, kind, state.settings.public_url.is_https())
}

/// Sets one of our cookies on the response.
pub fn set_cookie(state: &AppState, kind: cookies::Kind, value: &str) {
    append_set_cookie(&cookies::set(
        kind,
        value,
        state.settings.public_url.is_https(),
    ));
}

/// Removes one of our cookies.
pub fn clear_cookie(state: &AppState, kind: cookies::Kind) {
    append_set_cookie(&cookies::clear(kind, state.settings.public_url.is_https()));
}

fn append_set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// The session cookie's id, if any (and well formed).
pub fn session_id(state: &AppState) -> Option<SessionId> {
    SessionId::parse(&cookie(state, cookies::Kind::Session)?)
}

/// The open password flow's token (its cookie), if any.
pub fn password_flow(state: &AppState) -> Option<LinkToken> {
    LinkToken::parse(&cookie(state, cookies::Kind::PasswordFlow)?)
}

/// The login waiting for its second factor (its cookie), if any.
pub fn login_step(state: &AppState) -> Option<LinkToken> {
    LinkToken::parse(&cookie(state, cookies::Kind::LoginStep)?)
}

/// The browser's device key (its cookie), if it has one of ours.
pub fn device_key(state: &AppState) -> Option<DeviceKey> {
    DeviceKey::parse(&cookie(state, cookies::Kind::Device)?)
}

/// What a login knows of the browser it comes from (its address, cookies and `User-Agent`);
/// [`LoginContext::browser`] lends it to the login's functions.
pub struct LoginContext {
    ip: ClientIp,
    device: Option<DeviceKey>,
    session: Option<SessionId>,
    user_agent: String,
}

impl LoginContext {
    pub async fn of(state: &AppState) -> Self {
        LoginContext {
            ip: client_ip().await,
            device: device_key(state),
            session: session_id(state),
            user_agent: user_agent(),
        }
    }

    pub fn browser(&self) -> crate::server::accounts::auth::Browser<'_> {
        crate::server::accounts::auth::Browser {
            ip: &self.ip,
            device: self.device.as_ref(),
            session: self.session.as_ref(),
            user_agent: &self.user_agent,
        }
    }
}

/// The app's state, as every server function reaches it.
pub fn state() -> AppState {
    leptos::prelude::expect_context::<AppState>()
}

pub use crate::server::accounts::Caller;

/// The caller, if its session is alive.
pub async fn caller(state: &AppState) -> Option<Caller> {
    let account = current_account(state).await?;
    Some(Caller {
        account,
        session: session_id(state)?,
        ip: client_ip().await,
        user_agent: user_agent(),
    })
}

/// A login is complete: its session and device cookies (the step's goes), and the outbox woken
/// (a login from a new browser, or with a recovery code, may have queued its notice).
pub fn logged_in(state: &AppState, done: &crate::server::accounts::auth::LoggedIn) {
    state.outbox_wake.notify_one();
    set_cookie(state, cookies::Kind::Session, done.session.expose());
    set_cookie(state, cookies::Kind::Device, done.device.expose());
    clear_cookie(state, cookies::Kind::LoginStep);
}

/// The login waiting for its second factor, or the refusal of a step that expired.
pub fn login_step_or_refuse(state: &AppState) -> Result<LinkToken, FormProblem<()>> {
    login_step(state)
        .ok_or_else(|| refused((), crate::server::accounts::auth::AuthError::LoginExpired))
}

/// The caller, or the refusal of a call without a live session.
pub async fn signed_in(state: &AppState) -> Result<Caller, FormProblem<()>> {
    caller(state).await.ok_or_else(|| session_ended(()))
}

/// The refusal of a call that needs a session and came without a live one, the form as typed.
pub fn session_ended<F>(form: F) -> FormProblem<F> {
    refused(form, Refusal::general(crate::domain::Problem::SessionEnded))
}

/// The refusal of a call beyond its per-client budget, the form as typed.
pub fn too_many<F>(form: F, seconds: i64) -> FormProblem<F> {
    refused(
        form,
        Refusal::general(crate::domain::Problem::TooManyRequests { seconds }),
    )
}

/// The logged-in account, if the session is alive.
pub async fn current_account(state: &AppState) -> Option<Account> {
    let id = session_id(state)?;
    let found = crate::server::accounts::sessions::account(&state.store, &id).await;
    found.unwrap_or_else(|e| {
        tracing::error!(error = %e, "session lookup failed");
        None
    })
}

/// A refused server-function call, the form as typed: the refusal names the configured support
/// contact, and the response gets its status ([`refuse`]).
pub fn refused<F>(form: F, refusal: impl Into<Refusal>) -> FormProblem<F> {
    let Refusal { fields, general } = refusal.into();
    let mut problem = FormProblem::keeping(form, fields, general);
    if let Some(state) = leptos::prelude::use_context::<AppState>() {
        problem = problem.naming_support(&state.settings.support_contact);
    }
    refuse(problem)
}

/// A refused server-function call: gives the response the problem's HTTP status (422 refused,
/// 429 too many, 503 INSEE down…) and hands the problem back. A plain form post (no
/// JavaScript) keeps the redirect Leptos answers it with.
pub fn refuse<F>(problem: FormProblem<F>) -> FormProblem<F> {
    set_status(problem.status());
    if let Some(seconds) = problem.general.as_ref().and_then(|p| p.retry_after()) {
        if let (Some(res), Ok(v)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&seconds.to_string()),
        ) {
            res.insert_header(header::RETRY_AFTER, v);
        }
    }
    problem
}

/// A refusal of a plain form post from a link page. Link pages send no `Referer` (their URL holds
/// a secret), so the browser would otherwise be sent to the home page with the refusal: it goes
/// back to the link page, with the refusal in its URL as from any other page.
pub fn refused_back_to<F>(
    form: F,
    refusal: impl Into<Refusal>,
    server_fn_path: &str,
    page: &str,
    token: &str,
) -> FormProblem<F>
where
    FormProblem<F>: leptos::server_fn::error::FromServerFnError + Clone,
{
    let problem = refused(form, refusal);
    if is_plain_form_post() {
        let mut url = url::Url::parse("http://page.invalid").expect("a valid base");
        url.set_path(page);
        url.query_pairs_mut()
            .append_pair(crate::routes::query::TOKEN, token);
        if let Ok(back) =
            leptos::server_fn::error::ServerFnUrlError::new(server_fn_path, problem.clone())
                .to_url(url.as_str())
        {
            leptos_axum::redirect(&format!("{}?{}", back.path(), back.query().unwrap_or("")));
        }
    }
    problem
}

fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the status of a server function's answer, unless it answers a plain form post.
pub fn set_status(status: u16) {
    if is_plain_form_post() {
        return;
    }
    if let (Some(res), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        StatusCode::from_u16(status),
    ) {
        res.set_status(status);
    }
}
