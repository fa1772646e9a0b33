//! Main and secondary establishments (case 2 of the approval notice): a centre with an account
//! (the main establishment) attaches other establishments to its contract and invites them.
//!
//! Glossary: établissement principal → main establishment; établissement rattaché → attached
//! (secondary) establishment; rattacher / détacher → attach / detach.

use super::eligibility::Refusal;
use super::{EmailAddress, Siret, UserMessage};
use serde::{Deserialize, Serialize};

/// The main establishment an establishment is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MainEstablishment {
    pub organisation: String,
    /// Grouped for display: `477 280 846 03753`.
    pub siret: String,
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

impl AttachmentState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Invited => "Invitation envoyée",
            Self::AccountPending => "Compte créé, mot de passe à définir",
            Self::AccountActive => "Compte actif",
        }
    }
}

/// An attached establishment, as the main establishment's space lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedEstablishment {
    /// 14 digits.
    pub siret: String,
    pub name: Option<String>,
    pub contact_email: String,
    /// `YYYY-MM-DD`.
    pub since: String,
    pub state: AttachmentState,
}

/// The « Rattacher un établissement » form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachForm {
    pub siret: String,
    pub contact_email: String,
}

/// Messages per field of the attach form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachErrors {
    pub siret: Option<String>,
    pub contact_email: Option<String>,
}

impl AttachErrors {
    pub fn is_empty(&self) -> bool {
        self.siret.is_none() && self.contact_email.is_none()
    }
}

/// A well-formed attach request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAttach {
    pub siret: Siret,
    pub contact_email: EmailAddress,
}

impl AttachForm {
    pub fn parse(&self) -> Result<ValidAttach, AttachErrors> {
        let siret = Siret::parse(&self.siret);
        let email = EmailAddress::parse(&self.contact_email);
        match (siret, email) {
            (Ok(siret), Ok(contact_email)) => Ok(ValidAttach {
                siret,
                contact_email,
            }),
            (siret, email) => Err(AttachErrors {
                siret: siret.err().map(|e| e.user_message()),
                contact_email: email.err().map(|e| e.user_message()),
            }),
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
}

impl UserMessage for AttachRefusal {
    fn user_message(&self) -> String {
        match self {
            Self::OwnSiret => {
                "C'est le SIRET de votre propre établissement\u{a0}: saisissez celui de l'établissement à rattacher.".into()
            }
            Self::AlreadyAttachedHere => {
                "Cet établissement est déjà rattaché à votre contrat.".into()
            }
            Self::AttachedElsewhere => {
                "Cet établissement est déjà rattaché au contrat d'un autre établissement principal.".into()
            }
            Self::HasOwnAccount => {
                "Cet établissement a déjà son propre compte Hub Pro Transport\u{a0}: il ne peut pas être rattaché.".into()
            }
            Self::MainIsAttached => {
                "Votre établissement est lui-même rattaché à un établissement principal\u{a0}: seul celui-ci peut rattacher des établissements.".into()
            }
            Self::Ineligible(reason) => reason.user_message(),
        }
    }
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
        assert!(errors.siret.unwrap().contains("14 chiffres"));
        assert!(errors.contact_email.unwrap().contains("@"));
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
        assert_eq!(
            AttachRefusal::Ineligible(Refusal::NoApproval).user_message(),
            Refusal::NoApproval.user_message()
        );
    }
}
