//! The configured secret key (`HUBPRO_SECRET_KEY`) and what it protects at rest: the
//! authenticator apps' secrets are sealed (XChaCha20-Poly1305, bound to their account), the
//! recovery codes hashed with it (HMAC-SHA-256) — a copy of the database alone opens neither.

use crate::domain::RecoveryCode;
use crate::server::store::{AccountId, CodeHash, Sealed};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// 32 random bytes, given as 64 hexadecimal characters (`openssl rand -hex 32`).
#[derive(Clone)]
pub struct SecretKey {
    seal: [u8; 32],
    hash: [u8; 32],
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Why a configured key is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("expected 64 hexadecimal characters (openssl rand -hex 32)")]
    Shape,
    #[error("every character is the same: not a random key (openssl rand -hex 32)")]
    NotRandom,
}

/// A sealed value that does not open: another key, another account, or damaged.
#[derive(Debug, thiserror::Error)]
#[error("a sealed secret does not open with the configured key")]
pub struct Unsealable;

/// Random bytes salting each recovery code's hash (ASVS 2.6.2: at least 32 bits).
const SALT_BYTES: usize = 8;

/// The key of development machines and tests, when none is configured (production refuses
/// to start without its own).
const DEV_KEY: &str = "68756270726f2d6465762d6b65792d6e6f742d666f722d70726f64756374696f";

impl SecretKey {
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        if text.len() != 64 {
            return Err(KeyError::Shape);
        }
        let bytes: [u8; 32] = hex::decode(text)
            .map_err(|_| KeyError::Shape)?
            .try_into()
            .map_err(|_| KeyError::Shape)?;
        if text
            .bytes()
            .all(|b| b.eq_ignore_ascii_case(&text.as_bytes()[0]))
        {
            return Err(KeyError::NotRandom);
        }
        // One key configured, two used: sealing and hashing never share theirs.
        Ok(SecretKey {
            seal: derive(&bytes, b"hubpro seal v1"),
            hash: derive(&bytes, b"hubpro recovery codes v1"),
        })
    }

    /// The development key.
    pub fn development() -> Self {
        Self::parse(DEV_KEY).expect("the development key parses")
    }

    /// Seals `secret` for `account`'s `purpose`: it opens for that account and purpose only.
    pub fn seal(&self, account: AccountId, purpose: &str, secret: &[u8]) -> Sealed {
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated(account, purpose);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret,
                    aad: &aad,
                },
            )
            .expect("sealing in memory cannot fail");
        Sealed(format!("v1:{}{}", hex::encode(nonce), hex::encode(sealed)))
    }

    pub fn open(
        &self,
        account: AccountId,
        purpose: &str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, Unsealable> {
        let bytes = sealed
            .0
            .strip_prefix("v1:")
            .and_then(|h| hex::decode(h).ok())
            .ok_or(Unsealable)?;
        if bytes.len() < 24 {
            return Err(Unsealable);
        }
        let (nonce, text) = bytes.split_at(24);
        let aad = associated(account, purpose);
        XChaCha20Poly1305::new(&self.seal.into())
            .decrypt(
                nonce.into(),
                Payload {
                    msg: text,
                    aad: &aad,
                },
            )
            .map_err(|_| Unsealable)
    }

    /// The account's WebAuthn user handle: stable, derived from the key, naming no one.
    pub fn user_handle(&self, account: AccountId) -> [u8; 16] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hash).expect("any key length");
        mac.update(&associated(account, "webauthn user"));
        let bytes = mac.finalize().into_bytes();
        let mut handle = [0u8; 16];
        handle.copy_from_slice(&bytes[..16]);
        handle
    }

    /// A recovery code's hash, bound to its account, with a new random salt (`salt:hash`).
    pub fn code_hash(&self, account: AccountId, code: &RecoveryCode) -> CodeHash {
        let salt: [u8; SALT_BYTES] = rand::random();
        CodeHash(format!(
            "{}:{}",
            hex::encode(salt),
            hex::encode(self.salted(account, &salt, code))
        ))
    }

    /// Whether `stored` is the hash of `code` for `account` (compared in constant time).
    pub fn code_matches(&self, account: AccountId, code: &RecoveryCode, stored: &CodeHash) -> bool {
        let Some((salt, hash)) = stored.0.split_once(':') else {
            return false;
        };
        let (Ok(salt), Ok(hash)) = (hex::decode(salt), hex::decode(hash)) else {
            return false;
        };
        self.mac(account, &salt, code).verify_slice(&hash).is_ok()
    }

    fn salted(&self, account: AccountId, salt: &[u8], code: &RecoveryCode) -> Vec<u8> {
        self.mac(account, salt, code)
            .finalize()
            .into_bytes()
            .to_vec()
    }

    fn mac(&self, account: AccountId, salt: &[u8], code: &RecoveryCode) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.hash).expect("any key length");
        mac.update(&associated(account, "recovery"));
        mac.update(salt);
        mac.update(code.expose().as_bytes());
        mac
    }
}

fn derive(key: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

fn associated(account: AccountId, purpose: &str) -> Vec<u8> {
    format!("{purpose}:{}", account.0).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_64_random_hex_characters() {
        assert!(SecretKey::parse(&"ab".repeat(32)).is_ok());
        assert_eq!(SecretKey::parse("abc").unwrap_err(), KeyError::Shape);
        assert_eq!(
            SecretKey::parse(&"zz".repeat(32)).unwrap_err(),
            KeyError::Shape
        );
        assert_eq!(
            SecretKey::parse(&"0".repeat(64)).unwrap_err(),
            KeyError::NotRandom
        );
        assert_eq!(
            SecretKey::parse(&"aA".repeat(32)).unwrap_err(),
            KeyError::NotRandom
        );
    }

    #[test]
    fn a_sealed_secret_opens_for_its_account_and_purpose_only() {
        let key = SecretKey::development();
        let sealed = key.seal(AccountId(7), "totp", b"secret bytes");
        assert!(!sealed.0.contains(&hex::encode(b"secret bytes")));
        assert_eq!(
            key.open(AccountId(7), "totp", &sealed).unwrap(),
            b"secret bytes"
        );
        assert!(key.open(AccountId(8), "totp", &sealed).is_err());
        assert!(key.open(AccountId(7), "codes", &sealed).is_err());
        let other = SecretKey::parse(&"12".repeat(32)).unwrap();
        assert!(other.open(AccountId(7), "totp", &sealed).is_err());
        // Two seals of one secret differ (a fresh nonce each time).
        assert_ne!(sealed, key.seal(AccountId(7), "totp", b"secret bytes"));
    }

    #[test]
    fn recovery_code_hashes_are_salted_and_bound_to_key_and_account() {
        let key = SecretKey::development();
        let code = RecoveryCode::parse("ABCDE12345").unwrap();
        let hash = key.code_hash(AccountId(1), &code);
        assert!(key.code_matches(AccountId(1), &code, &hash));
        // A new salt each time: equal codes do not hash alike.
        assert_ne!(hash, key.code_hash(AccountId(1), &code));
        assert!(!key.code_matches(AccountId(2), &code, &hash));
        let other_code = RecoveryCode::parse("ABCDE12346").unwrap();
        assert!(!key.code_matches(AccountId(1), &other_code, &hash));
        let other = SecretKey::parse(&"12".repeat(32)).unwrap();
        assert!(!other.code_matches(AccountId(1), &code, &hash));
        assert!(!key.code_matches(AccountId(1), &code, &CodeHash("zz".into())));
    }
}
