//! Email address of an administrator: the account's identity, never changed once created.

use serde::{Deserialize, Serialize};

/// Longest address SMTP can carry (RFC 5321 path limit less the brackets).
pub const EMAIL_MAX: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

/// A syntactically valid email address, trimmed. Two addresses are the same account when they
/// are equal ignoring case ([`EmailAddress::identity`]); the address is kept as typed for display.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why a text is not an email address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EmailError {
    #[error("empty address")]
    Empty,
    #[error("address too long")]
    TooLong,
    #[error("address has no single @")]
    MissingAt,
    #[error("local part invalid")]
    InvalidLocalPart,
    #[error("domain invalid")]
    InvalidDomain,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > EMAIL_MAX {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match trimmed.split_once('@') {
            Some((l, d)) if !d.contains('@') => (l, d),
            _ => return Err(EmailError::MissingAt),
        };
        if !is_valid_local(local) {
            return Err(EmailError::InvalidLocalPart);
        }
        if !is_valid_domain(domain) {
            return Err(EmailError::InvalidDomain);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// Lower-cased form: the key under which an account is stored and looked up.
    pub fn identity(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The part before the `@`, lower-cased (passwords may not contain it).
    pub fn local_part(&self) -> String {
        self.0
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }

    /// The address as told to someone else: `c***@exemple.fr` (first letter, domain).
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for EmailAddress {}

impl std::hash::Hash for EmailAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity().hash(state)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

/// Dot-atom of RFC 5322 (no quoted strings: no real administrator uses them, and they are a
/// classic injection vector in mail headers).
fn is_valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

/// A public host name: at least two labels, letters/digits/hyphens, a top-level domain of letters.
fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(|l| label_ok(l))
        && tld.len() >= 2
        && (tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_masked_address_shows_the_first_letter_and_the_domain() {
        let e = EmailAddress::parse("claire.dupont@exemple.fr").unwrap();
        assert_eq!(e.masked(), "c***@exemple.fr");
    }

    #[test]
    fn accepts_ordinary_addresses_trimmed() {
        let e = EmailAddress::parse("  cfa-lille@example.fr ").unwrap();
        assert_eq!(e.as_str(), "cfa-lille@example.fr");
        assert!(EmailAddress::parse("jean.dupont+cfa@formatrans.co.uk").is_ok());
        assert!(EmailAddress::parse("a_b@xn--bcher-kva.example").is_ok());
    }

    #[test]
    fn identity_ignores_case() {
        let a = EmailAddress::parse("CFA-Lille@Example.FR").unwrap();
        let b = EmailAddress::parse("cfa-lille@example.fr").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.identity(), "cfa-lille@example.fr");
        assert_eq!(
            a.as_str(),
            "CFA-Lille@Example.FR",
            "kept as typed for display"
        );
        assert_eq!(a.local_part(), "cfa-lille");
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        use EmailError::*;
        for (input, err) in [
            ("", Empty),
            ("   ", Empty),
            ("cfa-lille.example.fr", MissingAt),
            ("a@b@example.fr", MissingAt),
            ("@example.fr", InvalidLocalPart),
            (".a@example.fr", InvalidLocalPart),
            ("a.@example.fr", InvalidLocalPart),
            ("a..b@example.fr", InvalidLocalPart),
            ("a b@example.fr", InvalidLocalPart),
            ("\"a\"@example.fr", InvalidLocalPart),
            ("jé@example.fr", InvalidLocalPart),
            ("a@localhost", InvalidDomain),
            ("a@example", InvalidDomain),
            ("a@example.f", InvalidDomain),
            ("a@-example.fr", InvalidDomain),
            ("a@example..fr", InvalidDomain),
            ("a@exa_mple.fr", InvalidDomain),
            ("a@example.fr\r\nBcc: x", InvalidDomain),
            ("a@1.2.3.4", InvalidDomain),
        ] {
            assert_eq!(EmailAddress::parse(input), Err(err), "{input:?}");
        }
        let long_local = format!("{}@example.fr", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(InvalidLocalPart));
        let long = format!("a@{}.fr", "b".repeat(260));
        assert_eq!(EmailAddress::parse(&long), Err(TooLong));
    }

    proptest! {
        #[test]
        fn valid_shapes_parse_and_round_trip(local in "[a-z0-9]{1,20}(\\.[a-z0-9]{1,10})?", domain in "[a-z0-9]{1,20}\\.[a-z]{2,6}") {
            let input = format!("{local}@{domain}");
            let e = EmailAddress::parse(&input).unwrap();
            prop_assert_eq!(e.as_str(), input.as_str());
            prop_assert_eq!(EmailAddress::parse(&input.to_uppercase()).unwrap(), e);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,300}") {
            let _ = EmailAddress::parse(&s);
        }
    }
}
