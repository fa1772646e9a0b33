//! Names typed by people: the administrator's surname and given name, the organisation's name.

use super::{fold_spaces, is_invisible_or_control};
use serde::{Deserialize, Serialize};

/// Longest surname or given name accepted (French civil registry names fit easily).
pub const PERSON_NAME_MAX: usize = 80;
/// Longest organisation name accepted (INSEE denominations are at most 120 characters).
pub const ORGANISATION_NAME_MAX: usize = 200;

/// Why a text is not an acceptable name.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
pub enum NameError {
    #[error("empty name")]
    Empty,
    #[error("name longer than {0} characters")]
    TooLong(usize),
    #[error("name holds a control or invisible character")]
    ControlCharacter,
    #[error("name holds a character not used in names")]
    InvalidCharacter,
    /// `<` or `>` in an organisation name.
    #[error("name holds markup characters")]
    Markup,
    #[error("name has no letter")]
    NoLetter,
}

/// A person's surname or given name: letters, spaces, hyphens, apostrophes and dots, starting
/// with a letter, white space folded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let folded = check_common(input, PERSON_NAME_MAX)?;
        let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.');
        // Combining marks (decomposed accents) are part of letters.
        let combining = |c: char| ('\u{0300}'..='\u{036F}').contains(&c);
        if !folded.chars().all(|c| allowed(c) || combining(c)) {
            return Err(NameError::InvalidCharacter);
        }
        if !folded.chars().next().is_some_and(char::is_alphabetic) {
            return Err(NameError::NoLetter);
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of a training organisation: any printable text with at least one letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationName(String);

impl OrganisationName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let folded = check_common(input, ORGANISATION_NAME_MAX)?;
        if !folded.chars().any(char::is_alphanumeric) {
            return Err(NameError::NoLetter);
        }
        // No name needs them, and markup has no business in a name shown in pages and emails.
        if folded.contains(['<', '>']) {
            return Err(NameError::Markup);
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_common(input: &str, max: usize) -> Result<String, NameError> {
    // Tabs and new lines are folded like spaces; other control characters are refused.
    if input
        .chars()
        .any(|c| !c.is_whitespace() && is_invisible_or_control(c))
        || input.chars().any(|c| matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(NameError::ControlCharacter);
    }
    let folded = fold_spaces(input);
    if folded.is_empty() {
        return Err(NameError::Empty);
    }
    if folded.chars().count() > max {
        return Err(NameError::TooLong(max));
    }
    Ok(folded)
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = NameError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
    };
}
string_newtype_impls!(PersonName);
string_newtype_impls!(OrganisationName);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn person_names_are_trimmed_and_folded() {
        assert_eq!(
            PersonName::parse("  Jean   Pierre ").unwrap().as_str(),
            "Jean Pierre"
        );
        for ok in [
            "Dupont",
            "N'Diaye",
            "O’Neil",
            "Saint-Exupéry",
            "Lê",
            "Müller",
            "St. John",
            "Zoë",
        ] {
            assert!(PersonName::parse(ok).is_ok(), "{ok}");
        }
        // Decomposed "é" (e + combining acute) is a letter too.
        assert!(PersonName::parse("Jose\u{301}").is_ok());
    }

    #[test]
    fn person_names_refuse_markup_and_invisibles() {
        use NameError::*;
        assert_eq!(PersonName::parse(""), Err(Empty));
        assert_eq!(PersonName::parse(" \t "), Err(Empty));
        assert_eq!(PersonName::parse("<script>"), Err(InvalidCharacter));
        assert_eq!(
            PersonName::parse("Robert'); DROP TABLE"),
            Err(InvalidCharacter)
        );
        assert_eq!(PersonName::parse("Jean2"), Err(InvalidCharacter));
        assert_eq!(PersonName::parse("Ali\u{200B}ce"), Err(ControlCharacter));
        assert_eq!(PersonName::parse("Ali\u{202E}ce"), Err(ControlCharacter));
        assert_eq!(PersonName::parse("Ali\u{0007}ce"), Err(ControlCharacter));
        assert_eq!(PersonName::parse("-Jean"), Err(NoLetter));
        assert_eq!(PersonName::parse("'"), Err(NoLetter));
        assert_eq!(
            PersonName::parse(&"a".repeat(PERSON_NAME_MAX + 1)),
            Err(TooLong(PERSON_NAME_MAX))
        );
        assert!(
            PersonName::parse(&"é".repeat(PERSON_NAME_MAX)).is_ok(),
            "counted in characters"
        );
    }

    #[test]
    fn organisation_names_accept_punctuation_but_not_invisibles() {
        assert_eq!(
            OrganisationName::parse(" Formatrans  &  Co (Lille) ")
                .unwrap()
                .as_str(),
            "Formatrans & Co (Lille)"
        );
        assert!(OrganisationName::parse("AFT-IFTIM n°3").is_ok());
        assert_eq!(
            OrganisationName::parse("<b>Formatrans</b>"),
            Err(NameError::Markup)
        );
        assert_eq!(OrganisationName::parse("--- ..."), Err(NameError::NoLetter));
        assert_eq!(
            OrganisationName::parse("Form\u{FEFF}atrans"),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            OrganisationName::parse(&"x".repeat(ORGANISATION_NAME_MAX + 1)),
            Err(NameError::TooLong(ORGANISATION_NAME_MAX))
        );
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "\\PC{0,100}") {
            if let Ok(n) = OrganisationName::parse(&s) {
                prop_assert_eq!(OrganisationName::parse(n.as_str()).unwrap(), n.clone());
                prop_assert!(!n.as_str().starts_with(' ') && !n.as_str().ends_with(' '));
            }
            if let Ok(n) = PersonName::parse(&s) {
                prop_assert_eq!(PersonName::parse(n.as_str()).unwrap(), n);
            }
        }
    }
}
