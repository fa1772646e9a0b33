//! Main and secondary establishments (case 2 of the approval notice): a centre with an account
//! (the main establishment) attaches other establishments to its contract and invites them.
//!
//! Glossary: établissement principal → main establishment; établissement rattaché → attached
//! (secondary) establishment; rattacher / détacher → attach / detach.

use super::eligibility::Refusal;
use super::{EmailAddress, Field, FieldProblems, OrganisationName, Problem, Siret};
use serde::{Deserialize, Serialize};

/// The main establishment an establishment is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MainEstablishment {
    pub organisation: OrganisationName,
    pub siret: Siret,
}

/// Where an attached establishment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentState {
    /// Invitation sent, no account yet.
    Invited,
    /// Account created, password not chosen yet.
    AccountPending,
    AccountActive,
}

/// An attached establishment, as the main establishment's space lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedEstablishment {
    pub siret: Siret,
    /// As INSEE gives it, when it diffuses it.
    pub name: Option<String>,
    pub contact_email: EmailAddress,
    pub since: time::Date,
    pub state: AttachmentState,
}

/// The « Rattacher un établissement » form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachForm {
    pub siret: String,
    pub contact_email: String,
}

/// A well-formed attach request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAttach {
    pub siret: Siret,
    pub contact_email: EmailAddress,
}

impl AttachForm {
    pub fn parse(&self) -> Result<ValidAttach, FieldProblems> {
        let siret = Siret::parse(&self.siret);
        let email = EmailAddress::parse(&self.contact_email);
        match (siret, email) {
            (Ok(siret), Ok(contact_email)) => Ok(ValidAttach {
                siret,
                contact_email,
            }),
            (siret, email) => {
                let mut problems = FieldProblems::default();
                if let Err(e) = siret {
                    problems.set(Field::AttachSiret, Problem::Siret(e));
                }
                if let Err(e) = email {
                    problems.set(Field::ContactEmail, Problem::Email(e));
                }
                Err(problems)
            }
        }
    }
}

/// Why an establishment cannot be attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AttachRefusal {
    #[error("own SIRET")]
    OwnSiret,
    #[error("already attached to this main establishment")]
    AlreadyAttachedHere,
    #[error("attached to another main establishment")]
    AttachedElsewhere,
    #[error("has its own account")]
    HasOwnAccount,
    #[error("the main establishment is itself attached")]
    MainIsAttached,
    #[error("not eligible: {0}")]
    Ineligible(Refusal),
    /// Neither of the same SIREN nor invited at its approvals' notification address.
    #[error("not the same centre")]
    OtherCentre,
    /// The main establishment sent its invitations of the day.
    #[error("too many invitations today")]
    TooManyInvitations,
    /// The establishment received its invitations of the day.
    #[error("establishment invited too often today")]
    InvitedTooOften,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reports_every_bad_field() {
        let errors = AttachForm {
            siret: "400 734 448 0001".into(),
            contact_email: "pas-une-adresse".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            errors.get(Field::AttachSiret),
            Some(&Problem::Siret(crate::domain::SiretError::WrongLength(13)))
        );
        assert_eq!(
            errors.get(Field::ContactEmail),
            Some(&Problem::Email(crate::domain::EmailError::MissingAt))
        );
        let ok = AttachForm {
            siret: "400 734 448 00014".into(),
            contact_email: " Nimes@Example.fr ".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.siret.as_digits(), "40073444800014");
    }

    #[test]
    fn ineligible_reuses_the_signup_wording() {
        use crate::domain::UserMessage;
        assert_eq!(
            AttachRefusal::Ineligible(Refusal::NoApproval).user_message(),
            Refusal::NoApproval.user_message()
        );
    }
}
