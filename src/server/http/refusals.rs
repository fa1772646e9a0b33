//! Each service error as the user is told it, written once: the problems per field and the
//! problem of the whole request. Unexpected errors are logged here and told as such; the support
//! contact is named by [`crate::server::http::web::refused`].

use crate::domain::{Field, FieldProblems, Problem};
use crate::server::accounts::auth::AuthError;
use crate::server::accounts::establishments::AttachError;
use crate::server::accounts::handover::HandoverError;
use crate::server::accounts::ownership::OwnershipError;
use crate::server::accounts::signup::SignupError;
use crate::server::registry::directory::DirectoryError;
use crate::server::store::StoreError;

/// What a refused call tells the user.
#[derive(Debug, Default)]
pub struct Refusal {
    pub fields: FieldProblems,
    pub general: Option<Problem>,
}

impl Refusal {
    pub fn general(problem: Problem) -> Self {
        Self {
            general: Some(problem),
            ..Self::default()
        }
    }

    pub fn on(field: Field, problem: Problem) -> Self {
        Self {
            fields: FieldProblems::from([(field, problem)]),
            general: None,
        }
    }

    /// Something the user cannot act on: logged here, told as unexpected.
    pub fn unexpected(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %error, "request failed");
        Self::general(Problem::Unexpected)
    }
}

/// Named by [`crate::server::http::web::refused`], from the configuration.
const SUPPORT: String = String::new();

/// A SIRET that may not sign up, as the user is told (the support contact named later).
pub fn ineligible(refusal: crate::domain::Refusal) -> Problem {
    Problem::Ineligible {
        refusal,
        support: SUPPORT,
    }
}

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidCredentials => Self::general(Problem::BadCredentials),
            AuthError::Throttled(seconds) => Self::general(Problem::TooManyAttempts { seconds }),
            AuthError::Busy(seconds) => Self::general(Problem::TooManyRequests { seconds }),
            AuthError::Suspended => Self::general(Problem::AccountSuspended { support: SUPPORT }),
            AuthError::RecentLoginRequired => Self::general(Problem::RecentLoginRequired),
            AuthError::WrongPassword => Self::general(Problem::WrongPassword),
            AuthError::LinkInvalid => Self::general(Problem::LinkInvalid),
            AuthError::PasswordInvalid(e) => Self::on(Field::Password, Problem::Password(e)),
            AuthError::PasswordPolicy(r) => Self::on(Field::Password, Problem::PasswordPolicy(r)),
            AuthError::PasswordsDiffer => Self::on(Field::Confirmation, Problem::PasswordsDiffer),
            AuthError::InvalidEmail(e) => Self::on(Field::Email, Problem::Email(e)),
            AuthError::CodeInvalid => Self::general(Problem::CodeInvalid),
            AuthError::LoginExpired => Self::general(Problem::LoginStepExpired),
            AuthError::FactorChanged => Self::general(Problem::FactorChanged),
            // Never offered there (the buttons only show where passkeys work).
            AuthError::PasskeyRefused | AuthError::PasskeysUnavailable => {
                Self::general(Problem::PasskeyRefused)
            }
            AuthError::NoPasskey => Self::general(Problem::NoPasskey),
            AuthError::AddressTaken => Self::general(Problem::AddressTaken),
            e @ (AuthError::Store(_) | AuthError::Hash(_)) => Self::unexpected(&e),
        }
    }
}

impl From<SignupError> for Refusal {
    fn from(e: SignupError) -> Self {
        match e {
            SignupError::Invalid(fields) => Self {
                fields,
                general: None,
            },
            SignupError::Refused(refusal) => Self::on(Field::Siret, ineligible(refusal)),
            SignupError::DirectoryUnavailable(e) => e.into(),
            SignupError::Store(e) => e.into(),
        }
    }
}

impl From<AttachError> for Refusal {
    fn from(e: AttachError) -> Self {
        match e {
            AttachError::Invalid(fields) => Self {
                fields,
                general: None,
            },
            AttachError::Refused(reason) => Self::on(Field::AttachSiret, Problem::Attach(reason)),
            AttachError::DirectoryUnavailable(e) => e.into(),
            AttachError::Store(e) => e.into(),
        }
    }
}

impl From<OwnershipError> for Refusal {
    fn from(e: OwnershipError) -> Self {
        match e {
            OwnershipError::LinkInvalid => Self::general(Problem::LinkInvalid),
            e => Self::unexpected(&e),
        }
    }
}

impl From<HandoverError> for Refusal {
    fn from(e: HandoverError) -> Self {
        match e {
            HandoverError::Invalid(fields) => Self {
                fields,
                general: None,
            },
            HandoverError::AlreadyWaiting => Self::general(Problem::HandoverWaiting),
            HandoverError::TooOften => Self::general(Problem::HandoverTooOften),
            HandoverError::Changed => Self::general(Problem::SessionEnded),
            HandoverError::SameAddress => Self::on(Field::Email, Problem::HandoverSameAddress),
            HandoverError::AddressTaken => Self::general(Problem::AddressTaken),
            HandoverError::LinkInvalid => Self::general(Problem::LinkInvalid),
            HandoverError::Auth(e) => e.into(),
            HandoverError::Store(e) => e.into(),
            e @ (HandoverError::NoAccount(_) | HandoverError::NoReason) => Self::unexpected(&e),
        }
    }
}

impl From<DirectoryError> for Refusal {
    fn from(e: DirectoryError) -> Self {
        Self::general(e.problem())
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Self::unexpected(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_user_cannot_act_on_is_unexpected() {
        let store = StoreError::Corrupt {
            column: "x",
            detail: "y".into(),
        };
        assert_eq!(
            Refusal::from(AuthError::Store(store)).general,
            Some(Problem::Unexpected)
        );
        let wrong = Refusal::from(AuthError::PasswordsDiffer);
        assert!(wrong.general.is_none());
        assert_eq!(
            wrong.fields.iter().next().map(|(f, _)| *f),
            Some(Field::Confirmation)
        );
    }
}
