//! Password creation, login and forgotten password: the rules; server functions only translate.

use super::audit::{Event, EventKind};
use super::client_ip::ClientIp;
use super::emails;
use super::hashing;
use super::store::{AccountRecord, Store, StoreError};
use super::throttle::{self, Turn};
use super::tokens;
use crate::domain::{policy_refusal, EmailAddress, NewPassword, PasswordContext, UserMessage};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("email or password wrong")]
    InvalidCredentials,
    #[error("account still pending")]
    Pending,
    #[error("too many attempts, wait {0} s")]
    Throttled(i64),
    #[error("link unknown, used or expired")]
    LinkInvalid,
    #[error("password refused: {0}")]
    PasswordRefused(String),
    #[error("invalid email address: {0}")]
    InvalidEmail(String),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("hashing: {0}")]
    Hash(#[from] hashing::HashError),
}

/// Message when the two password entries differ.
pub const PASSWORDS_DIFFER: &str = "Les deux mots de passe ne sont pas identiques.";

/// « Cliquer ici pour continuer »: opens a short password-setting flow from the emailed link and
/// returns the flow's secret (kept in a cookie). The link itself stays valid until a password is
/// saved (or it expires): another tab, another device or a later visit can open a flow too; the
/// first flow to save ends every other one ([`set_password`]).
pub async fn open_password_flow(
    store: &Store,
    link_token: &str,
    ip: &ClientIp,
) -> Result<String, AuthError> {
    let account_id = store
        .peek_token(
            link_token,
            &[tokens::PASSWORD_SETUP, tokens::PASSWORD_RESET],
        )
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let mut tx = store.begin().await.map_err(StoreError::from)?;
    let (flow, flow_hash) = tokens::generate();
    Store::insert_token(
        &mut tx,
        account_id,
        &flow_hash,
        tokens::PASSWORD_FLOW,
        tokens::PASSWORD_FLOW_TTL_SECONDS,
    )
    .await?;
    let event = Event::new(EventKind::LinkUsed)
        .account(account_id)
        .ip(Some(ip.as_str()))
        .detail("password link opened");
    Store::audit_in(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(flow)
}

/// The account's own values, which its password may not merely decorate.
pub fn password_context(account: &AccountRecord) -> PasswordContext {
    PasswordContext {
        siret: account.siret.clone(),
        organisation: account.organisation_name.clone(),
        last_name: account.last_name.clone(),
        first_name: account.first_name.clone(),
        email_local_part: account
            .email
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The account a password flow belongs to, if the flow is still open.
pub async fn flow_account(store: &Store, flow: &str) -> Result<Option<AccountRecord>, AuthError> {
    match store.peek_token(flow, &[tokens::PASSWORD_FLOW]).await? {
        Some(id) => Ok(store.account_by_id(id).await?),
        None => Ok(None),
    }
}

/// « Valider »: checks the password, stores its hash, activates the account, ends its sessions
/// and queues a notice — all in one transaction that also uses the flow and kills the link and
/// every other flow, so it succeeds once whatever the tabs and devices.
pub async fn set_password(
    store: &Store,
    public_url: &str,
    support: &str,
    flow: &str,
    password: &str,
    confirmation: &str,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let account = flow_account(store, flow)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let password =
        NewPassword::parse(password).map_err(|e| AuthError::PasswordRefused(e.user_message()))?;
    if password.expose() != confirmation {
        return Err(AuthError::PasswordRefused(PASSWORDS_DIFFER.into()));
    }
    // The page applies the same rules live, so it never calls strong what is refused here.
    if let Some(refusal) = policy_refusal(password.expose(), &password_context(&account)) {
        return Err(AuthError::PasswordRefused(refusal.user_message()));
    }
    let hash = hashing::hash(password.expose().to_owned()).await?;
    let mut tx = store.begin().await.map_err(StoreError::from)?;
    if Store::consume_token(&mut tx, flow, &[tokens::PASSWORD_FLOW]).await? != Some(account.id) {
        return Err(AuthError::LinkInvalid);
    }
    Store::activate_account(&mut tx, account.id, &hash).await?;
    Store::revoke_tokens(&mut tx, account.id).await?;
    Store::delete_account_sessions(&mut tx, account.id).await?;
    Store::enqueue_email(
        &mut tx,
        &emails::password_changed(&account.email, &account.first_name, public_url, support),
    )
    .await?;
    let event = Event::new(EventKind::PasswordChanged)
        .siret(&account.siret)
        .account(account.id)
        .ip(Some(ip.as_str()))
        .detail("password set, account active, other sessions ended");
    Store::audit_in(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(account_id = account.id, "password set, account active");
    Ok(())
}

/// Checks credentials; returns the account id. Unknown addresses cost one argon2 verification
/// too, and attempts are slowed down per account and per IP.
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
    ip: &ClientIp,
) -> Result<i64, AuthError> {
    let account = match EmailAddress::parse(email) {
        Ok(address) => store.account_by_email(&address).await?,
        Err(_) => None,
    };
    let outcome = check_credentials(store, email, password, ip, account.as_ref()).await;
    match &outcome {
        Ok(_) => {}
        Err(AuthError::Throttled(_)) => {
            metrics::counter!("hubpro_login_slowdowns_total").increment(1)
        }
        Err(_) => metrics::counter!("hubpro_login_failures_total").increment(1),
    }
    let (kind, detail) = match &outcome {
        Ok(_) => (EventKind::LoginSucceeded, "login".to_owned()),
        Err(e) => (
            EventKind::LoginFailed,
            match (e, &account) {
                (AuthError::InvalidCredentials, None) => "unknown address".to_owned(),
                (e, _) => e.to_string(),
            },
        ),
    };
    let mut event = Event::new(kind).ip(Some(ip.as_str())).detail(detail);
    if let Some(a) = &account {
        event = event.siret(&a.siret).account(a.id);
    }
    store.audit(&event).await;
    outcome
}

async fn check_credentials(
    store: &Store,
    email: &str,
    password: &str,
    ip: &ClientIp,
    account: Option<&AccountRecord>,
) -> Result<i64, AuthError> {
    let ip_key = format!("login:ip:{}", ip.budget_key());
    if let Turn::Wait(s) = store.take_turn(&ip_key, throttle::LOGIN_IP).await? {
        return Err(AuthError::Throttled(s));
    }
    let identity = email.trim().to_ascii_lowercase();
    let account_key = format!("login:account:{identity}");
    if let Turn::Wait(s) = store
        .take_turn(&account_key, throttle::LOGIN_ACCOUNT)
        .await?
    {
        return Err(AuthError::Throttled(s));
    }
    let stored = account.and_then(|a| a.password_hash.clone());
    // Bounded like the form field, so a huge value cannot burn CPU.
    let candidate: String = password
        .chars()
        .take(crate::domain::password::PASSWORD_MAX)
        .collect();
    let ok = hashing::verify(candidate, stored).await;
    match account {
        Some(a) if a.password_hash.is_none() => Err(AuthError::Pending),
        Some(a) if ok => {
            store.reset_turns(&account_key).await?;
            store.reset_turns(&ip_key).await?;
            Ok(a.id)
        }
        _ => Err(AuthError::InvalidCredentials),
    }
}

/// « Mot de passe oublié »: emails a fresh link when the address has an account (previous links
/// die), and answers the same either way.
pub async fn request_reset(
    store: &Store,
    public_url: &str,
    support: &str,
    email: &str,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let address =
        EmailAddress::parse(email).map_err(|e| AuthError::InvalidEmail(e.user_message()))?;
    if let Turn::Wait(s) = store
        .take_turn(&format!("reset:ip:{}", ip.budget_key()), throttle::RESET_IP)
        .await?
    {
        return Err(AuthError::Throttled(s));
    }
    let address_key = format!("reset:address:{}", address.identity());
    if let Turn::Wait(s) = store
        .take_turn(&address_key, throttle::RESET_ADDRESS)
        .await?
    {
        return Err(AuthError::Throttled(s));
    }
    let Some(account) = store.account_by_email(&address).await? else {
        tracing::info!("reset asked for an address without account");
        return Ok(());
    };
    let (token, token_hash) = tokens::generate();
    let link = format!("{public_url}/mot-de-passe/creer?jeton={token}");
    let mut tx = store.begin().await.map_err(StoreError::from)?;
    Store::revoke_tokens(&mut tx, account.id).await?;
    Store::insert_token(
        &mut tx,
        account.id,
        &token_hash,
        tokens::PASSWORD_RESET,
        tokens::PASSWORD_RESET_TTL_SECONDS,
    )
    .await?;
    Store::enqueue_email(
        &mut tx,
        &emails::password_reset(
            &account.email,
            &account.first_name,
            &link,
            tokens::PASSWORD_RESET_TTL_SECONDS / 60,
            support,
            account.password_hash.is_some(),
        ),
    )
    .await?;
    let event = Event::new(EventKind::PasswordResetRequested)
        .siret(&account.siret)
        .account(account.id)
        .ip(Some(ip.as_str()))
        .detail("new password link sent, older links revoked");
    Store::audit_in(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// « Réessayez dans … » in French.
pub fn retry_message(seconds: i64) -> String {
    format!(
        "Trop de tentatives. Pour protéger votre compte, réessayez dans {}.",
        crate::domain::messages::french_wait(seconds)
    )
}
