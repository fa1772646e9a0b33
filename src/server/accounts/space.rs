//! What the administrator's space shows about the logged-in account's centre.

use crate::domain::{ApprovalSummary, AttachedEstablishment, MainEstablishment};
use crate::server::accounts::sessions::{self, SessionList};
use crate::server::accounts::Caller;
use crate::server::registry::directory::{Directory, Lookup};
use crate::server::store::{Account, FactorSummary, SessionId, Store, StoreError, StoredPasskey};

/// The centre as its space shows it.
#[derive(Debug)]
pub struct Overview {
    /// INSEE's postal address, when INSEE answers.
    pub address: Option<String>,
    pub approvals: Vec<ApprovalSummary>,
    /// Set when this establishment is attached to a main establishment's contract.
    pub main_establishment: Option<MainEstablishment>,
    /// The establishments this one has attached.
    pub attachments: Vec<AttachedEstablishment>,
}

pub async fn overview(
    store: &Store,
    directory: &dyn Directory,
    account: &Account,
) -> Result<Overview, StoreError> {
    // The address is a nicety: INSEE being down must not hide the space.
    let address = match directory.lookup(&account.siret).await {
        Ok(Lookup::Found(e)) => e.postal_address(),
        _ => None,
    };
    let main_establishment =
        store
            .attachment_owner(&account.siret)
            .await?
            .map(|o| MainEstablishment {
                organisation: o.main_organisation,
                siret: o.main_siret,
            });
    Ok(Overview {
        address,
        approvals: store.approvals_of(&account.siret).await?,
        main_establishment,
        attachments: store.attachments_of(account.id).await?,
    })
}

/// What confirming the caller's identity takes before a sensitive change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmation {
    /// The session's password is recent enough already.
    pub recent_login: bool,
    /// A code (app or recovery) is asked beside the password.
    pub needs_code: bool,
    /// A passkey may confirm instead (the account has one, and this address offers them).
    pub passkey: bool,
}

pub async fn confirmation(
    store: &Store,
    account: &Account,
    session: &SessionId,
    passkeys_offered: bool,
) -> Result<Confirmation, StoreError> {
    let recent_login = crate::server::accounts::sessions::is_recent(store, session).await?;
    let factors = store.factor_summary(account.id).await?;
    let passkeys = store.passkeys_of(account.id).await?.len();
    Ok(Confirmation {
        recent_login,
        needs_code: factors.totp_since.is_some() || passkeys > 0,
        passkey: passkeys > 0 && passkeys_offered,
    })
}

/// Everything the space shows, read for its caller.
#[derive(Debug)]
pub struct Space {
    pub centre: Overview,
    pub sessions: SessionList,
    pub factors: FactorSummary,
    pub passkeys: Vec<StoredPasskey>,
}

pub async fn space(
    store: &Store,
    directory: &dyn Directory,
    caller: &Caller,
) -> Result<Space, StoreError> {
    let account = &caller.account;
    Ok(Space {
        centre: overview(store, directory, account).await?,
        sessions: sessions::list(store, account.id, &caller.session).await?,
        factors: store.factor_summary(account.id).await?,
        passkeys: store.passkeys_of(account.id).await?,
    })
}
