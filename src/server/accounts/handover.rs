//! « Changer d'administrateur »: the account changes hands once its new administrator has set a
//! password through the signup's own password step. Started from the space (after a recent
//! login), by the approvals' notification address when the account's address is gone, or by
//! support; cancelled by the current administrator until it is accepted.

use crate::domain::{EmailAddress, Field, FieldProblems, HandoverForm, Problem, Siret};
use crate::server::accounts::{auth_error::AuthError, notices::Notices};
use crate::server::accounts::{ownership, sessions, tokens, Caller};
use crate::server::clients::ClientIp;
use crate::server::mail::emails::{self, Centre};
use crate::server::store::{
    now, Account, AccountState, Event, EventKind, HandoverOrigin, LinkPurpose, LinkToken, Store,
    StoreError, Successor, Tx, Unique,
};

/// Handovers an account may start a day (each emails an address chosen by whoever starts it).
const STARTS_PER_DAY: i64 = 3;

/// How often the official address may be sent a designation link for one account.
const REQUEST_EVERY: crate::server::store::Duration = crate::server::store::Duration::hours(1);

#[derive(Debug, thiserror::Error)]
pub enum HandoverError {
    #[error("the new administrator's fields are invalid")]
    Invalid(FieldProblems),
    #[error("a handover is already waiting")]
    AlreadyWaiting,
    #[error("too many handovers started today")]
    TooOften,
    #[error("the account changed hands meanwhile")]
    Changed,
    #[error("the new address is the account's own")]
    SameAddress,
    #[error("the new address has an account of its own")]
    AddressTaken,
    #[error("link unknown, used or expired")]
    LinkInvalid,
    #[error("no active account holds SIRET {0}: nothing changed")]
    NoAccount(Siret),
    #[error("a reason is required (--reason \"…\"): nothing changed")]
    NoReason,
    #[error("{0}")]
    Auth(#[from] AuthError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Who starts a handover.
pub struct Start<'a> {
    pub origin: HandoverOrigin,
    pub ip: &'a ClientIp,
    /// Recorded in the trail (support's reason).
    pub reason: &'a str,
}

/// « Changer d'administrateur », from the space: needs a recent login.
pub async fn start_from_space(
    store: &Store,
    notices: &Notices<'_>,
    caller: &Caller,
    form: &HandoverForm,
) -> Result<Successor, HandoverError> {
    let successor = successor(form)?;
    sessions::require_recent_login(store, &caller.session).await?;
    let start = Start {
        origin: HandoverOrigin::Administrator,
        ip: &caller.ip,
        reason: "asked from the space",
    };
    let mut tx = store.begin().await?;
    begin(&mut tx, notices, &caller.account, &successor, &start).await?;
    tx.commit().await?;
    Ok(successor)
}

/// `hubpro accounts handover SIRET --to ADDRESS --reason …`: support designates the new
/// administrator of an active account.
pub async fn start_by_support(
    store: &Store,
    notices: &Notices<'_>,
    siret: &Siret,
    form: &HandoverForm,
    reason: &str,
) -> Result<Successor, HandoverError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(HandoverError::NoReason);
    }
    let successor = successor(form)?;
    let mut tx = store.begin().await?;
    let account = active_account(&mut tx, siret).await?;
    let ip = ClientIp::new(std::net::IpAddr::from([127, 0, 0, 1]));
    let start = Start {
        origin: HandoverOrigin::Support,
        ip: &ip,
        reason,
    };
    begin(&mut tx, notices, &account, &successor, &start).await?;
    tx.commit().await?;
    Ok(successor)
}

/// « Je n'ai plus accès à l'adresse du compte »: the SIRET's official addresses (never an
/// address the requester typed) get a link to designate the new administrator. The answer is
/// the same whatever the SIRET; at most one link an hour per account.
pub async fn request(
    store: &Store,
    notices: &Notices<'_>,
    siret: &Siret,
    ip: &ClientIp,
) -> Result<(), HandoverError> {
    let official = ownership::official_addresses(store, siret).await?;
    let mut tx = store.begin().await?;
    let Some(account) = tx.account_by_siret(siret).await? else {
        return Ok(());
    };
    let Some(account) = tx.lock_account(account.id).await? else {
        return Ok(());
    };
    let active = matches!(account.state, AccountState::Active { .. });
    // Nothing to designate while a handover waits (the current administrator was told of it).
    if !active || official.is_empty() || tx.handover_of(account.id).await?.is_some() {
        return Ok(());
    }
    let ttl = tokens::HANDOVER_REQUEST_TTL;
    let purpose = LinkPurpose::HandoverRequest;
    if tx
        .links_made_since(account.id, purpose, (ttl, REQUEST_EVERY), true)
        .await?
        > 0
    {
        return Ok(());
    }
    let centre = centre(&account);
    for to in &official {
        let token = tx
            .insert_token(account.id, LinkPurpose::HandoverRequest, ttl)
            .await?;
        tx.enqueue_email(&emails::handover_request_link(
            to,
            &centre,
            &notices.public_url.designate_link(token.expose()),
            ttl,
            notices.support,
        ))
        .await?;
    }
    tx.audit(
        &Event::new(EventKind::HandoverRequested)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail(format!(
                "« Je n'ai plus accès à l'adresse du compte »: {} official address(es) sent a link",
                official.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The SIRET typed on « Je n'ai plus accès à l'adresse du compte ».
pub fn parse_siret(siret: &str) -> Result<Siret, HandoverError> {
    Siret::parse(siret).map_err(|e| {
        HandoverError::Invalid(FieldProblems::from([(Field::Siret, Problem::Siret(e))]))
    })
}

/// Whether a designation link is still usable (without using it).
pub async fn designation_link_is_valid(
    store: &Store,
    token: &LinkToken,
) -> Result<bool, StoreError> {
    Ok(store
        .peek_token(token, &[LinkPurpose::HandoverRequest])
        .await?
        .is_some())
}

/// The official address designates the new administrator from its link (used once; a refused
/// form keeps it).
pub async fn designate(
    store: &Store,
    notices: &Notices<'_>,
    token: &str,
    form: &HandoverForm,
    ip: &ClientIp,
) -> Result<Successor, HandoverError> {
    let token = &LinkToken::parse(token).ok_or(HandoverError::LinkInvalid)?;
    let successor = successor(form)?;
    let mut tx = store.begin().await?;
    let id = tx
        .peek_token_locked(token, &[LinkPurpose::HandoverRequest])
        .await?
        .ok_or(HandoverError::LinkInvalid)?;
    let account = tx
        .account_by_id(id)
        .await?
        .ok_or(HandoverError::LinkInvalid)?;
    let start = Start {
        origin: HandoverOrigin::Official,
        ip,
        reason: "designated from the official address's link",
    };
    begin(&mut tx, notices, &account, &successor, &start).await?;
    // Every designation link of the account dies with this one.
    tx.consume_token(token, &[LinkPurpose::HandoverRequest])
        .await?;
    tx.revoke_purpose(account.id, LinkPurpose::HandoverRequest)
        .await?;
    tx.commit().await?;
    Ok(successor)
}

/// « Annuler le changement d'administrateur »: `false` when none was waiting.
pub async fn cancel(store: &Store, account: &Account, ip: &ClientIp) -> Result<bool, StoreError> {
    let mut tx = store.begin().await?;
    tx.lock_account(account.id).await?;
    if !tx.delete_handover(account.id).await? {
        return Ok(false);
    }
    tx.audit(
        &Event::new(EventKind::HandoverCancelled)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail("handover cancelled by the administrator"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The new administrator set a password from the handover's flow: the account changes hands
/// (called by [`crate::server::accounts::auth::set_password`], inside its transaction, the
/// account locked and the flow used).
pub async fn accept(
    tx: &mut Tx,
    notices: &Notices<'_>,
    account: &Account,
    password_hash: &str,
    official: Vec<EmailAddress>,
    ip: &ClientIp,
) -> Result<(), AuthError> {
    let handover = tx
        .handover_of(account.id)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let successor = &handover.successor;
    let detail = format!(
        "handed over to {} ({})",
        successor.email.masked(),
        handover.origin.code()
    );
    match tx
        .hand_over(account, successor, password_hash, &detail)
        .await
    {
        Err(StoreError::Conflict(Unique::AccountEmail)) => return Err(AuthError::AddressTaken),
        other => other?,
    }
    let centre = centre(account);
    let masked = successor.email.masked();
    let at = now();
    let mut told = vec![account.email.clone()];
    for address in official {
        if !told.iter().any(|t| t.identity() == address.identity())
            && address.identity() != successor.email.identity()
        {
            told.push(address);
        }
    }
    for to in &told {
        tx.enqueue_email(&emails::handed_over(
            to,
            &centre,
            &masked,
            at,
            notices.support,
        ))
        .await?;
    }
    tx.audit(
        &Event::new(EventKind::HandedOver)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail(format!(
                "account handed over from {} to {masked} ({}); old sessions, links and second \
                 factors ended",
                account.email.masked(),
                handover.origin.code()
            )),
    )
    .await?;
    Ok(())
}

/// Records the handover, sends the new address its link and tells the current administrator
/// when someone else asked; the account is locked first, so two starts take turns: one wins.
async fn begin(
    tx: &mut Tx,
    notices: &Notices<'_>,
    account: &Account,
    successor: &Successor,
    start: &Start<'_>,
) -> Result<(), HandoverError> {
    let locked = tx
        .lock_account(account.id)
        .await?
        .ok_or(HandoverError::Changed)?;
    // The caller read the account before the lock: it may have changed hands since.
    if locked.email.identity() != account.email.identity() {
        return Err(HandoverError::Changed);
    }
    let account = locked;
    if successor.email.identity() == account.email.identity() {
        return Err(HandoverError::SameAddress);
    }
    let ttl = tokens::HANDOVER_TTL;
    let day = crate::server::store::Duration::days(1);
    if tx
        .links_made_since(account.id, LinkPurpose::Handover, (ttl, day), false)
        .await?
        >= STARTS_PER_DAY
    {
        return Err(HandoverError::TooOften);
    }
    if !tx
        .insert_handover(account.id, successor, start.origin, now() + ttl)
        .await?
    {
        return Err(HandoverError::AlreadyWaiting);
    }
    let token = tx
        .insert_token(account.id, LinkPurpose::Handover, ttl)
        .await?;
    tx.enqueue_email(&emails::handover_invitation(
        &successor.email,
        (&successor.first_name, &successor.last_name),
        &centre(&account),
        &notices.public_url.password_link(token.expose()),
        ttl,
        notices.support,
    ))
    .await?;
    if start.origin != HandoverOrigin::Administrator {
        tx.enqueue_email(&emails::handover_requested(
            &account.email,
            &account.first_name,
            &successor.email.masked(),
            notices.public_url,
            notices.support,
        ))
        .await?;
    }
    tx.audit(
        &Event::new(EventKind::HandoverStarted)
            .siret(&account.siret)
            .account(account.id)
            .ip(start.ip)
            .detail(format!(
                "handover to {} started ({}): {}",
                successor.email.masked(),
                start.origin.code(),
                start.reason
            )),
    )
    .await?;
    Ok(())
}

/// The new administrator as typed, parsed.
fn successor(form: &HandoverForm) -> Result<Successor, HandoverError> {
    let valid = form.parse().map_err(HandoverError::Invalid)?;
    Ok(Successor {
        email: valid.email,
        last_name: valid.last_name,
        first_name: valid.first_name,
    })
}

async fn active_account(tx: &mut Tx, siret: &Siret) -> Result<Account, HandoverError> {
    match tx.account_by_siret(siret).await? {
        Some(account) if matches!(account.state, AccountState::Active { .. }) => Ok(account),
        _ => Err(HandoverError::NoAccount(siret.clone())),
    }
}

fn centre(account: &Account) -> Centre<'_> {
    Centre {
        organisation: &account.organisation_name,
        siret: &account.siret,
    }
}
