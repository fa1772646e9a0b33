//! Passkeys: the server functions `public/passkeys.js` calls (each WebAuthn ceremony in two
//! requests), the form that removes one, and the buttons the pages offer. The buttons stay
//! hidden until the script finds WebAuthn in the browser; everything else works without it.

use super::forms::Refused;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A ceremony for the browser: its id and the options of `navigator.credentials` (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    pub options: String,
}

/// One passkey, as the space lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    pub added_on: time::Date,
    pub used_on: Option<time::Date>,
}

/// What a ceremony is for, as the pages name it.
#[cfg(feature = "ssr")]
fn purpose_of(text: &str) -> Option<crate::server::store::Ceremony> {
    use crate::server::store::Ceremony;
    match text {
        "connexion" => Some(Ceremony::SignIn),
        "code" => Some(Ceremony::SecondFactor),
        "confirmation" => Some(Ceremony::Reauthenticate),
        _ => None,
    }
}

#[cfg(feature = "ssr")]
fn challenge(c: crate::server::accounts::passkeys::Challenge) -> PasskeyChallenge {
    PasskeyChallenge {
        ceremony: c.ceremony.expose().to_owned(),
        options: c.options,
    }
}

/// « Ajouter une clé d'accès », first request: the options to create one.
#[server(prefix = "/api", endpoint = "cle-d-acces-ajout", output = super::codec::JsonOut)]
pub async fn start_passkey() -> Result<PasskeyChallenge, Refused> {
    use crate::server::http::web;
    let state = expect_context::<crate::server::http::state::AppState>();
    let caller = super::second_factor::Caller::of(&state).await?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    passkeys
        .start_registration(&caller.asker())
        .await
        .map(challenge)
        .map_err(|e| web::refused((), e))
}

/// Second request: the passkey the browser created, kept under its name. Answers where to go:
/// the recovery codes when it is the account's first second factor, else the space.
#[server(prefix = "/api", endpoint = "cle-d-acces-enregistrer", output = super::codec::JsonOut)]
pub async fn save_passkey(
    ceremony: String,
    name: String,
    credential: String,
) -> Result<String, Refused> {
    use crate::server::http::web;
    let state = expect_context::<crate::server::http::state::AppState>();
    let caller = super::second_factor::Caller::of(&state).await?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let first = passkeys
        .finish_registration(&caller.asker(), &ceremony, &name, &credential)
        .await
        .map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    Ok(if first {
        crate::routes::RECOVERY_CODES
    } else {
        crate::routes::SPACE
    }
    .to_owned())
}

/// « Supprimer » a passkey (a plain form).
#[server(prefix = "/api", endpoint = "cle-d-acces-supprimer", output = super::codec::JsonOut)]
pub async fn remove_passkey(id: String) -> Result<(), Refused> {
    use crate::server::accounts::auth::AuthError;
    use crate::server::http::web;
    let state = expect_context::<crate::server::http::state::AppState>();
    let caller = super::second_factor::Caller::of(&state).await?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let id: i64 = id
        .parse()
        .map_err(|_| web::refused((), AuthError::FactorChanged))?;
    passkeys
        .remove(&caller.asker(), id)
        .await
        .map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(crate::routes::SPACE);
    Ok(())
}

/// First request of using a passkey: `connexion` (one-step sign-in), `code` (the login's
/// second step, from its cookie) or `confirmation` (the session, before a change).
#[server(prefix = "/api", endpoint = "cle-d-acces-demande", output = super::codec::JsonOut)]
pub async fn passkey_request(purpose: String) -> Result<PasskeyChallenge, Refused> {
    use crate::server::accounts::auth::{self, AuthError};
    use crate::server::http::web;
    use crate::server::store::Ceremony;
    let state = expect_context::<crate::server::http::state::AppState>();
    let purpose =
        purpose_of(&purpose).ok_or_else(|| web::refused((), AuthError::PasskeyRefused))?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let account = match purpose {
        Ceremony::SignIn | Ceremony::Register => {
            let ip = web::client_ip().await;
            if let Err(seconds) = state.limits.passkey.take(&ip).await {
                return Err(web::refused(
                    (),
                    crate::server::http::refusals::Refusal::general(
                        crate::domain::Problem::TooManyRequests { seconds },
                    ),
                ));
            }
            None
        }
        Ceremony::SecondFactor => {
            let step =
                web::login_step(&state).ok_or_else(|| web::refused((), AuthError::LoginExpired))?;
            Some(
                auth::step_account(&state.store, &step)
                    .await
                    .map_err(|e| web::refused((), e))?,
            )
        }
        Ceremony::Reauthenticate => {
            Some(super::second_factor::Caller::of(&state).await?.account.id)
        }
    };
    passkeys
        .start_use(purpose, account)
        .await
        .map(challenge)
        .map_err(|e| web::refused((), e))
}

/// Second request: the passkey the browser used. Answers where to go next.
#[server(prefix = "/api", endpoint = "cle-d-acces-utiliser", output = super::codec::JsonOut)]
pub async fn use_passkey(
    purpose: String,
    ceremony: String,
    credential: String,
) -> Result<String, Refused> {
    use crate::server::accounts::auth::{self, AuthError};
    use crate::server::http::{cookies, web};
    use crate::server::store::Ceremony;
    let state = expect_context::<crate::server::http::state::AppState>();
    let purpose =
        purpose_of(&purpose).ok_or_else(|| web::refused((), AuthError::PasskeyRefused))?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    if purpose == Ceremony::Reauthenticate {
        let caller = super::second_factor::Caller::of(&state).await?;
        passkeys
            .reauthenticate(&caller.asker(), &ceremony, &credential)
            .await
            .map_err(|e| web::refused((), e))?;
        return Ok(crate::routes::SPACE.to_owned());
    }
    let context = web::LoginContext::of(&state).await;
    let browser = context.browser();
    let logged_in = if purpose == Ceremony::SecondFactor {
        let step =
            web::login_step(&state).ok_or_else(|| web::refused((), AuthError::LoginExpired))?;
        auth::second_step_with_passkey(&passkeys, &step, &ceremony, &credential, &browser).await
    } else {
        auth::sign_in_with_passkey(&passkeys, &ceremony, &credential, &browser).await
    }
    .map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    web::set_cookie(&state, cookies::Kind::Session, logged_in.session.expose());
    web::set_cookie(&state, cookies::Kind::Device, logged_in.device.expose());
    web::clear_cookie(&state, cookies::Kind::LoginStep);
    Ok(crate::routes::SPACE.to_owned())
}

/// Whether the login waiting for its second factor may use a passkey (its account has one).
#[server(prefix = "/api", endpoint = "cle-d-acces-proposee", output = super::codec::JsonOut)]
pub async fn step_has_passkey() -> Result<bool, Refused> {
    use crate::server::accounts::auth;
    use crate::server::http::web;
    let state = expect_context::<crate::server::http::state::AppState>();
    let Some(step) = web::login_step(&state) else {
        return Ok(false);
    };
    let Ok(account) = auth::step_account(&state.store, &step).await else {
        return Ok(false);
    };
    let passkeys = state
        .store
        .passkeys_of(account)
        .await
        .map_err(|e| web::refused((), e))?;
    Ok(state.webauthn.is_some() && !passkeys.is_empty())
}

/// Whether this address offers passkeys (not on an IP address). Rendered on the server.
pub fn offered() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<crate::server::http::state::AppState>()
        .is_some_and(|s| s.webauthn.is_some());
    #[cfg(not(feature = "ssr"))]
    false
}

/// A button that uses a passkey for `purpose` (`connexion`, `code`, `confirmation`), with the
/// region its errors are told in, and the script. Hidden until the script finds WebAuthn.
#[component]
pub fn PasskeyButton(purpose: &'static str, label: &'static str, id: String) -> impl IntoView {
    let status = format!("{id}-status");
    offered().then(|| {
        view! {
            <div class="passkey-use">
                <button type="button" class="button secondary wide" id=id hidden
                    data-passkey="use" data-purpose=purpose data-status=status.clone()>{label}</button>
                <p class="error" id=status role="alert"></p>
                <script src="/passkeys.js" defer></script>
            </div>
        }
    })
}
