//! Secrets of links, flows and sessions: 256 random bits, only their SHA-256 is stored
//! ([`super::store::LinkPurpose`] says what a link opens).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a signup's password link stays valid.
pub const PASSWORD_SETUP_TTL_SECONDS: i64 = 72 * 3600;
/// How long a « Mot de passe oublié » link stays valid.
pub const PASSWORD_RESET_TTL_SECONDS: i64 = 3600;
/// How long the flow opened by « Cliquer ici pour continuer » stays open.
pub const PASSWORD_FLOW_TTL_SECONDS: i64 = 30 * 60;

/// How long the official address's « Ce n'est pas nous » link stays valid.
pub const NOT_US_TTL_SECONDS: i64 = 30 * 24 * 3600;

/// The longest any emailed link stays valid (it is made in the transaction that queues its
/// email): an email older than this holds only dead links. The flow is not emailed.
pub const LONGEST_EMAILED_LINK_TTL_SECONDS: i64 = {
    let mut longest = PASSWORD_SETUP_TTL_SECONDS;
    if PASSWORD_RESET_TTL_SECONDS > longest {
        longest = PASSWORD_RESET_TTL_SECONDS;
    }
    if NOT_US_TTL_SECONDS > longest {
        longest = NOT_US_TTL_SECONDS;
    }
    longest
};

/// A fresh token (256 random bits, hex) and the hash to store.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// Whether a value a client sent could be one of our tokens (64 hexadecimal digits).
pub fn looks_like_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, ha) = generate();
        let (b, _) = generate();
        assert_eq!(a.len(), 64, "256 bits in hex");
        assert_ne!(a, b);
        assert_eq!(ha, hash(&a));
        assert_ne!(ha, a);
    }

    #[test]
    fn no_emailed_link_outlives_the_longest() {
        for ttl in [
            PASSWORD_SETUP_TTL_SECONDS,
            PASSWORD_RESET_TTL_SECONDS,
            NOT_US_TTL_SECONDS,
        ] {
            assert!(ttl <= LONGEST_EMAILED_LINK_TTL_SECONDS);
        }
        assert_eq!(LONGEST_EMAILED_LINK_TTL_SECONDS, 30 * 86_400);
    }
}
