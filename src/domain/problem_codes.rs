//! The stable code of each [`Problem`]: what travels between server and browser, and what comes
//! back in a URL after a refusal without JavaScript. A code names the kind of problem and its
//! parameters of known types (a number, a list of password rules), never free text: whatever a
//! stranger writes into a URL, the server shows one of its own messages or the generic one.
//!
//! Grammar: `kind` or `kind:parameter` — `siret.length:13`, `too_many_attempts:30`,
//! `password.unmet:uppercase,special`, `attach.ineligible.no_approval`.

use super::names::{ORGANISATION_NAME_MAX, PERSON_NAME_MAX};
use super::siret::SIRET_INPUT_MAX;
use super::{
    AttachRefusal, EmailError, NameError, PasswordError, PasswordRule, PolicyRefusal, Problem,
    Refusal, SiretError,
};

impl Problem {
    /// The problem's stable code.
    pub fn code(&self) -> String {
        match self {
            Problem::Siret(SiretError::WrongLength(n)) => format!("siret.length:{n}"),
            Problem::Name(NameError::TooLong(n)) => format!("name.too_long:{n}"),
            Problem::Password(PasswordError::Unmet(rules)) => format!(
                "password.unmet:{}",
                rules
                    .iter()
                    .map(|r| rule_code(*r))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Problem::Ineligible { refusal, .. } => format!("ineligible.{}", refusal_code(*refusal)),
            Problem::Attach(AttachRefusal::Ineligible(refusal)) => {
                format!("attach.ineligible.{}", refusal_code(*refusal))
            }
            Problem::TooManyRequests { seconds } => format!("too_many_requests:{seconds}"),
            Problem::TooManyAttempts { seconds } => format!("too_many_attempts:{seconds}"),
            #[cfg(not(feature = "ssr"))]
            Problem::Shown { code, .. } => code.clone(),
            other => UNIT_CODES
                .iter()
                .find(|(_, p)| p.same_kind(other))
                .map_or("unexpected", |(code, _)| code)
                .to_owned(),
        }
    }

    /// The problem a code names; `None` for anything else. Problems that name the support
    /// contact name none yet: the page that shows it adds the configured one
    /// ([`Problem::naming_support`]), never text from the code.
    pub fn from_code(code: &str) -> Option<Problem> {
        let (kind, parameter) = match code.split_once(':') {
            Some((kind, parameter)) => (kind, Some(parameter)),
            None => (code, None),
        };
        // Parameters are bounded to what the server can say: no stranger's number either.
        let seconds = || {
            parameter
                .and_then(parse_number::<i64>)
                .filter(|s| (1..=MAX_WAIT_SECONDS).contains(s))
        };
        let problem = match (kind, parameter) {
            ("siret.length", Some(n)) => Problem::Siret(SiretError::WrongLength(
                parse_number(n).filter(|n| *n <= SIRET_INPUT_MAX)?,
            )),
            ("name.too_long", Some(n)) => Problem::Name(NameError::TooLong(
                parse_number(n).filter(|n| [PERSON_NAME_MAX, ORGANISATION_NAME_MAX].contains(n))?,
            )),
            ("password.unmet", Some(rules)) => {
                let named = rules.split(',').map(rule_of).collect::<Option<Vec<_>>>()?;
                // Each rule once, in the rules' order, as the server lists them.
                Problem::Password(PasswordError::Unmet(
                    PasswordRule::ALL
                        .into_iter()
                        .filter(|r| named.contains(r))
                        .collect(),
                ))
            }
            ("too_many_requests", Some(_)) => Problem::TooManyRequests {
                seconds: seconds()?,
            },
            ("too_many_attempts", Some(_)) => Problem::TooManyAttempts {
                seconds: seconds()?,
            },
            (kind, None) => {
                if let Some(refusal) = kind.strip_prefix("attach.ineligible.") {
                    Problem::Attach(AttachRefusal::Ineligible(refusal_of(refusal)?))
                } else if let Some(refusal) = kind.strip_prefix("ineligible.") {
                    Problem::Ineligible {
                        refusal: refusal_of(refusal)?,
                        support: String::new(),
                    }
                } else {
                    let (_, problem) = UNIT_CODES.iter().find(|(code, _)| *code == kind)?;
                    problem.clone()
                }
            }
            _ => return None,
        };
        Some(problem)
    }

    /// Whether two problems are of the same kind, parameters aside.
    fn same_kind(&self, other: &Problem) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && match (self, other) {
                (Problem::Siret(a), Problem::Siret(b)) => a == b,
                (Problem::Email(a), Problem::Email(b)) => a == b,
                (Problem::Name(a), Problem::Name(b)) => a == b,
                (Problem::Password(a), Problem::Password(b)) => a == b,
                (Problem::PasswordPolicy(a), Problem::PasswordPolicy(b)) => a == b,
                (Problem::Attach(a), Problem::Attach(b)) => a == b,
                _ => true,
            }
    }

    /// The same problem, naming this support contact where its message names one.
    pub fn naming_support(self, contact: &str) -> Problem {
        match self {
            Problem::AccountSuspended { .. } => Problem::AccountSuspended {
                support: contact.to_owned(),
            },
            Problem::Ineligible { refusal, .. } => Problem::Ineligible {
                refusal,
                support: contact.to_owned(),
            },
            other => other,
        }
    }
}

/// The longest wait the server ever asks for (the throttles' caps are 30 minutes at most).
const MAX_WAIT_SECONDS: i64 = 3600;

/// The problems without parameters, by code. A code is never renamed: old URLs keep working.
const UNIT_CODES: &[(&str, Problem)] = &[
    ("siret.empty", Problem::Siret(SiretError::Empty)),
    (
        "siret.character",
        Problem::Siret(SiretError::InvalidCharacter),
    ),
    ("siret.checksum", Problem::Siret(SiretError::Checksum)),
    ("email.empty", Problem::Email(EmailError::Empty)),
    ("email.too_long", Problem::Email(EmailError::TooLong)),
    ("email.missing_at", Problem::Email(EmailError::MissingAt)),
    (
        "email.local_part",
        Problem::Email(EmailError::InvalidLocalPart),
    ),
    ("email.domain", Problem::Email(EmailError::InvalidDomain)),
    ("name.empty", Problem::Name(NameError::Empty)),
    ("name.control", Problem::Name(NameError::ControlCharacter)),
    ("name.character", Problem::Name(NameError::InvalidCharacter)),
    ("name.markup", Problem::Name(NameError::Markup)),
    ("name.no_letter", Problem::Name(NameError::NoLetter)),
    (
        "password.too_long",
        Problem::Password(PasswordError::TooLong),
    ),
    (
        "password.control",
        Problem::Password(PasswordError::ControlCharacter),
    ),
    (
        "policy.common",
        Problem::PasswordPolicy(PolicyRefusal::Common),
    ),
    (
        "policy.siret",
        Problem::PasswordPolicy(PolicyRefusal::ContainsSiret),
    ),
    (
        "policy.organisation",
        Problem::PasswordPolicy(PolicyRefusal::ContainsOrganisation),
    ),
    (
        "policy.name",
        Problem::PasswordPolicy(PolicyRefusal::ContainsName),
    ),
    (
        "policy.email",
        Problem::PasswordPolicy(PolicyRefusal::ContainsEmail),
    ),
    (
        "email.confirmation_missing",
        Problem::EmailConfirmationMissing,
    ),
    ("email.mismatch", Problem::EmailMismatch),
    ("password.differ", Problem::PasswordsDiffer),
    ("attach.own_siret", Problem::Attach(AttachRefusal::OwnSiret)),
    (
        "attach.attached_here",
        Problem::Attach(AttachRefusal::AlreadyAttachedHere),
    ),
    (
        "attach.attached_elsewhere",
        Problem::Attach(AttachRefusal::AttachedElsewhere),
    ),
    (
        "attach.own_account",
        Problem::Attach(AttachRefusal::HasOwnAccount),
    ),
    (
        "attach.main_attached",
        Problem::Attach(AttachRefusal::MainIsAttached),
    ),
    (
        "attach.other_centre",
        Problem::Attach(AttachRefusal::OtherCentre),
    ),
    (
        "attach.too_many_invitations",
        Problem::Attach(AttachRefusal::TooManyInvitations),
    ),
    (
        "attach.invited_too_often",
        Problem::Attach(AttachRefusal::InvitedTooOften),
    ),
    ("login.bad_credentials", Problem::BadCredentials),
    (
        "login.suspended",
        Problem::AccountSuspended {
            support: String::new(),
        },
    ),
    ("link.invalid", Problem::LinkInvalid),
    ("session.ended", Problem::SessionEnded),
    ("session.recent_login", Problem::RecentLoginRequired),
    ("session.wrong_password", Problem::WrongPassword),
    #[cfg(feature = "ssr")]
    ("second_factor.invalid", Problem::CodeInvalid),
    #[cfg(feature = "ssr")]
    ("second_factor.expired", Problem::LoginStepExpired),
    #[cfg(feature = "ssr")]
    ("second_factor.changed", Problem::FactorChanged),
    #[cfg(feature = "ssr")]
    ("passkey.refused", Problem::PasskeyRefused),
    #[cfg(feature = "ssr")]
    ("passkey.none", Problem::NoPasskey),
    #[cfg(feature = "ssr")]
    ("handover.waiting", Problem::HandoverWaiting),
    #[cfg(feature = "ssr")]
    ("handover.same_address", Problem::HandoverSameAddress),
    #[cfg(feature = "ssr")]
    ("handover.too_often", Problem::HandoverTooOften),
    #[cfg(feature = "ssr")]
    ("handover.address_taken", Problem::AddressTaken),
    ("directory.unavailable", Problem::DirectoryUnavailable),
    ("request.malformed", Problem::Malformed),
    ("request.cross_site", Problem::CrossSite),
    ("unexpected", Problem::Unexpected),
];

fn rule_code(rule: PasswordRule) -> &'static str {
    match rule {
        PasswordRule::MinLength => "min_length",
        PasswordRule::Uppercase => "uppercase",
        PasswordRule::Lowercase => "lowercase",
        PasswordRule::Special => "special",
    }
}

fn rule_of(code: &str) -> Option<PasswordRule> {
    PasswordRule::ALL
        .into_iter()
        .find(|r| rule_code(*r) == code)
}

const REFUSALS: [(&str, Refusal); 8] = [
    ("unknown_siret", Refusal::UnknownSiret),
    ("closed", Refusal::EstablishmentClosed),
    ("ceased", Refusal::LegalUnitCeased),
    ("not_diffusible", Refusal::NotDiffusible),
    ("no_approval", Refusal::NoApproval),
    ("registered", Refusal::AlreadyRegistered),
    ("pending", Refusal::Pending),
    ("contested", Refusal::Contested),
];

fn refusal_code(refusal: Refusal) -> &'static str {
    REFUSALS
        .iter()
        .find(|(_, r)| *r == refusal)
        .map_or("unknown_siret", |(code, _)| code)
}

fn refusal_of(code: &str) -> Option<Refusal> {
    REFUSALS.iter().find(|(c, _)| *c == code).map(|(_, r)| *r)
}

/// A small decimal number, digits only (no sign, no spaces).
fn parse_number<N: std::str::FromStr>(text: &str) -> Option<N> {
    (!text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}
