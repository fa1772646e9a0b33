//! Password creation, login and forgotten password: the rules; server functions only translate.

use crate::domain::{policy_refusal, EmailAddress, NewPassword, PasswordContext};
use crate::server::accounts::auth_error::BUSY_RETRY_SECONDS;
use crate::server::accounts::hashing::{self, Lane};
use crate::server::accounts::passkeys::Passkeys;
use crate::server::accounts::second_factor::{Asker, Factors, Origin, Verified};
use crate::server::accounts::throttle::{self, Turn};
use crate::server::accounts::tokens;
use crate::server::accounts::{handover, ownership};
use crate::server::clients::ClientIp;
use crate::server::mail::emails;
use crate::server::store::{
    now, Account, AccountId, Ceremony, DeviceKey, LinkPurpose, LinkToken, OfficialNotice,
    SessionId, SessionOrigin, Store, StoreError, Successor,
};
use crate::server::store::{Event, EventKind};

pub use super::auth_error::AuthError;
pub use super::notices::Notices;

/// « Cliquer ici pour continuer »: opens a short password-setting flow from the emailed link and
/// returns the flow's secret (kept in a cookie). The link itself stays valid until a password is
/// saved (or it expires): another tab, another device or a later visit can open a flow too; the
/// first flow to save ends every other one ([`set_password`]).
pub async fn open_password_flow(
    store: &Store,
    link_token: &str,
    ip: &ClientIp,
) -> Result<LinkToken, AuthError> {
    let link_token = &LinkToken::parse(link_token).ok_or(AuthError::LinkInvalid)?;
    let mut tx = store.begin().await?;
    // Checked inside the transaction, the account locked: a save in another tab either commits
    // first (the link is then revoked) or waits for this flow, and revokes it too.
    let (account, purpose) = match tx
        .peek_token_locked(link_token, &[LinkPurpose::Handover])
        .await?
    {
        // A handover's link: the same password step, for the new administrator.
        Some(account) => (account, LinkPurpose::HandoverFlow),
        None => (
            tx.peek_token_locked(link_token, &LinkPurpose::EMAILED)
                .await?
                .ok_or(AuthError::LinkInvalid)?,
            LinkPurpose::PasswordFlow,
        ),
    };
    let flow = tx
        .insert_token(account, purpose, tokens::PASSWORD_FLOW_TTL)
        .await?;
    tx.audit(
        &Event::new(EventKind::LinkUsed)
            .account(account)
            .ip(ip)
            .detail("password link opened"),
    )
    .await?;
    tx.commit().await?;
    Ok(flow)
}

/// The account's own values, which its password may not merely decorate.
pub fn password_context(account: &Account) -> PasswordContext {
    PasswordContext {
        siret: Some(account.siret.clone()),
        organisation: account.organisation_name.to_string(),
        last_name: account.last_name.to_string(),
        first_name: account.first_name.to_string(),
        email_local_part: account.email.local_part(),
    }
}

/// Whether an emailed password link (a handover's too) is still usable, without using it.
pub async fn emailed_link_is_valid(store: &Store, link: &LinkToken) -> Result<bool, AuthError> {
    Ok(store
        .peek_token(link, &LinkPurpose::PASSWORD_PAGE)
        .await?
        .is_some())
}

/// Whose password an open flow sets: the account's own administrator, or a handover's new one.
pub enum FlowOwner {
    Account(Account),
    /// The account, and the administrator-to-be its handover names.
    Successor(Account, Successor),
}

impl FlowOwner {
    /// The values the password may not merely decorate: its future owner's.
    pub fn password_context(&self) -> PasswordContext {
        match self {
            Self::Account(account) => password_context(account),
            Self::Successor(account, successor) => PasswordContext {
                last_name: successor.last_name.to_string(),
                first_name: successor.first_name.to_string(),
                email_local_part: successor.email.local_part(),
                ..password_context(account)
            },
        }
    }

    fn account(&self) -> &Account {
        match self {
            Self::Account(account) | Self::Successor(account, _) => account,
        }
    }
}

/// Whose password a flow sets, if the flow is still open.
pub async fn flow_owner(store: &Store, flow: &LinkToken) -> Result<Option<FlowOwner>, AuthError> {
    if let Some(id) = store.peek_token(flow, &[LinkPurpose::PasswordFlow]).await? {
        return Ok(store.account_by_id(id).await?.map(FlowOwner::Account));
    }
    let Some(id) = store.peek_token(flow, &[LinkPurpose::HandoverFlow]).await? else {
        return Ok(None);
    };
    let (Some(account), Some(handover)) =
        (store.account_by_id(id).await?, store.handover_of(id).await?)
    else {
        return Ok(None);
    };
    Ok(Some(FlowOwner::Successor(account, handover.successor)))
}

/// « Valider »: checks the password, stores its hash, activates the account, ends its sessions
/// and queues a notice — all in one transaction that also uses the flow and kills the link and
/// every other flow, so it succeeds once whatever the tabs and devices.
pub async fn set_password(
    store: &Store,
    notices: &Notices<'_>,
    flow: &LinkToken,
    password: &str,
    confirmation: &str,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let Notices {
        public_url,
        support,
    } = *notices;
    let owner = flow_owner(store, flow)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let password = NewPassword::parse(password).map_err(AuthError::PasswordInvalid)?;
    if password.expose() != confirmation {
        return Err(AuthError::PasswordsDiffer);
    }
    // The page applies the same rules live, so it never calls strong what is refused here.
    if let Some(refusal) = policy_refusal(password.expose(), &owner.password_context()) {
        return Err(AuthError::PasswordPolicy(refusal));
    }
    let hash = hashing::hash(password.expose().to_owned()).await?;
    let account = owner.account();
    let official = ownership::official_addresses(store, &account.siret).await?;
    if let FlowOwner::Successor(..) = owner {
        return accept_handover(store, notices, flow, &hash, official, ip).await;
    }
    let mut tx = store.begin().await?;
    // Locked first, so that a flow being opened meanwhile is either revoked below or finds its
    // link revoked ([`open_password_flow`]).
    let account = tx
        .lock_account(account.id)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    if tx.consume_token(flow, &[LinkPurpose::PasswordFlow]).await? != Some(account.id) {
        return Err(AuthError::LinkInvalid);
    }
    tx.activate_account(account.id, &hash).await?;
    // An account asked before any official address was on file is told now, once.
    if account.official == OfficialNotice::Due {
        let claim = ownership::Claim {
            account: account.id,
            siret: &account.siret,
            email: &account.email,
            ip,
        };
        ownership::tell_official_addresses(&mut tx, &official, &claim, public_url, support).await?;
    }
    tx.revoke_tokens(account.id).await?;
    // A login waiting for its code began with the old password.
    tx.revoke_login_steps(account.id).await?;
    tx.delete_account_sessions(account.id).await?;
    // A new password: browsers known with the old one must log in again to be known.
    tx.forget_devices(account.id).await?;
    tx.enqueue_email(&emails::password_changed(
        &account.email,
        &account.first_name,
        &emails::Change {
            at: now(),
            ip: ip.as_str(),
        },
        public_url,
        support,
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::PasswordChanged)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail("password set, account active, other sessions ended"),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "password set, account active");
    Ok(())
}

/// « Valider » on a handover's flow: the account changes hands, in one transaction that uses
/// the flow ([`handover::accept`]).
async fn accept_handover(
    store: &Store,
    notices: &Notices<'_>,
    flow: &LinkToken,
    hash: &str,
    official: Vec<EmailAddress>,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let mut tx = store.begin().await?;
    let id = tx
        .peek_token_locked(flow, &[LinkPurpose::HandoverFlow])
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let account = tx.lock_account(id).await?.ok_or(AuthError::LinkInvalid)?;
    if tx.consume_token(flow, &[LinkPurpose::HandoverFlow]).await? != Some(account.id) {
        return Err(AuthError::LinkInvalid);
    }
    handover::accept(&mut tx, notices, &account, hash, official, ip).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "account handed over");
    Ok(())
}

/// A successful login: the account, and the device cookie its browser keeps (a new one for a
/// browser not yet known to the account, else the same, renewed).
#[derive(Debug)]
pub struct LoggedIn {
    pub account: AccountId,
    pub device: DeviceKey,
    /// The new session's id.
    pub session: SessionId,
}

/// What a right password leads to: a session, or the second step.
#[derive(Debug)]
pub enum LoginOutcome {
    Done(LoggedIn),
    /// The account asks for a second factor: this secret (a cookie) names the login until the
    /// code is typed ([`second_step`]).
    SecondStep(LinkToken),
}

/// How long the second step waits for its code.
pub const SECOND_STEP_TTL: crate::server::store::Duration =
    crate::server::store::Duration::minutes(5);

/// The browser a login comes from.
pub struct Browser<'a> {
    pub ip: &'a ClientIp,
    /// Its device cookie, if it sent one (only ever a value we made: anything else is none).
    pub device: Option<&'a DeviceKey>,
    /// Its session, if it has one: a login ends it and opens a new one.
    pub session: Option<&'a SessionId>,
    /// Its `User-Agent`, kept with the new session (the space lists the sessions).
    pub user_agent: &'a str,
}

/// Checks credentials; returns the account. Unknown addresses and pending accounts cost one
/// argon2 verification too and answer like a wrong password.
///
/// A browser that logged into this account before (its device cookie) is judged by its own
/// failures only and has its own hashing lane: strangers guessing from many addresses can
/// neither lock its owner out nor make it wait. Other logins are slowed down per client
/// address (and IPv6 /56), per (account, address) and, much higher, per account across
/// addresses; their hashing queue is bounded.
pub async fn login(
    store: &Store,
    notices: &Notices<'_>,
    email: &str,
    password: &str,
    browser: &Browser<'_>,
) -> Result<LoginOutcome, AuthError> {
    let ip = browser.ip;
    let account = match EmailAddress::parse(email) {
        Ok(address) => store.account_by_email(&address).await?,
        Err(_) => None,
    };
    let device = browser.device;
    let known_device = match device {
        Some(key) => store
            .is_known_device(key, account.as_ref().map(|a| a.id))
            .await?
            .then_some(key),
        None => None,
    };
    let outcome = match (&known_device, &account) {
        (Some(key), Some(account)) => check_from_known_device(store, password, key, account).await,
        _ => check_credentials(store, notices, email, password, ip, account.as_ref()).await,
    };
    match &outcome {
        Ok(_) => {}
        Err(AuthError::Throttled(_)) | Err(AuthError::Busy(_)) => {
            metrics::counter!("hubpro_login_slowdowns_total").increment(1)
        }
        Err(_) => metrics::counter!("hubpro_login_failures_total").increment(1),
    }
    let second_step = match &outcome {
        Ok(id) => store.has_second_factor(*id).await?,
        Err(_) => false,
    };
    let (kind, detail) = match &outcome {
        Ok(_) if second_step => (
            EventKind::LoginSucceeded,
            "password right: second factor asked".to_owned(),
        ),
        Ok(_) if known_device.is_some() => (EventKind::LoginSucceeded, "login".to_owned()),
        Ok(_) => (
            EventKind::LoginSucceeded,
            "login from a browser not known to the account".to_owned(),
        ),
        Err(e) => (
            EventKind::LoginFailed,
            match (e, &account) {
                (AuthError::InvalidCredentials, None) => "unknown address".to_owned(),
                // Answered like a wrong password; the trail says why, for support.
                (AuthError::InvalidCredentials, Some(a)) if a.state.password_hash().is_none() => {
                    "account still pending: no password yet".to_owned()
                }
                (e, _) => e.to_string(),
            },
        ),
    };
    let mut event = Event::new(kind).ip(ip).detail(detail);
    if let Some(a) = &account {
        event = event.siret(&a.siret).account(a.id);
    }
    store.audit(&event).await;
    let record = account;
    let account = outcome?;
    if second_step {
        let mut tx = store.begin().await?;
        let step = tx
            .insert_token(account, LinkPurpose::SecondFactor, SECOND_STEP_TTL)
            .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::SecondStep(step));
    }
    let record = record.ok_or(AuthError::InvalidCredentials)?;
    Ok(LoginOutcome::Done(
        finish(store, notices, &record, browser, known_device.is_some()).await?,
    ))
}

/// « Connexion »'s second step: a code of the account's app, or a recovery code, ends the
/// login the password began (within [`SECOND_STEP_TTL`], once).
pub async fn second_step(
    factors: &Factors<'_>,
    step: &LinkToken,
    code: &str,
    browser: &Browser<'_>,
) -> Result<LoggedIn, AuthError> {
    let store = factors.store;
    let id = step_account(store, step).await?;
    let account = store
        .account_by_id(id)
        .await?
        .ok_or(AuthError::LoginExpired)?;
    let origin = Origin {
        account: &account,
        ip: browser.ip,
        user_agent: browser.user_agent,
    };
    let verified = factors.verify(origin, code).await?;
    spend_step(store, step, id).await?;
    if let Verified::RecoveryCode { left } = verified {
        factors.tell_code_used(origin, left).await?;
    }
    let detail = match verified {
        Verified::App => "second factor: app code",
        Verified::RecoveryCode { .. } => "second factor: recovery code",
    };
    complete(store, &factors.notices, &account, browser, detail).await
}

/// Uses the login's second step (once: two tabs finishing it, one wins).
async fn spend_step(store: &Store, step: &LinkToken, id: AccountId) -> Result<(), AuthError> {
    let mut tx = store.begin().await?;
    if tx.consume_token(step, &[LinkPurpose::SecondFactor]).await? != Some(id) {
        return Err(AuthError::LoginExpired);
    }
    tx.commit().await?;
    Ok(())
}

/// The second step with a passkey instead of a code: the ceremony began for the account of
/// `step`, the passkey must be one of its own.
pub async fn second_step_with_passkey(
    passkeys: &Passkeys<'_>,
    step: &LinkToken,
    ceremony: &str,
    response: &str,
    browser: &Browser<'_>,
) -> Result<LoggedIn, AuthError> {
    let store = passkeys.store;
    let id = step_account(store, step).await?;
    passkeys
        .finish_use(Ceremony::SecondFactor, ceremony, response, Some(id))
        .await?;
    spend_step(store, step, id).await?;
    let account = store
        .account_by_id(id)
        .await?
        .ok_or(AuthError::LoginExpired)?;
    let detail = "second factor: passkey";
    complete(store, &passkeys.notices, &account, browser, detail).await
}

/// The account a login's second step belongs to, if it is still open (a passkey ceremony for
/// it may begin).
pub async fn step_account(store: &Store, step: &LinkToken) -> Result<AccountId, AuthError> {
    store
        .peek_token(step, &[LinkPurpose::SecondFactor])
        .await?
        .ok_or(AuthError::LoginExpired)
}

/// « Se connecter avec une clé d'accès »: the passkey names its account and proves both
/// factors (it asks for its PIN or fingerprint).
pub async fn sign_in_with_passkey(
    passkeys: &Passkeys<'_>,
    ceremony: &str,
    response: &str,
    browser: &Browser<'_>,
) -> Result<LoggedIn, AuthError> {
    let id = passkeys
        .finish_use(Ceremony::SignIn, ceremony, response, None)
        .await?;
    let account = passkeys
        .store
        .account_by_id(id)
        .await?
        .filter(|a| a.state.password_hash().is_some())
        .ok_or(AuthError::PasskeyRefused)?;
    let detail = "one-step sign-in with a passkey";
    complete(passkeys.store, &passkeys.notices, &account, browser, detail).await
}

/// A login whose every factor was checked: audited, then [`finish`]ed.
async fn complete(
    store: &Store,
    notices: &Notices<'_>,
    account: &Account,
    browser: &Browser<'_>,
    detail: &str,
) -> Result<LoggedIn, AuthError> {
    let event = Event::new(EventKind::LoginSucceeded)
        .siret(&account.siret)
        .account(account.id)
        .ip(browser.ip)
        .detail(detail);
    store.audit(&event).await;
    let known = match browser.device {
        Some(key) => store.is_known_device(key, Some(account.id)).await?,
        None => false,
    };
    finish(store, notices, account, browser, known).await
}

/// The end of a login: the owner told of a browser not seen before, the browser remembered, a
/// new session.
async fn finish(
    store: &Store,
    notices: &Notices<'_>,
    record: &Account,
    browser: &Browser<'_>,
    known_device: bool,
) -> Result<LoggedIn, AuthError> {
    let account = record.id;
    let ip = browser.ip;
    let device = browser.device;
    // A browser not seen before, on an account that has known one: its owner is told. (The
    // very first login, right after the password was chosen, is no news.)
    if !known_device && store.has_known_devices(account).await? {
        tell_of_new_browser(store, notices, record, browser).await?;
    }
    // The browser's cookie, if it has one (a shared computer known to another account keeps
    // one value for both), else a new one.
    let device = device.cloned().unwrap_or_else(DeviceKey::generate);
    store.remember_device(account, &device).await?;
    let origin = SessionOrigin {
        user_agent: browser.user_agent.to_owned(),
        ip: ip.as_str().to_owned(),
    };
    let session =
        crate::server::accounts::sessions::open(store, account, browser.session, &origin).await?;
    Ok(LoggedIn {
        account,
        device,
        session,
    })
}

/// « Confirmer », before a sensitive change: the password (and the second factor's code when
/// the account has one) typed again, the session counts as recently logged in again. Wrong
/// passwords count in a slow-down of their own; wrong codes in the login's.
pub async fn confirm_identity(
    factors: &Factors<'_>,
    asker: &Asker<'_>,
    password: &str,
    code: &str,
) -> Result<(), AuthError> {
    let store = factors.store;
    let account = asker.account;
    let key = format!("reauth:account:{}", account.id);
    if let Turn::Wait(s) = store.take_turn(&key, throttle::LOGIN_PAIR).await? {
        return Err(AuthError::Throttled(s));
    }
    let stored = account.state.password_hash().map(str::to_owned);
    if !hashing::verify(Lane::Known, bounded_candidate(password), stored).await? {
        let event = Event::new(EventKind::LoginFailed)
            .siret(&account.siret)
            .account(account.id)
            .ip(asker.ip)
            .detail("password confirmation refused");
        store.audit(&event).await;
        return Err(AuthError::WrongPassword);
    }
    store.reset_turns(&key).await?;
    if factors.is_on(account.id).await? {
        if let Verified::RecoveryCode { left } = factors.verify(asker.origin(), code).await? {
            factors.tell_code_used(asker.origin(), left).await?;
        }
    }
    store.reauthenticate_session(asker.session, now()).await?;
    Ok(())
}

/// « Connexion depuis un nouveau navigateur », to the account's address.
async fn tell_of_new_browser(
    store: &Store,
    notices: &Notices<'_>,
    account: &Account,
    browser: &Browser<'_>,
) -> Result<(), StoreError> {
    let (name, system) = crate::server::accounts::sessions::browser_of(browser.user_agent);
    let label = crate::domain::messages::browser_label(name.as_deref(), system.as_deref());
    let mut tx = store.begin().await?;
    tx.enqueue_email(&emails::new_browser_login(&emails::NewBrowser {
        to: &account.email,
        first_name: &account.first_name,
        at: now(),
        browser: &label,
        ip: browser.ip.as_str(),
        public_url: notices.public_url,
        support: notices.support,
    }))
    .await?;
    tx.commit().await
}

/// A login from a browser known to the account: only its own failures slow it down.
async fn check_from_known_device(
    store: &Store,
    password: &str,
    key: &DeviceKey,
    account: &Account,
) -> Result<AccountId, AuthError> {
    let device_key = format!("login:device:{}", key.hash().as_str());
    if let Turn::Wait(s) = store.take_turn(&device_key, throttle::LOGIN_DEVICE).await? {
        return Err(AuthError::Throttled(s));
    }
    let stored = account.state.password_hash().map(str::to_owned);
    if hashing::verify(Lane::Known, bounded_candidate(password), stored).await? {
        store.reset_turns(&device_key).await?;
        Ok(account.id)
    } else {
        Err(AuthError::InvalidCredentials)
    }
}

/// Bounded like the form field, so a huge value cannot burn CPU.
fn bounded_candidate(password: &str) -> String {
    password
        .chars()
        .take(crate::domain::password::PASSWORD_MAX)
        .collect()
}

async fn check_credentials(
    store: &Store,
    notices: &Notices<'_>,
    email: &str,
    password: &str,
    ip: &ClientIp,
    account: Option<&Account>,
) -> Result<AccountId, AuthError> {
    // Never reset by a success: a sprayer cannot clear it by logging into its own account. An
    // IPv6 client is counted per /64 and, more loosely, per /56.
    for (network, share) in ip.budget_keys() {
        let key = format!("login:ip:{network}");
        if let Turn::Wait(s) = store
            .take_turn(&key, throttle::LOGIN_IP.times(share))
            .await?
        {
            return Err(AuthError::Throttled(s));
        }
    }
    let identity = email.trim().to_ascii_lowercase();
    let pair_key = format!("login:pair:{identity}:{}", ip.budget_key());
    if let Turn::Wait(s) = store.take_turn(&pair_key, throttle::LOGIN_PAIR).await? {
        return Err(AuthError::Throttled(s));
    }
    let ceiling_key = format!("login:account:{identity}");
    if let Some(s) = store.current_wait(&ceiling_key).await? {
        return Err(AuthError::Throttled(s));
    }
    // An address whose account the centre suspended is told so — with its right password only.
    let suspended = match (account, EmailAddress::parse(email)) {
        (None, Ok(address)) => store.suspended_password_hash(&address).await?,
        _ => None,
    };
    let stored = account
        .and_then(|a| a.state.password_hash().map(str::to_owned))
        .or_else(|| suspended.clone());
    let ok = match hashing::verify(Lane::Open, bounded_candidate(password), stored).await {
        Ok(ok) => ok,
        Err(hashing::HashError::Busy) => return Err(AuthError::Busy(BUSY_RETRY_SECONDS)),
        Err(e) => return Err(e.into()),
    };
    match account {
        Some(a) if ok && a.state.password_hash().is_some() => {
            store.reset_turns(&pair_key).await?;
            Ok(a.id)
        }
        None if ok && suspended.is_some() => Err(AuthError::Suspended),
        _ => {
            // Every failure from a browser the account does not know counts against it.
            let turn = store
                .take_turn(&ceiling_key, throttle::LOGIN_ACCOUNT_CEILING)
                .await?;
            if let (Turn::Granted(n), Some(a)) = (turn, account) {
                if n == throttle::LOGIN_ACCOUNT_CEILING.free {
                    warn_owner(store, notices, a, ip).await?;
                }
            }
            Err(AuthError::InvalidCredentials)
        }
    }
}

/// The account's owner hears once that its account reached the ceiling of failed logins.
async fn warn_owner(
    store: &Store,
    notices: &Notices<'_>,
    account: &Account,
    ip: &ClientIp,
) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    tx.enqueue_email(&emails::unusual_login_attempts(
        &account.email,
        &account.first_name,
        notices.public_url,
        notices.support,
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::LoginCeilingReached)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail("failed logins reached the account's ceiling: owner emailed"),
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(account = %account.id, "login ceiling reached");
    Ok(())
}

/// « Mot de passe oublié »: emails a fresh link when the address has an account (previous links
/// die), and answers the same either way.
pub async fn request_reset(
    store: &Store,
    notices: &Notices<'_>,
    email: &str,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let Notices {
        public_url,
        support,
    } = *notices;
    let address = EmailAddress::parse(email).map_err(AuthError::InvalidEmail)?;
    for (network, share) in ip.budget_keys() {
        let key = format!("reset:ip:{network}");
        if let Turn::Wait(s) = store
            .take_turn(&key, throttle::RESET_IP.times(share))
            .await?
        {
            return Err(AuthError::Throttled(s));
        }
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
    let mut tx = store.begin().await?;
    // The account first, then its links: the lock order of `set_password` and `suspend`.
    tx.lock_account(account.id).await?;
    tx.revoke_tokens(account.id).await?;
    let token = tx
        .insert_token(
            account.id,
            LinkPurpose::PasswordReset,
            tokens::PASSWORD_RESET_TTL,
        )
        .await?;
    // A pending account holds its SIRET as long as one of its links lives.
    tx.extend_pending(account.id, now() + tokens::PASSWORD_RESET_TTL)
        .await?;
    tx.enqueue_email(&emails::password_reset(
        &account.email,
        &account.first_name,
        &public_url.password_link(token.expose()),
        tokens::PASSWORD_RESET_TTL,
        support,
        account.state.password_hash().is_some(),
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::PasswordResetRequested)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail("new password link sent, older links revoked"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
