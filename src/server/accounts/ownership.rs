//! Who holds a SIRET, and how support frees or revives it: an account released by support, and a
//! fresh password link for a pending account. (A pending account whose link expired gives way to
//! the next signup by itself: [`crate::server::accounts::signup`].)

use crate::domain::{EmailAddress, Siret, ValidSignup};
use crate::routes::PublicUrl;
use crate::server::accounts::tokens;
use crate::server::clients::ClientIp;
use crate::server::mail::emails;
use crate::server::store::{
    now, AccountId, AccountState, EndReason, LinkPurpose, LinkToken, Store, StoreError, Tx,
};
use crate::server::store::{Event, EventKind};

#[derive(Debug, thiserror::Error)]
pub enum OwnershipError {
    #[error("link unknown, used or expired")]
    LinkInvalid,
    #[error("no account holds SIRET {0}: nothing changed")]
    NoAccount(Siret),
    #[error("the account of SIRET {0} is active: it chooses a new password with « Mot de passe oublié »; nothing changed")]
    AlreadyActive(Siret),
    #[error("a reason is required (--reason \"…\"): nothing changed")]
    NoReason,
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The notification addresses of the SIRET's approvals in force (the DREAL's file), once each:
/// the centre's official addresses.
pub async fn official_addresses(
    store: &Store,
    siret: &Siret,
) -> Result<Vec<EmailAddress>, StoreError> {
    let today = crate::server::registry::approvals::today();
    let mut addresses: Vec<EmailAddress> = Vec::new();
    for approval in store.approvals_for(siret).await? {
        let in_force = approval.summary().in_force_on(today);
        let address = approval.notification_email;
        if in_force && !addresses.iter().any(|a| a.identity() == address.identity()) {
            addresses.push(address);
        }
    }
    Ok(addresses)
}

/// An account held with an address.
pub struct Claim<'a> {
    pub account: AccountId,
    pub siret: &'a Siret,
    pub email: &'a EmailAddress,
    pub ip: &'a ClientIp,
}

/// Tells each official address other than the claim's own that an account was asked for its
/// SIRET, with a « Ce n'est pas nous » link (30 days, single use), inside the caller's transaction.
/// Once there is an official address, the account is marked told
/// ([`OfficialNotice`](crate::server::store::OfficialNotice)), also when it was asked from that address
/// itself, which needs no telling; with none on file yet it stays due, for its next password.
pub async fn tell_official_addresses(
    tx: &mut Tx,
    official: &[EmailAddress],
    claim: &Claim<'_>,
    public_url: &PublicUrl,
    support: &str,
) -> Result<(), StoreError> {
    for to in official
        .iter()
        .filter(|a| a.identity() != claim.email.identity())
    {
        let token = tx
            .insert_token(claim.account, LinkPurpose::NotUs, tokens::NOT_US_TTL)
            .await?;
        enqueue_notice(
            tx,
            to,
            claim.siret,
            claim.email,
            &public_url.not_us_link(token.expose()),
            support,
        )
        .await?;
        tx.audit(
            &Event::new(EventKind::OfficialAddressTold)
                .siret(claim.siret)
                .account(claim.account)
                .ip(claim.ip)
                .detail(format!(
                    "account asked with {}: official address {to} told",
                    claim.email.masked()
                )),
        )
        .await?;
    }
    if !official.is_empty() {
        tx.mark_official_told(claim.account).await?;
    }
    Ok(())
}

/// Tells each official address other than `email` that a signup for its SIRET named `email`
/// (which had an account: nothing was created, the SIRET is held), with the hold's « Ce n'est
/// pas nous » link: the very notice a pending account's signup sends, inside the caller's
/// transaction.
pub async fn tell_official_addresses_of_hold(
    tx: &mut Tx,
    official: &[EmailAddress],
    siret: &Siret,
    email: &EmailAddress,
    release_token: &LinkToken,
    notices: (&PublicUrl, &str),
    ip: &ClientIp,
) -> Result<(), StoreError> {
    let (public_url, support) = notices;
    for to in official.iter().filter(|a| a.identity() != email.identity()) {
        let link = public_url.not_us_link(release_token.expose());
        enqueue_notice(tx, to, siret, email, &link, support).await?;
        tx.audit(
            &Event::new(EventKind::OfficialAddressTold)
                .siret(siret)
                .ip(ip)
                .detail(format!(
                    "signup with {} (it has an account) held the SIRET: official address {to} told",
                    email.masked()
                )),
        )
        .await?;
    }
    Ok(())
}

/// Queues « un compte administrateur a été demandé pour votre SIRET » to the official address
/// `to`: the SIRET was asked for with `claimed` (shown masked), « Ce n'est pas nous » is `link`.
async fn enqueue_notice(
    tx: &mut Tx,
    to: &EmailAddress,
    siret: &Siret,
    claimed: &EmailAddress,
    link: &str,
    support: &str,
) -> Result<(), StoreError> {
    tx.enqueue_email(&emails::account_requested(&emails::AccountRequested {
        to,
        siret,
        masked_address: &claimed.masked(),
        date: &crate::domain::messages::french_date(now().date()),
        not_us_link: link,
        valid: tokens::NOT_US_TTL,
        support,
    }))
    .await
}

/// Whether a « Ce n'est pas nous » link (of a pending account, or of a hold) is still usable.
pub async fn not_us_link_is_valid(store: &Store, token: &LinkToken) -> Result<bool, StoreError> {
    Ok(store
        .peek_token(token, &[LinkPurpose::NotUs])
        .await?
        .is_some()
        || store.hold_link_is_valid(token).await?)
}

/// « Ce n'est pas nous », confirmed from the official address's link: the account ends at once
/// (sessions, links), its SIRET is free, its address is told. Returns the SIRET.
pub async fn suspend(
    store: &Store,
    token: &str,
    ip: &ClientIp,
    support: &str,
) -> Result<Siret, OwnershipError> {
    let token = &LinkToken::parse(token).ok_or(OwnershipError::LinkInvalid)?;
    let mut tx = store.begin().await?;
    // The account is locked before any of its links, as `set_password` does: one lock order.
    if tx
        .peek_token_locked(token, &[LinkPurpose::NotUs])
        .await?
        .is_none()
    {
        return release_contested_hold(tx, token, ip).await;
    }
    let id = tx
        .consume_token(token, &[LinkPurpose::NotUs])
        .await?
        .ok_or(OwnershipError::LinkInvalid)?;
    let account = tx
        .account_by_id(id)
        .await?
        .ok_or(OwnershipError::LinkInvalid)?;
    tx.end_account(
        &account,
        EndReason::Suspended,
        "« Ce n'est pas nous » from the official address",
    )
    .await?;
    tx.record_contest(&account.siret).await?;
    tx.enqueue_email(&emails::account_suspended(
        &account.email,
        &account.first_name,
        &account.siret,
        support,
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::AccountEnded)
            .siret(&account.siret)
            .account(account.id)
            .ip(ip)
            .detail(format!(
                "{} account {} ({}) suspended from the official address: « Ce n'est pas nous »",
                account.state.code(),
                account.id,
                account.email.masked()
            )),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        siret = account.siret.as_digits(),
        "account suspended: not us"
    );
    Ok(account.siret)
}

/// « Ce n'est pas nous » from a hold's link: the hold ends and the SIRET is the official
/// address's for 30 days, as after a pending account's suspension.
async fn release_contested_hold(
    mut tx: Tx,
    token: &LinkToken,
    ip: &ClientIp,
) -> Result<Siret, OwnershipError> {
    let siret = tx
        .release_hold_by_link(token)
        .await?
        .ok_or(OwnershipError::LinkInvalid)?;
    tx.record_contest(&siret).await?;
    tx.audit(
        &Event::new(EventKind::AccountEnded)
            .siret(&siret)
            .ip(ip)
            .detail("hold of a signup that created nothing ended from the official address: « Ce n'est pas nous »"),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(siret = siret.as_digits(), "hold ended: not us");
    Ok(siret)
}

/// `hubpro accounts release`: ends the account of `siret` (pending or active), which frees the
/// SIRET and the address; recorded with the reason.
/// `hubpro accounts end-sessions SIRET --reason …`: support closes every session of the SIRET's
/// account (a lost or stolen computer); the account is told, the trail keeps the reason.
/// Returns how many sessions ended.
pub async fn end_sessions(
    store: &Store,
    public_url: &PublicUrl,
    support: &str,
    siret: &Siret,
    reason: &str,
) -> Result<u64, OwnershipError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OwnershipError::NoReason);
    }
    let mut tx = store.begin().await?;
    let account = tx
        .account_by_siret(siret)
        .await?
        .ok_or_else(|| OwnershipError::NoAccount(siret.clone()))?;
    let ended = tx.delete_account_sessions(account.id).await?;
    tx.enqueue_email(&emails::sessions_ended_by_support(
        &account.email,
        &account.first_name,
        now(),
        public_url,
        support,
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::SessionsEnded)
            .siret(siret)
            .account(account.id)
            .detail(format!("{ended} session(s) ended by support: {reason}")),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Support's reset for an owner who lost both the authenticator app and the recovery codes:
/// the second factor goes (the password alone opens the account again), the owner is emailed,
/// the reason recorded. `false` when the account had none.
pub async fn reset_second_factor(
    store: &Store,
    public_url: &PublicUrl,
    support: &str,
    siret: &Siret,
    reason: &str,
) -> Result<bool, OwnershipError> {
    use crate::server::mail::emails::{FactorChange, FactorNotice};
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OwnershipError::NoReason);
    }
    let mut tx = store.begin().await?;
    let account = tx
        .account_by_siret(siret)
        .await?
        .ok_or_else(|| OwnershipError::NoAccount(siret.clone()))?;
    if !tx.remove_second_factors(account.id).await? {
        return Ok(false);
    }
    tx.enqueue_email(&emails::second_factor_changed(&FactorNotice {
        to: &account.email,
        first_name: &account.first_name,
        change: FactorChange::ResetBySupport,
        at: now(),
        from: None,
        public_url,
        support,
    }))
    .await?;
    tx.audit(
        &Event::new(EventKind::SecondFactorChanged)
            .siret(siret)
            .account(account.id)
            .detail(format!("second factor reset by support: {reason}")),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn release(store: &Store, siret: &Siret, reason: &str) -> Result<(), OwnershipError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OwnershipError::NoReason);
    }
    // A SIRET held by a signup that created nothing is freed too.
    let held = store.release_hold(siret).await?;
    let mut tx = store.begin().await?;
    let Some(account) = tx.account_by_siret(siret).await? else {
        return if held {
            Ok(())
        } else {
            Err(OwnershipError::NoAccount(siret.clone()))
        };
    };
    tx.end_account(&account, EndReason::Released, reason)
        .await?;
    tx.audit(
        &Event::new(EventKind::AccountEnded)
            .siret(siret)
            .detail(format!(
                "{} account {} ({}) released by support: {reason}",
                account.state.code(),
                account.id,
                account.email.masked()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `hubpro accounts resend`: a fresh password link (72 hours) to a pending account; earlier
/// links die, and the account holds its SIRET until the new one ends.
pub async fn resend(
    store: &Store,
    public_url: &PublicUrl,
    support: &str,
    siret: &Siret,
) -> Result<(), OwnershipError> {
    let mut tx = store.begin().await?;
    let account = tx
        .account_by_siret(siret)
        .await?
        .ok_or_else(|| OwnershipError::NoAccount(siret.clone()))?;
    if let AccountState::Active { .. } = account.state {
        return Err(OwnershipError::AlreadyActive(siret.clone()));
    }
    tx.revoke_tokens(account.id).await?;
    let token = tx
        .insert_token(
            account.id,
            LinkPurpose::PasswordSetup,
            tokens::PASSWORD_SETUP_TTL,
        )
        .await?;
    tx.extend_pending(account.id, now() + tokens::PASSWORD_SETUP_TTL)
        .await?;
    let signup = ValidSignup {
        siret: account.siret.clone(),
        organisation: account.organisation_name.clone(),
        last_name: account.last_name.clone(),
        first_name: account.first_name.clone(),
        email: account.email.clone(),
    };
    tx.enqueue_email(&emails::password_setup(
        &signup,
        &public_url.password_link(token.expose()),
        tokens::PASSWORD_SETUP_TTL,
        support,
    ))
    .await?;
    tx.audit(
        &Event::new(EventKind::LinkResent)
            .siret(siret)
            .account(account.id)
            .detail("new password link sent by support, older links revoked"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
