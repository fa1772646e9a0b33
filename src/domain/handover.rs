//! The administrator's Nom, Prénom and address typed twice, as typed and parsed: the form of
//! « Changer d'administrateur », and the same part of the signup form (`SignupForm::parse`).

use super::signup::email_confirmation_error;
use super::{EmailAddress, Field, FieldProblems, PersonName, Problem};
use serde::{Deserialize, Serialize};

/// The form's fields, as typed (nothing is lost when it is refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverForm {
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub email_confirmation: String,
}

/// The new administrator, every field valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidHandover {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: EmailAddress,
}

impl HandoverForm {
    /// Parses every field, one message per field in error.
    pub fn parse(&self) -> Result<ValidHandover, FieldProblems> {
        let mut errors = FieldProblems::default();
        let last_name = PersonName::parse(&self.last_name)
            .map_err(|e| errors.set(Field::LastName, Problem::Name(e)))
            .ok();
        let first_name = PersonName::parse(&self.first_name)
            .map_err(|e| errors.set(Field::FirstName, Problem::Name(e)))
            .ok();
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| errors.set(Field::Email, Problem::Email(e)))
            .ok();
        if let Some(mismatch) = email_confirmation_error(&self.email, &self.email_confirmation) {
            errors.set(Field::EmailConfirmation, mismatch);
        }
        match (last_name, first_name, email) {
            (Some(last_name), Some(first_name), Some(email)) if errors.is_empty() => {
                Ok(ValidHandover {
                    last_name,
                    first_name,
                    email,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signup_rules_apply() {
        let ok = HandoverForm {
            last_name: "Martin".into(),
            first_name: "Léa".into(),
            email: "lea@example.fr".into(),
            email_confirmation: " LEA@example.fr".into(),
        };
        assert_eq!(ok.parse().unwrap().email.as_str(), "lea@example.fr");
        let bad = HandoverForm {
            email_confirmation: "lea@exemple.fr".into(),
            first_name: String::new(),
            ..ok
        };
        let errors = bad.parse().unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [Field::FirstName, Field::EmailConfirmation]);
    }
}
