//! The secrets the store keeps only a hash of: emailed links and password flows, session ids,
//! device keys. Each is 256 random bits in hex, with a type per use: one cannot be taken for
//! another, and only the store hashes them, so a plaintext cannot be stored by mistake.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// The SHA-256 of a secret, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenHash(pub(super) String);

impl TokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a value a client sent could be one of our secrets (64 hexadecimal digits).
fn well_formed(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// A fresh secret: 256 bits from the operating system's generator.
            pub fn generate() -> Self {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                Self(hex::encode(bytes))
            }

            /// A value a client sent (URL, cookie), if it could be one of ours.
            pub fn parse(value: &str) -> Option<Self> {
                well_formed(value).then(|| Self(value.to_owned()))
            }

            /// The plaintext, for the link or the cookie that carries it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            pub fn hash(&self) -> TokenHash {
                TokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
            }
        }

        // Never in logs.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }
    };
}

secret!(
    /// An emailed link's token or a password flow's (see [`super::LinkPurpose`]).
    LinkToken
);
secret!(
    /// A session's id, the session cookie's value.
    SessionId
);
secret!(
    /// A browser's key, the device cookie's value (OWASP « device cookies »).
    DeviceKey
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_hashed_and_not_logged() {
        let a = LinkToken::generate();
        let b = LinkToken::generate();
        assert_eq!(a.expose().len(), 64, "256 bits in hex");
        assert_ne!(a, b);
        assert_ne!(a.hash().as_str(), a.expose());
        assert_eq!(a.hash(), LinkToken::parse(a.expose()).unwrap().hash());
        assert_eq!(format!("{a:?}"), "LinkToken(…)");
    }

    #[test]
    fn only_64_hex_digits_parse() {
        assert!(SessionId::parse(&"a".repeat(64)).is_some());
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
            assert!(SessionId::parse(bad).is_none(), "{bad}");
        }
    }
}
