//! Attaching secondary establishments to a main establishment's contract (case 2 of the approval
//! notice): the rules; server functions only translate.

use crate::domain::{AttachForm, AttachRefusal, Eligibility, FieldProblems, Siret};
use crate::server::accounts::signup::{eligibility, SignupDeps, SignupError};
use crate::server::clients::ClientIp;
use crate::server::mail::emails::{self, Invitation};
use crate::server::registry::directory::DirectoryError;
use crate::server::store::{Account, Store, StoreError, Tx, Unique};
use crate::server::store::{Event, EventKind};

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("invalid fields")]
    Invalid(FieldProblems),
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
            SignupError::Invalid(_) => Self::Invalid(FieldProblems::default()),
        }
    }
}

/// Invitations a main establishment may send a day.
pub const INVITATIONS_PER_ACCOUNT_PER_DAY: i64 = 20;
/// Invitations one establishment may receive a day, from anyone.
pub const INVITATIONS_PER_SIRET_PER_DAY: i64 = 3;

/// What an attachment did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attached {
    pub siret: Siret,
    /// False when this main establishment already invited it today (attach, detach, attach).
    pub invited: bool,
}

/// Attaches an establishment to `main`'s contract after the signup's INSEE and approvals checks,
/// and queues the invitation to its contact — attachment, email and audit in one transaction.
/// Only an establishment of the same SIREN, or one invited at its approvals' notification
/// address, can be attached; invitations are capped per day.
pub async fn attach(
    deps: &SignupDeps<'_>,
    main: &Account,
    form: &AttachForm,
    ip: &ClientIp,
) -> Result<Attached, AttachError> {
    let request = form.parse().map_err(AttachError::Invalid)?;
    let refuse = |r| Err(AttachError::Refused(r));
    if request.siret == main.siret {
        return refuse(AttachRefusal::OwnSiret);
    }
    if deps.store.attachment_owner(&main.siret).await?.is_some() {
        return refuse(AttachRefusal::MainIsAttached);
    }
    if let Some(owner) = deps.store.attachment_owner(&request.siret).await? {
        return refuse(if owner.main_account_id == main.id {
            AttachRefusal::AlreadyAttachedHere
        } else {
            AttachRefusal::AttachedElsewhere
        });
    }
    let name = match eligibility(deps, &request.siret, ip).await? {
        Eligibility::Eligible { establishment, .. } => establishment.name,
        Eligibility::Refused(r) if r.has_account() => return refuse(AttachRefusal::HasOwnAccount),
        Eligibility::Refused(r) => return refuse(AttachRefusal::Ineligible(r)),
    };
    let same_centre = request.siret.siren() == main.siret.siren();
    if !same_centre
        && !crate::server::accounts::ownership::official_addresses(deps.store, &request.siret)
            .await?
            .iter()
            .any(|a| a.identity() == request.contact_email.identity())
    {
        return refuse(AttachRefusal::OtherCentre);
    }
    let mut tx = deps.store.begin().await?;
    // The caps are counted in the transaction that invites, the main account locked: its
    // concurrent attachments take turns instead of all passing on the same count. (Of several
    // main establishments attaching one SIRET at once, its unique active attachment lets one in.)
    tx.lock_account(main.id).await?;
    let day_ago = crate::server::store::now() - crate::server::store::Duration::days(1);
    let (by_main, for_siret, pair) = tx
        .invitations_since(main.id, &request.siret, day_ago)
        .await?;
    // Attach, detach, attach the same day: attached again, invited once.
    let invite = pair == 0;
    if invite && by_main >= INVITATIONS_PER_ACCOUNT_PER_DAY {
        return refuse(AttachRefusal::TooManyInvitations);
    }
    if invite && for_siret >= INVITATIONS_PER_SIRET_PER_DAY {
        return refuse(AttachRefusal::InvitedTooOften);
    }
    let email = emails::attachment_invitation(&Invitation {
        to: &request.contact_email,
        siret: &request.siret,
        main_organisation: &main.organisation_name,
        main_siret: &main.siret,
        signup_link: &deps
            .public_url
            .signup_prefilled(&request.siret, Some(&request.contact_email)),
    });
    match tx
        .insert_attachment(
            main.id,
            &request.siret,
            name.as_deref(),
            &request.contact_email,
            invite,
        )
        .await
    {
        Err(StoreError::Conflict(Unique::ActiveAttachment)) => {
            // Another main establishment attached it between our check and our insert.
            return refuse(AttachRefusal::AttachedElsewhere);
        }
        other => other?,
    }
    if invite {
        tx.enqueue_email(&email).await?;
    }
    let invited = if invite {
        format!("invitation sent to {}", request.contact_email)
    } else {
        format!(
            "no invitation: {} was invited today already",
            request.contact_email
        )
    };
    let trail = Trail {
        kind: EventKind::EstablishmentAttached,
        main,
        attached: &request.siret,
        ip,
    };
    let on_attached = format!(
        "attached to main establishment {}; {invited}",
        main.siret.as_digits()
    );
    let on_main = format!("attached {}; {invited}", request.siret.as_digits());
    trail.record(&mut tx, on_attached, on_main).await?;
    tx.commit().await?;
    tracing::info!(
        main = main.siret.as_digits(),
        attached = request.siret.as_digits(),
        "establishment attached"
    );
    Ok(Attached {
        siret: request.siret,
        invited: invite,
    })
}

/// Ends an attachment of `main`; false when the SIRET was not attached to it. Logged on both
/// SIRETs' trails.
pub async fn detach(
    store: &Store,
    main: &Account,
    siret: &Siret,
    ip: &ClientIp,
) -> Result<bool, AttachError> {
    let mut tx = store.begin().await?;
    if !tx.detach(main.id, siret).await? {
        return Ok(false);
    }
    let trail = Trail {
        kind: EventKind::EstablishmentDetached,
        main,
        attached: siret,
        ip,
    };
    let on_attached = format!(
        "detached from main establishment {}",
        main.siret.as_digits()
    );
    let on_main = format!("detached {}", siret.as_digits());
    trail.record(&mut tx, on_attached, on_main).await?;
    tx.commit().await?;
    Ok(true)
}

/// An attachment event, recorded on the trails of both SIRETs.
struct Trail<'a> {
    kind: EventKind,
    main: &'a Account,
    attached: &'a Siret,
    ip: &'a ClientIp,
}

impl Trail<'_> {
    async fn record(
        &self,
        tx: &mut Tx,
        on_attached: String,
        on_main: String,
    ) -> Result<(), StoreError> {
        for (siret, detail) in [(self.attached, on_attached), (&self.main.siret, on_main)] {
            let event = Event::new(self.kind)
                .siret(siret)
                .account(self.main.id)
                .ip(self.ip)
                .detail(detail);
            tx.audit(&event).await?;
        }
        Ok(())
    }
}
