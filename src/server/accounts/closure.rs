//! « Clôturer le compte »: the account ends at once (sessions, links, second factors), its SIRET
//! can be signed up for again, the establishments it attached are told, its address gets a
//! confirmation; the address itself is purged after the closed accounts' retention
//! ([`crate::server::store::Retention::closed_days`]). Also how inactive accounts end.

use crate::server::accounts::auth_error::AuthError;
use crate::server::accounts::sessions;
use crate::server::accounts::Caller;
use crate::server::clients::ClientIp;
use crate::server::config::Settings;
use crate::server::mail::emails::{self, Centre, ClosedBy};
use crate::server::store::{
    now, AccountId, EndReason, Event, EventKind, OffsetDateTime, Store, StoreError,
};

/// What a closure tells, and keeps.
pub struct Closure<'a> {
    /// The address the caller knew the account by: if it changed hands meanwhile, nothing is
    /// closed.
    pub owner: Option<&'a crate::domain::EmailAddress>,
    pub by: ClosedBy,
    pub retention_days: u32,
    pub support: &'a str,
    pub ip: Option<&'a ClientIp>,
}

/// « Clôturer définitivement le compte », from the space: needs a recent login. `false` when
/// the account changed hands meanwhile (the caller's session is then no longer its owner's).
pub async fn close_from_space(
    store: &Store,
    caller: &Caller,
    settings: &Settings,
) -> Result<bool, AuthError> {
    sessions::require_recent_login(store, &caller.session).await?;
    let closure = Closure {
        owner: Some(&caller.account.email),
        by: ClosedBy::Administrator,
        retention_days: settings.lifecycle.closed_retention_days,
        support: &settings.support_contact,
        ip: Some(&caller.ip),
    };
    Ok(close(store, caller.account.id, None, &closure).await?)
}

/// Ends the account `id`, unless it logged in after `unused_since` (an inactive account that came
/// back meanwhile). `false` when nothing was closed.
pub async fn close(
    store: &Store,
    id: AccountId,
    unused_since: Option<OffsetDateTime>,
    closure: &Closure<'_>,
) -> Result<bool, StoreError> {
    // Read before the transaction: they are told once it commits.
    let attached = store.attachments_of(id).await?;
    let mut tx = store.begin().await?;
    let Some(account) = tx.lock_account(id).await? else {
        return Ok(false);
    };
    if closure
        .owner
        .is_some_and(|owner| owner.identity() != account.email.identity())
    {
        return Ok(false);
    }
    if let Some(cutoff) = unused_since {
        if tx.last_login(id).await?.is_none_or(|at| at > cutoff) {
            return Ok(false);
        }
    }
    let (reason, why) = match closure.by {
        ClosedBy::Administrator => (EndReason::Closed, "closed by its administrator"),
        ClosedBy::Inactivity { .. } => (EndReason::Inactive, "closed: no login for too long"),
    };
    tx.end_account(&account, reason, why).await?;
    let centre = Centre {
        organisation: &account.organisation_name,
        siret: &account.siret,
    };
    tx.enqueue_email(&emails::account_closed(
        &account.email,
        &account.first_name,
        &centre,
        closure.by,
        now(),
        closure.retention_days,
        closure.support,
    ))
    .await?;
    for establishment in &attached {
        tx.enqueue_email(&emails::attachment_ended_by_closure(
            &establishment.contact_email,
            &centre,
        ))
        .await?;
    }
    let mut event = Event::new(EventKind::AccountEnded)
        .siret(&account.siret)
        .account(account.id)
        .detail(format!(
            "account {} ({}) {why}; {} attached establishment(s) told",
            account.id,
            account.email.masked(),
            attached.len()
        ));
    if let Some(ip) = closure.ip {
        event = event.ip(ip);
    }
    tx.audit(&event).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "account closed");
    Ok(true)
}
