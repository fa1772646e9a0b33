//! The password an administrator chooses (seed: « Personnalisation du mot de passe »).

use super::is_invisible_or_control;

/// Minimum length, counted in Unicode characters.
pub const PASSWORD_MIN: usize = 12;
/// Maximum length: long enough for passphrases and managers, short enough that hashing a
/// submitted value cannot be used to burn server time.
pub const PASSWORD_MAX: usize = 128;

/// One of the seed's four rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PasswordRule {
    MinLength,
    Uppercase,
    Lowercase,
    Special,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 4] = [
        PasswordRule::MinLength,
        PasswordRule::Uppercase,
        PasswordRule::Lowercase,
        PasswordRule::Special,
    ];

    /// Whether `candidate` satisfies this rule.
    pub fn is_met_by(self, candidate: &str) -> bool {
        match self {
            PasswordRule::MinLength => candidate.chars().count() >= PASSWORD_MIN,
            PasswordRule::Uppercase => candidate.chars().any(char::is_uppercase),
            PasswordRule::Lowercase => candidate.chars().any(char::is_lowercase),
            PasswordRule::Special => candidate.chars().any(is_special),
        }
    }
}

/// A special character is anything printable that is neither a letter nor a digit (space
/// included, as OWASP counts it).
fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !is_invisible_or_control(c)
}

/// Why a candidate is not an acceptable password.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum PasswordError {
    #[error("password breaks rules {0:?}")]
    Unmet(Vec<PasswordRule>),
    #[error("password longer than {PASSWORD_MAX} characters")]
    TooLong,
    #[error("password holds a control character")]
    ControlCharacter,
}

/// Why the server refuses a password that meets the four rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PolicyRefusal {
    Common,
    ContainsSiret,
    ContainsOrganisation,
    ContainsName,
    ContainsEmail,
}

/// A password that meets the rules. Its value never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(candidate: &str) -> Result<Self, PasswordError> {
        if candidate.chars().count() > PASSWORD_MAX {
            return Err(PasswordError::TooLong);
        }
        if candidate.chars().any(|c| c.is_control()) {
            return Err(PasswordError::ControlCharacter);
        }
        let unmet = unmet_rules(candidate);
        if !unmet.is_empty() {
            return Err(PasswordError::Unmet(unmet));
        }
        Ok(Self(candidate.to_owned()))
    }

    /// The secret itself, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<hidden>)")
    }
}

/// The seed's rules that `candidate` does not meet yet (for the live checklist).
pub fn unmet_rules(candidate: &str) -> Vec<PasswordRule> {
    PasswordRule::ALL
        .into_iter()
        .filter(|r| !r.is_met_by(candidate))
        .collect()
}

/// A rough strength estimate shown next to the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    VeryWeak,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

impl Strength {
    /// Estimates entropy from the character classes used and the number of distinct characters,
    /// discounting repeats and runs such as `aaaa` or `1234`.
    pub fn estimate(candidate: &str) -> Strength {
        let chars: Vec<char> = candidate.chars().collect();
        if chars.is_empty() {
            return Strength::VeryWeak;
        }
        let mut pool = 0u32;
        if chars.iter().any(|c| c.is_lowercase()) {
            pool += 26;
        }
        if chars.iter().any(|c| c.is_uppercase()) {
            pool += 26;
        }
        if chars.iter().any(|c| c.is_numeric()) {
            pool += 10;
        }
        if chars.iter().any(|&c| is_special(c)) {
            pool += 33;
        }
        if chars.iter().any(|c| !c.is_ascii()) {
            pool += 40;
        }
        // Characters that merely repeat or continue the previous one add little.
        let mut effective = 1.0f64;
        for pair in chars.windows(2) {
            let step = pair[1] as i64 - pair[0] as i64;
            effective += if step.abs() <= 1 { 0.25 } else { 1.0 };
        }
        let bits = effective * f64::from(pool.max(1)).log2();
        match bits {
            b if b < 28.0 => Strength::VeryWeak,
            b if b < 45.0 => Strength::Weak,
            b if b < 60.0 => Strength::Fair,
            b if b < 80.0 => Strength::Strong,
            _ => Strength::VeryStrong,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_password_meeting_all_four_rules() {
        let p = NewPassword::parse("Transport#2026").unwrap();
        assert_eq!(p.expose(), "Transport#2026");
        assert_eq!(format!("{p:?}"), "NewPassword(<hidden>)");
    }

    #[test]
    fn lists_every_unmet_rule() {
        use PasswordRule::*;
        assert_eq!(
            unmet_rules(""),
            vec![MinLength, Uppercase, Lowercase, Special]
        );
        assert_eq!(unmet_rules("abcdefghijkl"), vec![Uppercase, Special]);
        assert_eq!(unmet_rules("ABCDEFGHIJK!"), vec![Lowercase]);
        assert_eq!(unmet_rules("Abcdefghijk1"), vec![Special]);
        assert_eq!(unmet_rules("Abcdefghij!"), vec![MinLength]);
        assert_eq!(
            NewPassword::parse("short"),
            Err(PasswordError::Unmet(vec![MinLength, Uppercase, Special]))
        );
    }

    #[test]
    fn length_is_counted_in_characters() {
        // 12 characters, 24 bytes.
        assert!(NewPassword::parse("Éléphant-été").is_ok());
        // 11 characters.
        assert!(NewPassword::parse("Éléphant-ét").is_err());
        let max = format!("Aa!{}", "x".repeat(PASSWORD_MAX - 3));
        assert!(NewPassword::parse(&max).is_ok());
        let over = format!("{max}x");
        assert_eq!(NewPassword::parse(&over), Err(PasswordError::TooLong));
    }

    #[test]
    fn space_counts_as_special_but_controls_are_refused() {
        assert!(NewPassword::parse("Correct horse battery").is_ok());
        assert_eq!(
            NewPassword::parse("Correct\u{0}horse!battery"),
            Err(PasswordError::ControlCharacter)
        );
    }

    #[test]
    fn strength_grows_with_variety_and_length() {
        assert_eq!(Strength::estimate(""), Strength::VeryWeak);
        assert!(Strength::estimate("aaaaaaaaaaaa") < Strength::Fair);
        assert!(Strength::estimate("abcdefghijkl") < Strength::estimate("Transport#2026"));
        assert!(Strength::estimate("Transport#2026") >= Strength::Strong);
        assert_eq!(
            Strength::estimate("Vélo-Cargo sur le Pont Neuf, 7h42\u{202f}!"),
            Strength::VeryStrong
        );
    }

    proptest! {
        #[test]
        fn parse_accepts_exactly_when_no_rule_is_unmet(s in "\\PC{0,40}") {
            let ok = NewPassword::parse(&s).is_ok();
            prop_assert_eq!(ok, unmet_rules(&s).is_empty() && s.chars().count() <= PASSWORD_MAX);
            let _ = Strength::estimate(&s);
        }
    }
}
