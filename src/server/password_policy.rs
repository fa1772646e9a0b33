//! Server-side password rules beyond the seed's four: no common password, nothing taken from
//! the account itself. Kept on the server so the word list does not weigh on the WASM bundle.

use crate::domain::password::PolicyRefusal;
use crate::domain::NewPassword;
use std::collections::HashSet;
use std::sync::OnceLock;

const COMMON: &str = include_str!("common-passwords.txt");

fn common_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// What the password may not contain.
#[derive(Clone, Debug, Default)]
pub struct PasswordContext {
    pub siret: String,
    pub organisation: String,
    pub last_name: String,
    pub first_name: String,
    pub email_local_part: String,
}

/// Lower-case letters only, accents folded (« Élodie » → « elodie »).
fn letters(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .filter(|c| c.is_ascii_lowercase())
        .collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ÿ' => 'y',
        'ñ' => 'n',
        other => other,
    }
}

/// Undoes the usual letter-for-symbol swaps (« P@ssw0rd » → « Password »).
fn unleet(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '3' => 'e',
            '1' | '!' => 'i',
            '0' => 'o',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// True when `s` is `word` repeated one or more times.
fn is_repetition_of(s: &str, word: &str) -> bool {
    !word.is_empty() && s.len().is_multiple_of(word.len()) && s == word.repeat(s.len() / word.len())
}

pub fn check(password: &NewPassword, context: &PasswordContext) -> Result<(), PolicyRefusal> {
    let text = password.expose();
    let core = letters(text);
    let words = common_words();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if !context.siret.is_empty()
        && (digits.contains(&context.siret)
            || digits.contains(&context.siret[..9.min(context.siret.len())]))
    {
        return Err(PolicyRefusal::ContainsSiret);
    }
    let is_common = |candidate: &str| {
        candidate.len() < 4
            || words.contains(candidate)
            || words
                .iter()
                .any(|w| w.len() >= 4 && is_repetition_of(candidate, w))
            // A common word making up most of the password.
            || words
                .iter()
                .any(|w| w.len() >= 5 && w.len() * 2 >= candidate.len() && candidate.contains(w))
    };
    if is_common(&core) || is_common(&letters(&unleet(text))) {
        return Err(PolicyRefusal::Common);
    }
    let lowered: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .collect();
    let personal = |value: &str, min: usize| {
        value
            .split(|c: char| !c.is_alphanumeric())
            .map(letters)
            .any(|part| part.len() >= min && (lowered.contains(&part) || core.contains(&part)))
    };
    if personal(&context.organisation, 4) {
        return Err(PolicyRefusal::ContainsOrganisation);
    }
    if personal(&context.last_name, 3) || personal(&context.first_name, 3) {
        return Err(PolicyRefusal::ContainsName);
    }
    if personal(&context.email_local_part, 3) {
        return Err(PolicyRefusal::ContainsEmail);
    }
    // Last, zxcvbn's estimate (its lists hold tens of thousands of leaked passwords, names and
    // words, plus keyboard walks, dates and sequences): fewer than 10^8 guesses is too few.
    let inputs = [
        context.siret.as_str(),
        context.organisation.as_str(),
        context.last_name.as_str(),
        context.first_name.as_str(),
        context.email_local_part.as_str(),
        "hubpro",
        "transport",
    ];
    if u8::from(zxcvbn::zxcvbn(text, &inputs).score()) < 3 {
        return Err(PolicyRefusal::TooGuessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PasswordContext {
        PasswordContext {
            siret: "47728084603753".into(),
            organisation: "Formatrans Lille".into(),
            last_name: "Dupont".into(),
            first_name: "Élodie".into(),
            email_local_part: "cfa-nord".into(),
        }
    }

    fn check_str(p: &str) -> Result<(), PolicyRefusal> {
        check(&NewPassword::parse(p).unwrap(), &ctx())
    }

    #[test]
    fn the_list_is_loaded() {
        assert!(common_words().len() > 250);
        assert!(common_words().contains("motdepasse"));
    }

    #[test]
    fn decorated_common_words_are_refused() {
        for p in [
            "Motdepasse2024!",
            "Azerty123456!",
            "P@ssword1234!",
            "Soleil!Soleil!",
            "Bonjour-2025!",
            "Marseille#1313",
        ] {
            assert_eq!(check_str(p), Err(PolicyRefusal::Common), "{p}");
        }
    }

    #[test]
    fn personal_values_are_refused() {
        assert_eq!(
            check_str("Xq!47728084603753"),
            Err(PolicyRefusal::ContainsSiret)
        );
        assert_eq!(
            check_str("Xq!zz477280846"),
            Err(PolicyRefusal::ContainsSiret)
        );
        assert_eq!(
            check_str("Formatrans#Kq9vW"),
            Err(PolicyRefusal::ContainsOrganisation)
        );
        assert_eq!(
            check_str("Kq9vW#Elodie!x"),
            Err(PolicyRefusal::ContainsName)
        );
        assert_eq!(
            check_str("Kq9vW#dupONT!x"),
            Err(PolicyRefusal::ContainsName)
        );
        assert_eq!(
            check_str("Kq9vW#nord-cfa!"),
            Err(PolicyRefusal::ContainsEmail)
        );
    }

    #[test]
    fn guessable_patterns_are_refused() {
        for p in [
            "Qwertyuiop12!",
            "Aaaaaaaaaaaa!",
            "Abcdefghijkl!",
            "Jean-Pierre1980!",
        ] {
            assert!(check_str(p).is_err(), "{p}");
        }
    }

    #[test]
    fn good_passwords_pass() {
        for p in [
            "Vélo-Cargo sur le Pont Neuf!",
            "Kq9vW#tLm2!xR",
            "Trois Pommes & 2 Poires",
        ] {
            assert_eq!(check_str(p), Ok(()), "{p}");
        }
    }
}
