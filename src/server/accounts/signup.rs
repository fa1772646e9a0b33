//! The signup service: eligibility of a SIRET, and account creation. Server functions call these;
//! they hold the rules, the server functions only translate.

use crate::domain::{
    Eligibility, EstablishmentSummary, FieldProblems, MainEstablishment, Refusal, SignupForm,
    Siret, ValidSignup,
};
use crate::routes::PublicUrl;
use crate::server::accounts::ownership::{tell_official_addresses, Claim};
use crate::server::accounts::tokens;
use crate::server::clients::ClientIp;
use crate::server::mail::emails;
use crate::server::registry::directory::{Directory, DirectoryError, Lookup};
use crate::server::store::{
    now, AccountId, AccountState, Duration, EndReason, LinkPurpose, NewAccount, Store, StoreError,
    Unique,
};
use crate::server::store::{Event, EventKind};

/// How long after « Ce n'est pas nous » only the centre's official address may sign up.
pub const CONTEST_PERIOD: Duration = Duration::days(30);
/// At most one « vous avez déjà un compte » notice per address in this period.
const SIGNUP_NOTICE_EVERY: Duration = Duration::days(1);

/// Why a signup or an eligibility check did not go through.
#[derive(Debug, thiserror::Error)]
pub enum SignupError {
    #[error("invalid fields")]
    Invalid(FieldProblems),
    #[error("refused: {0}")]
    Refused(Refusal),
    #[error("directory unavailable: {0}")]
    DirectoryUnavailable(#[from] DirectoryError),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

/// What the signup needs from the outside world.
pub struct SignupDeps<'a> {
    pub store: &'a Store,
    pub directory: &'a dyn Directory,
    pub public_url: &'a PublicUrl,
    /// Named in emails, where the guide sends users to support.
    pub support: &'a str,
}

/// Checks a SIRET against the store (one account per SIRET), the approvals registry, then INSEE:
/// the local checks come first, so a SIRET without approval never costs an INSEE call.
pub async fn eligibility(
    deps: &SignupDeps<'_>,
    siret: &Siret,
    client: &ClientIp,
) -> Result<Eligibility, SignupError> {
    let standing = deps.store.siret_standing(siret).await?;
    if let Some(account) = standing.account {
        match account.state {
            AccountState::Active { .. } => {
                return Ok(Eligibility::Refused(Refusal::AlreadyRegistered))
            }
            AccountState::Pending { until } if until > now() => {
                return Ok(Eligibility::Refused(Refusal::Pending))
            }
            // Its link expired: the SIRET is free, a signup replaces it.
            AccountState::Pending { .. } => {}
        }
    }
    // Held by a signup whose address had an account: it reads as a pending account.
    if standing.held {
        return Ok(Eligibility::Refused(Refusal::Pending));
    }
    let today = crate::server::registry::approvals::today();
    let approvals: Vec<_> = deps
        .store
        .approvals_of(siret)
        .await?
        .into_iter()
        .filter(|a| a.in_force_on(today))
        .collect();
    if approvals.is_empty() {
        return Ok(Eligibility::Refused(Refusal::NoApproval));
    }
    let establishment = match deps.directory.lookup_for(siret, client).await? {
        Lookup::NotFound => return Ok(Eligibility::Refused(Refusal::UnknownSiret)),
        Lookup::NotDiffusible => return Ok(Eligibility::Refused(Refusal::NotDiffusible)),
        Lookup::Found(e) => e,
    };
    if !establishment.legal_unit_active {
        return Ok(Eligibility::Refused(Refusal::LegalUnitCeased));
    }
    if !establishment.establishment_active {
        return Ok(Eligibility::Refused(Refusal::EstablishmentClosed));
    }
    let main_establishment = standing.attached_to.map(|owner| MainEstablishment {
        organisation: owner.main_organisation,
        siret: owner.main_siret,
    });
    Ok(Eligibility::Eligible {
        establishment: EstablishmentSummary {
            name: establishment.name,
            town: establishment.town,
            demo: deps.directory.is_demo(),
            main_establishment,
        },
        approvals,
    })
}

/// Creates a pending account and queues its password-creation email, in one transaction.
///
/// When the address already has an account, nothing is created and its owner is emailed a
/// notice instead; the caller sees the same success, so the page reveals nothing.
#[tracing::instrument(name = "sign_up", skip_all)]
pub async fn sign_up(
    deps: &SignupDeps<'_>,
    form: &SignupForm,
    ip: &ClientIp,
) -> Result<ValidSignup, SignupError> {
    let signup = form.parse().map_err(SignupError::Invalid)?;
    let official =
        crate::server::accounts::ownership::official_addresses(deps.store, &signup.siret).await?;
    let is_official = official
        .iter()
        .any(|a| a.identity() == signup.email.identity());
    // A hold left by a signup that created nothing never stands in the centre's own way.
    if is_official {
        deps.store.release_hold(&signup.siret).await?;
    }
    if let Eligibility::Refused(refusal) = eligibility(deps, &signup.siret, ip).await? {
        return Err(SignupError::Refused(refusal));
    }
    // After « Ce n'est pas nous », only the centre's official address may sign the SIRET up
    // for a while: a stranger watching the SIRET cannot take it back at once.
    if !is_official
        && deps
            .store
            .contested_since(&signup.siret, now() - CONTEST_PERIOD)
            .await?
    {
        return Err(SignupError::Refused(Refusal::Contested));
    }
    let holder = deps
        .store
        .account_by_email(&signup.email)
        .await?
        .filter(|a| !a.state.is_expired_pending(now()));
    if let Some(holder) = holder {
        notify_existing_account(deps, &signup, holder.id, &official, ip).await?;
        return Ok(signup);
    }
    match create_pending_account(deps, &signup, &official, ip).await {
        Ok(()) => Ok(signup),
        Err(StoreError::Conflict(Unique::AccountSiret)) => {
            Err(SignupError::Refused(Refusal::AlreadyRegistered))
        }
        Err(StoreError::Conflict(Unique::AccountEmail)) => {
            // Another signup took the address between our check and our insert.
            match deps.store.account_by_email(&signup.email).await? {
                Some(holder) => {
                    notify_existing_account(deps, &signup, holder.id, &official, ip).await?
                }
                None => {
                    return Err(SignupError::Store(StoreError::Conflict(
                        Unique::AccountEmail,
                    )))
                }
            }
            Ok(signup)
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_pending_account(
    deps: &SignupDeps<'_>,
    signup: &ValidSignup,
    official: &[crate::domain::EmailAddress],
    ip: &ClientIp,
) -> Result<(), StoreError> {
    let mut tx = deps.store.begin().await?;
    // A pending account whose link expired gives way: its SIRET and address are free. Its
    // address hears nothing.
    for old in tx
        .expired_pending_accounts(&signup.siret, &signup.email)
        .await?
    {
        tx.end_account(&old, EndReason::Expired, "replaced by a new signup")
            .await?;
        tx.audit(
            &Event::new(EventKind::AccountEnded)
                .siret(&old.siret)
                .ip(ip)
                .detail(format!(
                    "pending account {} expired, replaced by a new signup",
                    old.id
                )),
        )
        .await?;
    }
    let account = tx
        .insert_pending_account(
            &NewAccount {
                siret: signup.siret.clone(),
                email: signup.email.clone(),
                organisation_name: signup.organisation.clone(),
                last_name: signup.last_name.clone(),
                first_name: signup.first_name.clone(),
            },
            now() + tokens::PASSWORD_SETUP_TTL,
        )
        .await?;
    let token = tx
        .insert_token(
            account,
            LinkPurpose::PasswordSetup,
            tokens::PASSWORD_SETUP_TTL,
        )
        .await?;
    tx.enqueue_email(&emails::password_setup(
        signup,
        &deps.public_url.password_link(token.expose()),
        tokens::PASSWORD_SETUP_TTL,
        deps.support,
    ))
    .await?;
    // Another address than the centre's official one: that one is told, and can say « Ce n'est
    // pas nous ».
    let claim = Claim {
        account,
        siret: &signup.siret,
        email: &signup.email,
        ip,
    };
    tell_official_addresses(&mut tx, official, &claim, deps.public_url, deps.support).await?;
    tx.audit(
        &Event::new(EventKind::Signup)
            .siret(&signup.siret)
            .account(account)
            .ip(ip)
            .detail(format!("pending account for {}", signup.email)),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(siret = signup.siret.as_digits(), %account, "pending account created");
    Ok(())
}

/// The address already has an account: its owner hears of the attempt (at most once a day, so a
/// script cannot flood it), and the SIRET is held as a new pending account would hold it, so
/// that nothing visible tells the two outcomes apart.
async fn notify_existing_account(
    deps: &SignupDeps<'_>,
    signup: &ValidSignup,
    holder: AccountId,
    official: &[crate::domain::EmailAddress],
    ip: &ClientIp,
) -> Result<(), StoreError> {
    let mut tx = deps.store.begin().await?;
    let held = tx
        .hold_siret(
            &signup.siret,
            tokens::PASSWORD_SETUP_TTL,
            tokens::NOT_US_TTL,
        )
        .await?;
    // The centre's official address hears of it as of any signup, « Ce n'est pas nous » included.
    if let Some(release) = held {
        crate::server::accounts::ownership::tell_official_addresses_of_hold(
            &mut tx,
            official,
            &signup.siret,
            &signup.email,
            &release,
            (deps.public_url, deps.support),
            ip,
        )
        .await?;
    }
    let told = tx
        .claim_signup_notice(holder, now() - SIGNUP_NOTICE_EVERY)
        .await?;
    if told {
        tx.enqueue_email(&emails::account_already_exists(
            &signup.email,
            deps.public_url,
        ))
        .await?;
    }
    tx.audit(
        &Event::new(EventKind::SignupExistingEmail)
            .siret(&signup.siret)
            .account(holder)
            .ip(ip)
            .detail(if told {
                "address already has an account: notice sent to its owner, SIRET held"
            } else {
                "address already has an account: owner already told today, SIRET held"
            }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        siret = signup.siret.as_digits(),
        told,
        "signup with an address that has an account"
    );
    Ok(())
}
