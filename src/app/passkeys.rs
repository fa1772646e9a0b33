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
    let state = web::state();
    let caller = web::signed_in(&state).await?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let started = passkeys.start_registration(&caller.asker()).await;
    started.map(challenge).map_err(|e| web::refused((), e))
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
    let state = web::state();
    let (caller, passkeys) = (web::signed_in(&state).await?, state.passkeys());
    let passkeys = passkeys.map_err(|e| web::refused((), e))?;
    let asker = caller.asker();
    let saved = passkeys
        .finish_registration(&asker, &ceremony, &name, &credential)
        .await;
    let first = saved.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    let next = if first {
        crate::routes::RECOVERY_CODES
    } else {
        crate::routes::SPACE
    };
    Ok(next.to_owned())
}

/// « Supprimer » a passkey (a plain form).
#[server(prefix = "/api", endpoint = "cle-d-acces-supprimer", output = super::codec::JsonOut)]
pub async fn remove_passkey(id: String) -> Result<(), Refused> {
    use crate::server::{accounts::auth::AuthError, http::web};
    let state = web::state();
    let (caller, passkeys) = (web::signed_in(&state).await?, state.passkeys());
    let passkeys = passkeys.map_err(|e| web::refused((), e))?;
    // Only our own page posts here, with an id it listed.
    let id: i64 = id
        .parse()
        .map_err(|_| web::refused((), AuthError::FactorChanged))?;
    let removed = passkeys.remove(&caller.asker(), id).await;
    removed.map_err(|e| web::refused((), e))?;
    state.outbox_wake.notify_one();
    leptos_axum::redirect(crate::routes::SPACE);
    Ok(())
}

/// First request of using a passkey: `connexion` (one-step sign-in), `code` (the login's
/// second step, from its cookie) or `confirmation` (the session, before a change).
#[server(prefix = "/api", endpoint = "cle-d-acces-demande", output = super::codec::JsonOut)]
pub async fn passkey_request(purpose: String) -> Result<PasskeyChallenge, Refused> {
    use crate::server::{accounts::auth::AuthError, http::web};
    let state = web::state();
    let purpose =
        purpose_of(&purpose).ok_or_else(|| web::refused((), AuthError::PasskeyRefused))?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let account = ceremony_account(&state, purpose).await?;
    let started = passkeys.start_use(purpose, account).await;
    started.map(challenge).map_err(|e| web::refused((), e))
}

/// The account a ceremony of `purpose` is for: none for a one-step sign-in (budgeted per client
/// address), the login step's, or the caller's.
#[cfg(feature = "ssr")]
async fn ceremony_account(
    state: &crate::server::http::state::AppState,
    purpose: crate::server::store::Ceremony,
) -> Result<Option<crate::server::store::AccountId>, Refused> {
    use crate::server::{accounts::auth, http::web, store::Ceremony};
    match purpose {
        Ceremony::SignIn | Ceremony::Register => {
            let ip = web::client_ip().await;
            let admitted = state.limits.passkey.take(&ip).await;
            admitted.map(|()| None).map_err(|s| web::too_many((), s))
        }
        Ceremony::SecondFactor => {
            let step = web::login_step_or_refuse(state)?;
            let account = auth::step_account(&state.store, &step).await;
            account.map(Some).map_err(|e| web::refused((), e))
        }
        Ceremony::Reauthenticate => Ok(Some(web::signed_in(state).await?.account.id)),
    }
}

/// Second request: the passkey the browser used. Answers where to go next.
#[server(prefix = "/api", endpoint = "cle-d-acces-utiliser", output = super::codec::JsonOut)]
pub async fn use_passkey(
    purpose: String,
    ceremony: String,
    credential: String,
) -> Result<String, Refused> {
    use crate::server::{accounts::auth, accounts::auth::AuthError, http::web, store::Ceremony};
    let state = web::state();
    let purpose =
        purpose_of(&purpose).ok_or_else(|| web::refused((), AuthError::PasskeyRefused))?;
    let passkeys = state.passkeys().map_err(|e| web::refused((), e))?;
    let (context, step) = (web::LoginContext::of(&state).await, web::login_step(&state));
    let browser = context.browser();
    let done = match (purpose, step) {
        (Ceremony::Reauthenticate, _) => {
            let caller = web::signed_in(&state).await?;
            let asker = caller.asker();
            let confirmed = passkeys
                .reauthenticate(&asker, &ceremony, &credential)
                .await;
            confirmed.map_err(|e| web::refused((), e))?;
            return Ok(crate::routes::SPACE.to_owned());
        }
        (Ceremony::SecondFactor, None) => Err(AuthError::LoginExpired),
        (Ceremony::SecondFactor, Some(step)) => {
            auth::second_step_with_passkey(&passkeys, &step, &ceremony, &credential, &browser).await
        }
        _ => auth::sign_in_with_passkey(&passkeys, &ceremony, &credential, &browser).await,
    };
    web::logged_in(&state, &done.map_err(|e| web::refused((), e))?);
    Ok(crate::routes::SPACE.to_owned())
}

/// Whether the login waiting for its second factor may use a passkey (its account has one).
#[server(prefix = "/api", endpoint = "cle-d-acces-proposee", output = super::codec::JsonOut)]
pub async fn step_has_passkey() -> Result<bool, Refused> {
    use crate::server::{accounts::auth, http::web};
    let state = web::state();
    let Some(step) = web::login_step(&state) else {
        return Ok(false);
    };
    let Ok(account) = auth::step_account(&state.store, &step).await else {
        return Ok(false);
    };
    let passkeys = state.store.passkeys_of(account).await;
    let any = !passkeys.map_err(|e| web::refused((), e))?.is_empty();
    Ok(state.webauthn.is_some() && any)
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
