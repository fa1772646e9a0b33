//! The signup form as typed, and its parsing into valid values. Shared so the browser shows the
//! same messages as the server, which re-checks everything.

use super::{EmailAddress, OrganisationName, PersonName, Siret, UserMessage};
use serde::{Deserialize, Serialize};

/// The form's fields, as typed (nothing is lost when a submission is refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupForm {
    pub siret: String,
    pub organisation: String,
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub email_confirmation: String,
}

/// A field of the signup form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignupField {
    Siret,
    Organisation,
    LastName,
    FirstName,
    Email,
    EmailConfirmation,
}

impl SignupField {
    /// Form order: errors are listed, and focus goes, in this order.
    pub const ALL: [SignupField; 6] = [
        SignupField::Siret,
        SignupField::Organisation,
        SignupField::LastName,
        SignupField::FirstName,
        SignupField::Email,
        SignupField::EmailConfirmation,
    ];

    /// The input's `id` and `name`.
    pub fn id(self) -> &'static str {
        match self {
            SignupField::Siret => "siret",
            SignupField::Organisation => "organisation",
            SignupField::LastName => "last_name",
            SignupField::FirstName => "first_name",
            SignupField::Email => "email",
            SignupField::EmailConfirmation => "email_confirmation",
        }
    }
}

/// One French message per field in error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(SignupField, String)>);

impl FieldErrors {
    pub fn get(&self, field: SignupField) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn set(&mut self, field: SignupField, message: impl Into<String>) {
        self.0.retain(|(f, _)| *f != field);
        self.0.push((field, message.into()));
        self.0
            .sort_by_key(|(f, _)| SignupField::ALL.iter().position(|x| x == f));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A signup whose every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSignup {
    pub siret: Siret,
    pub organisation: OrganisationName,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: EmailAddress,
}

/// Message when the confirmation differs from the address.
pub const EMAIL_MISMATCH: &str =
    "Les deux adresses électroniques ne sont pas identiques\u{a0}: vérifiez la confirmation.";

impl SignupForm {
    /// Parses every field, collecting one message per field in error.
    pub fn parse(&self) -> Result<ValidSignup, FieldErrors> {
        let mut errors = FieldErrors::default();
        let siret = Siret::parse(&self.siret)
            .map_err(|e| errors.set(SignupField::Siret, e.user_message()))
            .ok();
        let organisation = OrganisationName::parse(&self.organisation)
            .map_err(|e| errors.set(SignupField::Organisation, e.user_message()))
            .ok();
        let last_name = PersonName::parse(&self.last_name)
            .map_err(|e| errors.set(SignupField::LastName, e.user_message()))
            .ok();
        let first_name = PersonName::parse(&self.first_name)
            .map_err(|e| errors.set(SignupField::FirstName, e.user_message()))
            .ok();
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| errors.set(SignupField::Email, e.user_message()))
            .ok();
        if let Some(mismatch) = email_confirmation_error(&self.email, &self.email_confirmation) {
            errors.set(SignupField::EmailConfirmation, mismatch);
        }
        match (siret, organisation, last_name, first_name, email) {
            (Some(siret), Some(organisation), Some(last_name), Some(first_name), Some(email))
                if errors.is_empty() =>
            {
                Ok(ValidSignup {
                    siret,
                    organisation,
                    last_name,
                    first_name,
                    email,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Checks the confirmation against the address (same address, ignoring case and outer spaces).
pub fn email_confirmation_error(email: &str, confirmation: &str) -> Option<&'static str> {
    if confirmation.trim().is_empty() {
        return Some("Confirmez votre adresse électronique.");
    }
    (!email.trim().eq_ignore_ascii_case(confirmation.trim())).then_some(EMAIL_MISMATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SignupForm {
        SignupForm {
            siret: "477 280 846 03753".into(),
            organisation: "Formatrans".into(),
            last_name: "Dupont".into(),
            first_name: "Claire".into(),
            email: "cfa-lille@example.fr".into(),
            email_confirmation: "CFA-lille@example.fr ".into(),
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let v = valid().parse().unwrap();
        assert_eq!(v.siret.as_digits(), "47728084603753");
        assert_eq!(v.email.as_str(), "cfa-lille@example.fr");
    }

    #[test]
    fn every_bad_field_gets_its_message_in_form_order() {
        let form = SignupForm {
            siret: "123".into(),
            organisation: " ".into(),
            last_name: "<b>".into(),
            first_name: "".into(),
            email: "pas-une-adresse".into(),
            email_confirmation: "autre@example.fr".into(),
        };
        let errors = form.parse().unwrap_err();
        let fields: Vec<SignupField> = errors.0.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, SignupField::ALL);
        assert_eq!(
            errors.get(SignupField::Siret),
            Some("Le numéro de SIRET compte 14 chiffres\u{202f}; vous en avez saisi 3.")
        );
        assert_eq!(
            errors.get(SignupField::EmailConfirmation),
            Some(EMAIL_MISMATCH)
        );
    }

    #[test]
    fn mismatched_confirmation_alone_blocks() {
        let mut form = valid();
        form.email_confirmation = "cfa-lile@example.fr".into();
        let errors = form.parse().unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(
            errors.get(SignupField::EmailConfirmation),
            Some(EMAIL_MISMATCH)
        );
    }
}
