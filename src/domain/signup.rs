//! The signup form as typed, and its parsing into valid values. Shared so the browser shows the
//! same messages as the server, which re-checks everything.

use super::{
    EmailAddress, Field, FieldProblems, HandoverForm, OrganisationName, PersonName, Problem, Siret,
    ValidHandover,
};
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

/// A signup whose every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSignup {
    pub siret: Siret,
    pub organisation: OrganisationName,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: EmailAddress,
}

impl SignupForm {
    /// Parses every field, collecting one message per field in error.
    pub fn parse(&self) -> Result<ValidSignup, FieldProblems> {
        let mut errors = FieldProblems::default();
        let siret = Siret::parse(&self.siret)
            .map_err(|e| errors.set(Field::Siret, Problem::Siret(e)))
            .ok();
        let organisation = OrganisationName::parse(&self.organisation)
            .map_err(|e| errors.set(Field::Organisation, Problem::Name(e)))
            .ok();
        let administrator = HandoverForm {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            email: self.email.clone(),
            email_confirmation: self.email_confirmation.clone(),
        }
        .parse()
        .map_err(|fields| errors.extend(fields))
        .ok();
        match (siret, organisation, administrator) {
            (
                Some(siret),
                Some(organisation),
                Some(ValidHandover {
                    last_name,
                    first_name,
                    email,
                }),
            ) if errors.is_empty() => Ok(ValidSignup {
                siret,
                organisation,
                last_name,
                first_name,
                email,
            }),
            _ => Err(errors),
        }
    }
}

/// Checks the confirmation against the address (same address, ignoring case and outer spaces).
pub fn email_confirmation_error(email: &str, confirmation: &str) -> Option<Problem> {
    if confirmation.trim().is_empty() {
        return Some(Problem::EmailConfirmationMissing);
    }
    (!email.trim().eq_ignore_ascii_case(confirmation.trim())).then_some(Problem::EmailMismatch)
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
        let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                Field::Siret,
                Field::Organisation,
                Field::LastName,
                Field::FirstName,
                Field::Email,
                Field::EmailConfirmation
            ]
        );
        assert_eq!(
            errors.get(Field::Siret),
            Some(&Problem::Siret(crate::domain::SiretError::WrongLength(3)))
        );
        assert_eq!(
            errors.get(Field::EmailConfirmation),
            Some(&Problem::EmailMismatch)
        );
    }

    #[test]
    fn mismatched_confirmation_alone_blocks() {
        let mut form = valid();
        form.email_confirmation = "cfa-lile@example.fr".into();
        let errors = form.parse().unwrap_err();
        assert_eq!(errors.iter().count(), 1);
        assert_eq!(
            errors.get(Field::EmailConfirmation),
            Some(&Problem::EmailMismatch)
        );
    }
}
