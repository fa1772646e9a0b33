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

/// Purpose of a reset link sent by « Mot de passe oublié ».
pub const PASSWORD_RESET: &str = "password_reset";
pub const PASSWORD_RESET_TTL_SECONDS: i64 = 3600;
/// Purpose of the short-lived flow opened by « Cliquer ici pour continuer ».
pub const PASSWORD_FLOW: &str = "password_flow";
pub const PASSWORD_FLOW_TTL_SECONDS: i64 = 30 * 60;

impl Store {
    /// The account a still-valid token of one of `purposes` belongs to, without using it.
    pub async fn peek_token(
        &self,
        token: &str,
        purposes: &[&str],
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT account_id, purpose FROM tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(hash(token))
        .bind(now())
        .fetch_optional(self.pool())
        .await?;
        use sqlx::Row;
        Ok(match row {
            Some(r) if purposes.contains(&r.try_get::<String, _>("purpose")?.as_str()) => {
                Some(r.try_get("account_id")?)
            }
            _ => None,
        })
    }

    /// Marks a valid token used and returns its account; `None` when unknown, used or expired.
    /// The conditional update makes two concurrent uses of one token succeed exactly once.
    pub async fn consume_token(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        token: &str,
        purposes: &[&str],
    ) -> Result<Option<i64>, StoreError> {
        use sqlx::Row;
        let token_hash = hash(token);
        let row = sqlx::query("SELECT account_id, purpose FROM tokens WHERE token_hash = $1")
            .bind(&token_hash)
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let purpose: String = row.try_get("purpose")?;
        if !purposes.contains(&purpose.as_str()) {
            return Ok(None);
        }
        let t = now();
        let done = sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(t)
        .bind(&token_hash)
        .bind(t)
        .execute(&mut **tx)
        .await?;
        Ok((done.rows_affected() == 1)
            .then(|| row.try_get("account_id"))
            .transpose()?)
    }

    /// Kills every unused link of an account (a new reset link replaces the previous ones).
    pub async fn revoke_tokens(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        account_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL")
            .bind(now())
            .bind(account_id)
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
