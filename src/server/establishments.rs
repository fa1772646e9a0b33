//! Attaching secondary establishments to a main establishment's contract (case 2 of the approval
//! notice): the rules; server functions only translate.

use super::audit::{Event, EventKind};
use super::client_ip::ClientIp;
use super::directory::DirectoryError;
use super::emails::{self, Invitation};
use super::signup::{eligibility, SignupDeps, SignupError};
use super::store::{AccountRecord, Store, StoreError, Unique};
use crate::domain::{AttachErrors, AttachForm, AttachRefusal, Eligibility, Refusal, Siret};

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("invalid fields")]
    Invalid(AttachErrors),
    #[error("refused: {0}")]
    Refused(AttachRefusal),
    #[error("directory unavailable: {0}")]
    DirectoryUnavailable(#[from] DirectoryError),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

impl From<SignupError> for AttachError {
    fn from(e: SignupError) -> Self {
        match e {
            SignupError::DirectoryUnavailable(e) => Self::DirectoryUnavailable(e),
            SignupError::Store(e) => Self::Store(e),
            SignupError::Refused(r) => Self::Refused(AttachRefusal::Ineligible(r)),
            SignupError::Invalid(_) => Self::Invalid(AttachErrors::default()),
        }
    }
}

/// Attaches an establishment to `main`'s contract after the signup's INSEE and approvals checks,
/// and queues the invitation to its contact — attachment, email and audit in one transaction.
pub async fn attach(
    deps: &SignupDeps<'_>,
    main: &AccountRecord,
    form: &AttachForm,
    ip: &ClientIp,
) -> Result<Siret, AttachError> {
    let request = form.parse().map_err(AttachError::Invalid)?;
    let refuse = |r| Err(AttachError::Refused(r));
    if request.siret.as_digits() == main.siret {
        return refuse(AttachRefusal::OwnSiret);
    }
    if let Ok(main_siret) = Siret::parse(&main.siret) {
        if deps.store.attachment_owner(&main_siret).await?.is_some() {
            return refuse(AttachRefusal::MainIsAttached);
        }
    }
    if let Some(owner) = deps.store.attachment_owner(&request.siret).await? {
        return refuse(if owner.main_account_id == main.id {
            AttachRefusal::AlreadyAttachedHere
        } else {
            AttachRefusal::AttachedElsewhere
        });
    }
    let name = match eligibility(deps, &request.siret).await? {
        Eligibility::Eligible { establishment, .. } => establishment.name,
        Eligibility::Refused(Refusal::AlreadyRegistered) => {
            return refuse(AttachRefusal::HasOwnAccount)
        }
        Eligibility::Refused(r) => return refuse(AttachRefusal::Ineligible(r)),
    };
    let signup_link = format!(
        "{}/inscription?siret={}&adresse={}",
        deps.public_url,
        request.siret.as_digits(),
        super::http::query_escape(request.contact_email.as_str())
    );
    let main_grouped = crate::domain::siret::display_grouped(&main.siret);
    let email = emails::attachment_invitation(&Invitation {
        to: request.contact_email.as_str(),
        siret: &request.siret,
        main_organisation: &main.organisation_name,
        main_siret: &main_grouped,
        signup_link: &signup_link,
    });
    let mut tx = deps.store.begin().await.map_err(StoreError::from)?;
    match Store::insert_attachment(
        &mut tx,
        main.id,
        &request.siret,
        name.as_deref(),
        &request.contact_email,
    )
    .await
    {
        Err(StoreError::Conflict(Unique::Siret)) => {
            // Another main establishment attached it between our check and our insert.
            return refuse(AttachRefusal::AttachedElsewhere);
        }
        other => other?,
    }
    Store::enqueue_email(&mut tx, &email).await?;
    let invited = request.contact_email.as_str();
    let trail = Trail {
        kind: EventKind::EstablishmentAttached,
        main,
        attached: &request.siret,
        ip,
    };
    let on_attached = format!(
        "attached to main establishment {}; invitation sent to {invited}",
        main.siret
    );
    let on_main = format!(
        "attached {}; invitation sent to {invited}",
        request.siret.as_digits()
    );
    trail.record(&mut tx, on_attached, on_main).await?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(main = %main.siret, attached = %request.siret.as_digits(), "establishment attached");
    Ok(request.siret)
}

/// Ends an attachment of `main`; false when the SIRET was not attached to it. Logged on both
/// SIRETs' trails.
pub async fn detach(
    store: &Store,
    main: &AccountRecord,
    siret: &str,
    ip: &ClientIp,
) -> Result<bool, AttachError> {
    let Ok(siret) = Siret::parse(siret) else {
        return Ok(false);
    };
    let mut tx = store.begin().await.map_err(StoreError::from)?;
    if !Store::detach(&mut tx, main.id, &siret).await? {
        return Ok(false);
    }
    let trail = Trail {
        kind: EventKind::EstablishmentDetached,
        main,
        attached: &siret,
        ip,
    };
    let on_attached = format!("detached from main establishment {}", main.siret);
    let on_main = format!("detached {}", siret.as_digits());
    trail.record(&mut tx, on_attached, on_main).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(true)
}

/// An attachment event, recorded on the trails of both SIRETs.
struct Trail<'a> {
    kind: EventKind,
    main: &'a AccountRecord,
    attached: &'a Siret,
    ip: &'a ClientIp,
}

impl Trail<'_> {
    async fn record(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        on_attached: String,
        on_main: String,
    ) -> Result<(), StoreError> {
        for (siret, detail) in [
            (self.attached.as_digits(), on_attached),
            (self.main.siret.as_str(), on_main),
        ] {
            let event = Event::new(self.kind)
                .siret(siret)
                .account(self.main.id)
                .ip(Some(self.ip.as_str()))
                .detail(detail);
            Store::audit_in(tx, &event).await?;
        }
        Ok(())
    }
}
