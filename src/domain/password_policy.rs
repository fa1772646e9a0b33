//! The rules beyond the seed's four, shared by the page (live, before « Valider ») and the server
//! (authoritative): a password is refused when the whole of it, once its decorations (digits,
//! symbols, repetitions, letter swaps such as `P@ssw0rd`) are taken away, is a common word, a
//! keyboard or alphabet run, or a value of the account (SIRET, organisation, names, email). A
//! long password that merely contains such a word is accepted.

use super::password::PolicyRefusal;
use super::Siret;
use serde::{Deserialize, Serialize};

const COMMON: &str = include_str!("common-passwords.txt");

/// Keyboard rows (AZERTY and QWERTY) and the alphabet: runs along them are not words of one's own.
const RUNS: [&str; 3] = [
    "abcdefghijklmnopqrstuvwxyz",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertyuiopasdfghjklzxcvbnm",
];

/// Fewer letters than this, decorations aside, is no word of one's own.
const MIN_CORE: usize = 4;

/// The account's own values, which a password may not merely decorate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordContext {
    /// `None` until the page has loaded the account's values.
    pub siret: Option<Siret>,
    pub organisation: String,
    pub last_name: String,
    pub first_name: String,
    pub email_local_part: String,
}

/// Why `candidate` (which meets the seed's four rules) would be refused, if it would.
pub fn policy_refusal(candidate: &str, context: &PasswordContext) -> Option<PolicyRefusal> {
    let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
    let siren = context.siret.as_ref().map_or("", Siret::siren);
    if letters(candidate).len() < MIN_CORE {
        let holds_siret = !siren.is_empty() && digits.contains(siren);
        return Some(if holds_siret {
            PolicyRefusal::ContainsSiret
        } else {
            PolicyRefusal::Common
        });
    }
    let cores = cores(candidate);
    let decorates = |value: &str, min: usize| {
        let whole = letters(value);
        let parts = value
            .split(|c: char| fold(c).is_none() && !c.is_ascii_digit())
            .map(letters);
        std::iter::once(whole)
            .chain(parts)
            .filter(|v| v.len() >= min)
            .any(|v| cores.iter().any(|c| is_repetition_of(c, &v)))
    };
    if decorates(&context.organisation, MIN_CORE) {
        return Some(PolicyRefusal::ContainsOrganisation);
    }
    if decorates(&context.last_name, 3) || decorates(&context.first_name, 3) {
        return Some(PolicyRefusal::ContainsName);
    }
    if decorates(&context.email_local_part, 3) {
        return Some(PolicyRefusal::ContainsEmail);
    }
    cores
        .iter()
        .any(|c| is_common(c))
        .then_some(PolicyRefusal::Common)
}

/// The list's words, read once (the page checks every keystroke against each core).
fn common_words() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

fn is_common(core: &str) -> bool {
    let listed = common_words()
        .iter()
        .any(|word| is_repetition_of(core, word));
    let short_unit = (1..=3).any(|n| core.len() >= n && is_repetition_of(core, &core[..n]));
    let run = RUNS.iter().any(|row| row.contains(core));
    listed || short_unit || run
}

/// Lower-case ASCII letters only, accents folded (« Élodie » → « elodie »).
fn letters(text: &str) -> String {
    text.chars().filter_map(fold).collect()
}

/// A letter as a lower-case ASCII letter, accents folded; `None` for anything else. Written out
/// rather than through Unicode case tables, which would weigh on the browser bundle.
fn fold(c: char) -> Option<char> {
    let folded = match c {
        'a'..='z' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
        'ç' | 'Ç' => 'c',
        'ÿ' | 'Ÿ' => 'y',
        'ñ' | 'Ñ' => 'n',
        _ => return None,
    };
    Some(folded)
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

/// What the password may be once its decorations are taken away: its letters alone, and its
/// letters with the swaps undone after any number of the digits and symbols around it are
/// dropped (« #Aigl31234567! » → « aigle »).
fn cores(candidate: &str) -> Vec<String> {
    let chars: Vec<char> = candidate.chars().collect();
    let lead = chars.iter().take_while(|c| fold(**c).is_none()).count();
    let trail = chars
        .iter()
        .rev()
        .take_while(|c| fold(**c).is_none())
        .count();
    let mut cores = vec![letters(candidate)];
    if lead == chars.len() {
        return cores;
    }
    for j in 0..=lead {
        for k in 0..=trail {
            let middle: String = chars[j..chars.len() - k].iter().collect();
            let core = letters(&unleet(&middle));
            if !cores.contains(&core) {
                cores.push(core);
            }
        }
    }
    cores
}

/// True when `s` is `word` repeated one or more times.
fn is_repetition_of(s: &str, word: &str) -> bool {
    !word.is_empty() && s.len().is_multiple_of(word.len()) && s == word.repeat(s.len() / word.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PasswordContext {
        PasswordContext {
            siret: Siret::parse("47728084603753").ok(),
            organisation: "Formatrans Lille".into(),
            last_name: "Dupont".into(),
            first_name: "Élodie".into(),
            email_local_part: "cfa-nord".into(),
        }
    }

    fn refusal(p: &str) -> Option<PolicyRefusal> {
        policy_refusal(p, &ctx())
    }

    #[test]
    fn the_list_is_read() {
        assert!(is_common("motdepasse") && is_common("azerty"));
        assert!(!is_common("formationnantes"));
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
            "Qwertyuiop12!",
            "Aaaaaaaaaaaa!",
            "Abcdefghijkl!",
            "Ab1!Ab1!Ab1!",
            "#Aigl31234567!",
            "2024!M0tdepa$$e!",
        ] {
            assert_eq!(refusal(p), Some(PolicyRefusal::Common), "{p}");
        }
    }

    #[test]
    fn account_values_merely_decorated_are_refused() {
        assert_eq!(
            refusal("Xq!47728084603753"),
            Some(PolicyRefusal::ContainsSiret)
        );
        assert_eq!(
            refusal("A!477280846-20260"),
            Some(PolicyRefusal::ContainsSiret)
        );
        assert_eq!(
            refusal("Formatrans#2026!"),
            Some(PolicyRefusal::ContainsOrganisation)
        );
        assert_eq!(
            refusal("Formatrans-Lille!59"),
            Some(PolicyRefusal::ContainsOrganisation)
        );
        assert_eq!(
            refusal("Elodie#1984!Elodie"),
            Some(PolicyRefusal::ContainsName)
        );
        assert_eq!(refusal("dupONT!!2026##"), Some(PolicyRefusal::ContainsName));
        assert_eq!(
            refusal("Cfa-Nord#2024!"),
            Some(PolicyRefusal::ContainsEmail)
        );
    }

    #[test]
    fn long_passwords_that_merely_contain_a_word_pass() {
        for p in [
            "Transport-Lille!2026x",
            "Formation2026!Nantes",
            "Nouveau-Secret#2026",
            "Vélo-Cargo sur le Pont Neuf!",
            "Kq9vW#tLm2!xR",
            "Trois Pommes & 2 Poires",
            "Formatrans#Kq9vW!",
        ] {
            assert_eq!(refusal(p), None, "{p}");
        }
    }
}
