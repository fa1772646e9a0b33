//! Pure domain types and rules, compiled both to WASM (live feedback in the browser) and to the
//! server (authoritative checks). No I/O, no async here.
//!
//! Each type can only hold a valid value: build it with `parse`, which returns a `Result`.
//! What can go wrong is a [`Problem`]; its French wording and HTTP status live in [`messages`].
//!
//! Glossary (French UI term → identifier used in the code):
//! - agrément → approval; centre de formation agréé (CFA) → approved training centre
//! - organisme → organisation; établissement → establishment; unité légale → legal unit
//! - SIRET = SIREN (legal unit, 9 digits) + NIC (establishment, 5 digits)
//! - adresse électronique → email address; mot de passe → password
//! - établissement principal / rattaché → main / attached (secondary) establishment
//! - Voyageurs / Marchandises → passenger / goods transport types

pub mod eligibility;
pub mod email;
pub mod establishments;
pub mod handover;
pub mod messages;
pub mod names;
pub mod password;
pub mod password_policy;
pub mod problem_codes;
pub mod problems;
pub mod second_factor;
pub mod signup;
pub mod siret;
pub mod typography;

pub use eligibility::{
    ApprovalSummary, Eligibility, EstablishmentSummary, Refusal, Training, TransportType,
};
pub use email::{EmailAddress, EmailError};
pub use establishments::{
    AttachForm, AttachRefusal, AttachedEstablishment, AttachmentState, MainEstablishment,
    ValidAttach,
};
pub use handover::{HandoverForm, ValidHandover};
pub use messages::UserMessage;
pub use names::{NameError, OrganisationName, PersonName};
pub use password::{NewPassword, PasswordError, PasswordRule, PolicyRefusal, Strength};
pub use password_policy::{policy_refusal, PasswordContext};
pub use problems::{Field, FieldProblems, FormProblem, Problem};
pub use second_factor::{CodeError, FactorCode, RecoveryCode};
pub use signup::{SignupForm, ValidSignup};
pub use siret::{Siret, SiretError};

/// Characters that are invisible or reorder text: never accepted in names, since they let one
/// name look like another.
pub(crate) fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}'                 // soft hyphen
            | '\u{034F}'               // combining grapheme joiner
            | '\u{061C}'               // arabic letter mark
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // hangul fillers
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'  // zero-width and direction marks
            | '\u{2028}'..='\u{202E}'  // separators and embeddings
            | '\u{2060}'..='\u{206F}'  // word joiner, invisible operators, isolates
            | '\u{FEFF}'               // byte order mark
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E000}'..='\u{F8FF}') // private use
}

/// Trims and folds every run of white space into one ASCII space.
pub(crate) fn fold_spaces(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}
