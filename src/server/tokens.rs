//! Single-use links: a random token goes in the email, only its SHA-256 is stored.

use super::store::{now, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Purpose of a password-creation link sent at signup.
pub const PASSWORD_SETUP: &str = "password_setup";
/// How long a signup link stays valid.
pub const PASSWORD_SETUP_TTL_SECONDS: i64 = 72 * 3600;

/// A fresh token (256 random bits, hex) and the hash to store.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    pub async fn insert_token(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        account_id: i64,
        token_hash: &str,
        purpose: &str,
        ttl_seconds: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, account_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(purpose)
        .bind(now() + ttl_seconds)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
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
}
