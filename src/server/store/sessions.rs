//! Server-side sessions (shared by every app instance): only the SHA-256 of the cookie's value.

use super::{now, AccountId, Store, StoreError, Tx};
use crate::server::sessions::{ABSOLUTE_SECONDS, IDLE_SECONDS};
use crate::server::tokens;
use sqlx::Row;

impl Store {
    /// Opens a session for `account_id`; returns the cookie value.
    pub async fn create_session(&self, account: AccountId) -> Result<String, StoreError> {
        let (id, id_hash) = tokens::generate();
        let t = now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(account.0)
        .bind(t)
        .bind(t)
        .bind(t + ABSOLUTE_SECONDS)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The account of a live session, refreshing its idle timer; expired sessions are deleted.
    pub async fn session_account(&self, id: &str) -> Result<Option<AccountId>, StoreError> {
        let id_hash = tokens::hash(id);
        let t = now();
        let row = sqlx::query(
            "SELECT account_id, last_seen_at, expires_at FROM sessions WHERE id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get("last_seen_at")?;
        let expires: i64 = row.try_get("expires_at")?;
        if t >= expires || t - last_seen >= IDLE_SECONDS {
            self.delete_session(id).await?;
            return Ok(None);
        }
        if t > last_seen {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(t)
                .bind(&id_hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(AccountId(row.try_get("account_id")?)))
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(tokens::hash(id))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

impl Tx {
    /// Ends every session of an account (after a password change).
    pub async fn delete_account_sessions(&mut self, account: AccountId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
