//! SIRET: the 14-digit identifier of an establishment (SIREN of the legal unit + NIC).

use serde::{Deserialize, Serialize};

/// Number of digits in a SIRET.
pub const SIRET_LEN: usize = 14;
/// Longest text the SIRET inputs take: 14 digits with room for spaces typed anywhere.
pub const SIRET_INPUT_MAX: usize = 40;
/// La Poste's SIREN: its establishments do not follow the Luhn rule (contracts §5).
const LA_POSTE_SIREN: &str = "356000000";

/// A valid SIRET, stored as its 14 digits. Displays grouped as `477 280 846 03753`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

/// Why a text is not a SIRET.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SiretError {
    #[error("empty SIRET")]
    Empty,
    #[error("SIRET holds a character that is neither a digit nor a space")]
    InvalidCharacter,
    #[error("SIRET has {0} digits instead of 14")]
    WrongLength(usize),
    #[error("SIRET fails its check digit")]
    Checksum,
}

impl Siret {
    /// Parses 14 digits, spaces (of any kind) allowed anywhere.
    pub fn parse(input: &str) -> Result<Self, SiretError> {
        let mut digits = String::with_capacity(SIRET_LEN);
        for c in input.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !c.is_whitespace() {
                return Err(SiretError::InvalidCharacter);
            }
        }
        match digits.len() {
            0 => Err(SiretError::Empty),
            SIRET_LEN if is_valid_checksum(&digits) => Ok(Self(digits)),
            SIRET_LEN => Err(SiretError::Checksum),
            n => Err(SiretError::WrongLength(n)),
        }
    }

    /// The 14 digits, without spaces.
    pub fn as_digits(&self) -> &str {
        &self.0
    }

    /// The legal unit's identifier (first 9 digits).
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }

    /// The establishment's number within its legal unit (last 5 digits).
    pub fn nic(&self) -> &str {
        &self.0[9..]
    }

    /// For reading: `477 280 846 03753`, with no-break spaces so the number never splits.
    pub fn grouped(&self) -> String {
        display_grouped(&self.0)
    }
}

impl AsRef<str> for Siret {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Siret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&group_digits(&self.0))
    }
}

impl TryFrom<String> for Siret {
    type Error = SiretError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Siret> for String {
    fn from(value: Siret) -> Self {
        value.0
    }
}

/// Luhn on 14 digits, or La Poste's rule (digit sum multiple of 5). The two are OR-ed: La Poste's
/// head office passes Luhn but not the digit sum.
fn is_valid_checksum(digits: &str) -> bool {
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let luhn: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let double = d * 2;
                if double > 9 {
                    double - 9
                } else {
                    double
                }
            } else {
                d
            }
        })
        .sum();
    if luhn.is_multiple_of(10) {
        return true;
    }
    digits.starts_with(LA_POSTE_SIREN) && values.iter().sum::<u32>().is_multiple_of(5)
}

/// Groups up to 14 digits as 3-3-3-5 (`477 280 846 03753`); any other character is dropped and
/// digits past the 14th are kept at the end so nothing typed is lost.
/// [`group_digits`] for text (pages, emails): no-break spaces, so the number never splits. Form
/// fields keep plain spaces, which are easier to edit.
pub fn display_grouped(input: &str) -> String {
    group_digits(input).replace(' ', "\u{a0}")
}

pub fn group_digits(input: &str) -> String {
    let digits: Vec<char> = input.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 3);
    for (i, d) in digits.iter().enumerate() {
        if i == 3 || i == 6 || i == 9 {
            out.push(' ');
        }
        out.push(*d);
    }
    out
}

/// Where the caret goes after [`group_digits`]: just after the same number of digits that stood
/// before it in `input` (caret counted in characters).
pub fn caret_after_grouping(input: &str, caret: usize) -> usize {
    let digits_before = input
        .chars()
        .take(caret)
        .filter(char::is_ascii_digit)
        .count();
    if digits_before == 0 {
        return 0;
    }
    let grouped = group_digits(input);
    let mut seen = 0;
    for (i, c) in grouped.chars().enumerate() {
        if c.is_ascii_digit() {
            seen += 1;
            if seen == digits_before {
                return i + 1;
            }
        }
    }
    grouped.chars().count()
}

/// Counts the digits of a partially typed SIRET (for "14 digits expected" hints).
pub fn digit_count(input: &str) -> usize {
    input.chars().filter(char::is_ascii_digit).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_contract_examples() {
        assert!(Siret::parse("47728084603753").is_ok());
        assert!(Siret::parse("477 280 846 03753").is_ok());
        assert_eq!(
            Siret::parse("47728084603754"),
            Err(SiretError::Checksum),
            "last digit changed"
        );
    }

    #[test]
    fn la_poste_exception_uses_the_digit_sum() {
        // Digit sum 15, fails Luhn.
        assert!(Siret::parse("35600000000001").is_ok());
        // Head office: passes Luhn, digit sum 26.
        assert!(Siret::parse("35600000000048").is_ok());
        // La Poste SIREN, digit sum 16, not Luhn.
        assert_eq!(Siret::parse("35600000000002"), Err(SiretError::Checksum));
        // The digit-sum rule is only for La Poste.
        assert_eq!(Siret::parse("12345678900005"), Err(SiretError::Checksum));
    }

    #[test]
    fn reports_length_and_characters() {
        assert_eq!(Siret::parse(""), Err(SiretError::Empty));
        assert_eq!(Siret::parse("   "), Err(SiretError::Empty));
        assert_eq!(
            Siret::parse("4772808460375"),
            Err(SiretError::WrongLength(13))
        );
        assert_eq!(
            Siret::parse("477280846037530"),
            Err(SiretError::WrongLength(15))
        );
        assert_eq!(
            Siret::parse("477-280-846-03753"),
            Err(SiretError::InvalidCharacter)
        );
        assert_eq!(
            Siret::parse("４７７２８０８４６０３７５３"),
            Err(SiretError::InvalidCharacter),
            "full-width digits are not ASCII digits"
        );
    }

    #[test]
    fn accepts_unicode_spaces() {
        assert!(Siret::parse("\u{a0}477\u{202f}280 846\t03753 ").is_ok());
    }

    #[test]
    fn exposes_parts_and_grouping() {
        let s = Siret::parse("47728084603753").unwrap();
        assert_eq!(s.siren(), "477280846");
        assert_eq!(s.nic(), "03753");
        assert_eq!(s.grouped(), "477\u{a0}280\u{a0}846\u{a0}03753");
        assert_eq!(s.to_string(), "477 280 846 03753");
        assert_eq!(s.as_digits(), "47728084603753");
    }

    #[test]
    fn serde_round_trip_refuses_invalid() {
        let s: Siret = serde_json::from_str("\"47728084603753\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"47728084603753\"");
        assert!(serde_json::from_str::<Siret>("\"47728084603754\"").is_err());
    }

    #[test]
    fn groups_partial_input_and_keeps_the_caret() {
        assert_eq!(group_digits("4772"), "477 2");
        assert_eq!(group_digits("477 28x0"), "477 280");
        assert_eq!(group_digits("47728084603753"), "477 280 846 03753");
        // Caret after "4772" (4 chars) -> after "477 2" (5 chars).
        assert_eq!(caret_after_grouping("4772", 4), 5);
        // Typing a digit in the middle: "477 2x80" -> caret after that digit.
        assert_eq!(caret_after_grouping("4771 280", 4), 5);
        assert_eq!(caret_after_grouping("477", 0), 0);
    }

    fn luhn_complete(prefix: &[u32]) -> String {
        // Finds the 14th digit that makes the Luhn sum a multiple of 10.
        (0..10)
            .map(|last| {
                prefix
                    .iter()
                    .map(|d| char::from_digit(*d, 10).unwrap())
                    .chain(std::iter::once(char::from_digit(last, 10).unwrap()))
                    .collect::<String>()
            })
            .find(|s| is_valid_checksum(s) && !s.starts_with(LA_POSTE_SIREN))
            .unwrap_or_default()
    }

    proptest! {
        #[test]
        fn every_luhn_number_parses_and_groups_back(prefix in proptest::collection::vec(0u32..10, 13)) {
            let digits = luhn_complete(&prefix);
            prop_assume!(!digits.is_empty());
            let s = Siret::parse(&digits).unwrap();
            prop_assert_eq!(Siret::parse(&s.grouped()).unwrap(), s.clone());
            prop_assert_eq!(format!("{}{}", s.siren(), s.nic()), digits);
        }

        #[test]
        fn a_single_digit_change_is_caught(prefix in proptest::collection::vec(0u32..10, 13), pos in 0usize..14, delta in 1u32..10) {
            let digits = luhn_complete(&prefix);
            prop_assume!(!digits.is_empty() && !digits.starts_with(LA_POSTE_SIREN));
            let mut chars: Vec<u32> = digits.chars().map(|c| c.to_digit(10).unwrap()).collect();
            chars[pos] = (chars[pos] + delta) % 10;
            let changed: String = chars.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assume!(!changed.starts_with(LA_POSTE_SIREN));
            prop_assert_eq!(Siret::parse(&changed), Err(SiretError::Checksum));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Siret::parse(&s);
            let _ = caret_after_grouping(&s, s.chars().count() / 2);
        }

        #[test]
        fn grouping_keeps_every_digit(s in "[0-9 ]{0,20}") {
            let g = group_digits(&s);
            prop_assert_eq!(digit_count(&g), digit_count(&s));
        }
    }
}
