//! What the administrator's space shows about the logged-in account's centre.

use crate::domain::{ApprovalSummary, AttachedEstablishment, MainEstablishment};
use crate::server::registry::directory::{Directory, Lookup};
use crate::server::store::{Account, Store, StoreError};

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
