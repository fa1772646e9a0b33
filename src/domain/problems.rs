//! What can go wrong for the person filling a form, as values: every layer returns these (or
//! its own error that the edge maps to them), and [`super::messages`] is the one place that
//! turns a [`Problem`] into its French message and its HTTP status.

use super::{
    AttachRefusal, EmailError, NameError, PasswordError, PolicyRefusal, Refusal, SiretError,
};
use serde::{Deserialize, Serialize};

/// A field of one of the forms. Declared in form order: errors are listed, and focus goes, in
/// this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Field {
    Siret,
    Organisation,
    LastName,
    FirstName,
    Email,
    EmailConfirmation,
    Password,
    Confirmation,
    /// The attach form's SIRET.
    AttachSiret,
    /// The attach form's contact address.
    ContactEmail,
}

impl Field {
    /// The input's `id`.
    pub fn id(self) -> &'static str {
        match self {
            Field::Siret => "siret",
            Field::Organisation => "organisation",
            Field::LastName => "last_name",
            Field::FirstName => "first_name",
            Field::Email => "email",
            Field::EmailConfirmation => "email_confirmation",
            Field::Password => "password",
            Field::Confirmation => "confirmation",
            Field::AttachSiret => "attach-siret",
            Field::ContactEmail => "attach-contact",
        }
    }
}

/// Why a request did not go through.
///
/// A problem travels as its stable code ([`Problem::code`], `problem_codes.rs`) with, beside
/// it, the French message the server made: the browser only shows the message, so the WASM
/// carries neither a decoder of every kind of problem nor the wording of those only the server
/// finds. The server reads back only the code (a refusal that came back in a URL): no text
/// from outside is ever shown as one of our messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Siret(SiretError),
    Email(EmailError),
    Name(NameError),
    Password(PasswordError),
    PasswordPolicy(PolicyRefusal),
    EmailConfirmationMissing,
    EmailMismatch,
    PasswordsDiffer,
    /// The SIRET may not sign up; `support` is named where the guide sends users to support.
    Ineligible {
        refusal: Refusal,
        support: String,
    },
    Attach(AttachRefusal),
    BadCredentials,
    /// The centre's official address suspended this account (« Ce n'est pas nous »).
    AccountSuspended {
        support: String,
    },
    /// The emailed link or the password flow is unknown, used or expired.
    LinkInvalid,
    SessionEnded,
    /// A sensitive change, the last password typed too long ago: the password is asked again.
    RecentLoginRequired,
    /// The password typed to confirm a change is not the account's.
    WrongPassword,
    // The second factor's problems are found by the server only: the browser shows them as
    // `Shown`, so neither they nor their wording are in the WASM.
    /// The second factor's code is wrong, already used, or not a code.
    #[cfg(feature = "ssr")]
    CodeInvalid,
    /// The login's second step waited too long (or was used): the password is asked again.
    #[cfg(feature = "ssr")]
    LoginStepExpired,
    /// The second factor changed meanwhile (another tab turned it on or off).
    #[cfg(feature = "ssr")]
    FactorChanged,
    /// The passkey was not accepted (cancelled, unknown here, or too slow).
    #[cfg(feature = "ssr")]
    PasskeyRefused,
    /// The account has no passkey (the second step offers the app or a recovery code).
    #[cfg(feature = "ssr")]
    NoPasskey,
    /// A handover is already waiting for its new administrator (cancel it first).
    #[cfg(feature = "ssr")]
    HandoverWaiting,
    /// The new administrator's address is the account's own.
    #[cfg(feature = "ssr")]
    HandoverSameAddress,
    /// Three handovers were started today already.
    #[cfg(feature = "ssr")]
    HandoverTooOften,
    /// The new administrator's address already has an account of its own.
    #[cfg(feature = "ssr")]
    AddressTaken,
    /// A per-client budget of requests is spent.
    TooManyRequests {
        seconds: i64,
    },
    /// Guessing is being slowed down (login, forgotten password).
    TooManyAttempts {
        seconds: i64,
    },
    DirectoryUnavailable,
    /// A request our own pages never send (missing or undecodable arguments).
    Malformed,
    /// A state-changing request sent by another site's page.
    CrossSite,
    Unexpected,
    /// In the browser only: a problem as the server sent it, its code and its message. The
    /// server has no such variant, so it can only show messages it made itself.
    #[cfg(not(feature = "ssr"))]
    Shown {
        code: String,
        message: String,
    },
}

/// A problem on the wire.
#[derive(Serialize, Deserialize)]
struct Wire {
    code: String,
    #[serde(default)]
    message: String,
}

impl Problem {
    /// The problem on the wire, with this message (its own, or the one naming its field).
    fn wire(&self, message: String) -> Wire {
        #[cfg(feature = "ssr")]
        let code = self.code();
        // The browser only ever passes on what the server sent it: the codes and their
        // wording stay out of the WASM.
        #[cfg(not(feature = "ssr"))]
        let code = match self {
            Problem::Shown { code, .. } => code.clone(),
            _ => "unexpected".into(),
        };
        Wire { code, message }
    }
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use super::UserMessage;
        self.wire(self.user_message()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        // The server trusts the code only (an unknown one reads as the generic problem).
        #[cfg(feature = "ssr")]
        return Ok(Problem::from_code(&wire.code).unwrap_or(Problem::Unexpected));
        #[cfg(not(feature = "ssr"))]
        Ok(Problem::Shown {
            code: wire.code,
            message: wire.message,
        })
    }
}

/// The problems of a form, field by field, in form order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct FieldProblems(Vec<(Field, Problem)>);

/// As derived, a list of `(field, problem)`, but each message names its field
/// ([`Problem::message_on`]): the browser shows the message as the server sent it.
impl Serialize for FieldProblems {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs: Vec<(Field, Wire)> = self
            .0
            .iter()
            .map(|(field, problem)| (*field, problem.wire(problem.message_on(*field))))
            .collect();
        serializer.serialize_newtype_struct("FieldProblems", &pairs)
    }
}

impl FieldProblems {
    pub fn get(&self, field: Field) -> Option<&Problem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
    }

    /// Sets the field's problem (one per field).
    pub fn set(&mut self, field: Field, problem: Problem) {
        self.0.retain(|(f, _)| *f != field);
        self.0.push((field, problem));
        self.0.sort_by_key(|(f, _)| *f);
    }

    /// Adds the problems of another part of the form.
    pub fn extend(&mut self, other: FieldProblems) {
        for (field, problem) in other.0 {
            self.set(field, problem);
        }
    }

    pub fn first(&self) -> Option<Field> {
        self.0.first().map(|(f, _)| *f)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Field, Problem)> {
        self.0.iter()
    }

    fn naming_support(self, contact: &str) -> Self {
        FieldProblems(
            self.0
                .into_iter()
                .map(|(f, p)| (f, p.naming_support(contact)))
                .collect(),
        )
    }
}

impl<const N: usize> From<[(Field, Problem); N]> for FieldProblems {
    fn from(pairs: [(Field, Problem); N]) -> Self {
        let mut all = Self::default();
        for (field, problem) in pairs {
            all.set(field, problem);
        }
        all
    }
}

/// A refused form: what was typed (so nothing is lost, also without JavaScript where it travels
/// back in the redirect — never a password), the problems per field, and a problem of the
/// whole request. `F` is the form's typed values, `()` for requests without a form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem<F> {
    pub form: F,
    pub fields: FieldProblems,
    pub general: Option<Problem>,
}

impl<F: Default> FormProblem<F> {
    /// A problem of the whole request.
    pub fn general(problem: Problem) -> Self {
        Self {
            general: Some(problem),
            ..Default::default()
        }
    }
}

impl<F> FormProblem<F> {
    pub fn keeping(form: F, fields: FieldProblems, general: Option<Problem>) -> Self {
        Self {
            form,
            fields,
            general,
        }
    }

    /// The same refusal, its problems naming this support contact where their message names
    /// one (a refusal read back from a URL names none).
    pub fn naming_support(self, contact: &str) -> Self {
        Self {
            fields: self.fields.naming_support(contact),
            general: self.general.map(|p| p.naming_support(contact)),
            form: self.form,
        }
    }

    /// The code of a field's problem (pages mark their messages with it).
    pub fn code(&self, field: Field) -> Option<String> {
        self.fields.get(field).map(Problem::code)
    }

    /// The code of the whole request's problem.
    pub fn general_code(&self) -> Option<String> {
        self.general.as_ref().map(Problem::code)
    }

    /// The French message of a field's problem, naming the field where it is about it.
    pub fn message(&self, field: Field) -> Option<String> {
        self.fields.get(field).map(|p| p.message_on(field))
    }

    /// The French message of the whole request's problem.
    pub fn general_message(&self) -> Option<String> {
        use super::UserMessage;
        self.general.as_ref().map(UserMessage::user_message)
    }

    /// The HTTP status the server answers with: the general problem's, else 422.
    pub fn status(&self) -> u16 {
        self.general.as_ref().map_or(422, Problem::status)
    }
}

impl<F> std::fmt::Display for FormProblem<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.general {
            Some(p) => write!(f, "{p:?}"),
            None => write!(f, "{:?}", self.fields),
        }
    }
}
