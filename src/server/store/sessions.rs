//! Server-side sessions (shared by every app instance): only the SHA-256 of the cookie's value.
//! When a session ends is the caller's rule ([`SessionLifetimes`]); the store keeps the times.

use super::{instant, unix, AccountId, Duration, OffsetDateTime, SessionId, Store, StoreError, Tx};
use sqlx::Row;

/// How long a session lives: a policy, handed to the store as a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLifetimes {
    /// Ends after this long without a request…
    pub idle: Duration,
    /// …and in any case this long after login.
    pub absolute: Duration,
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub account: AccountId,
    pub last_seen: OffsetDateTime,
    pub expires: OffsetDateTime,
}

impl Store {
    /// Opens a session for `account`, ending at the latest `absolute` from now.
    pub async fn create_session(
        &self,
        account: AccountId,
        absolute: Duration,
    ) -> Result<SessionId, StoreError> {
        let id = SessionId::generate();
        let t = super::now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.hash().0)
        .bind(account.0)
        .bind(unix(t))
        .bind(unix(t))
        .bind(unix(t + absolute))
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The session `id` opens, if stored.
    pub async fn session(&self, id: &SessionId) -> Result<Option<StoredSession>, StoreError> {
        let row = sqlx::query(
            "SELECT account_id, last_seen_at, expires_at FROM sessions WHERE id_hash = $1",
        )
        .bind(id.hash().0)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(StoredSession {
            account: AccountId(row.try_get("account_id")?),
            last_seen: instant("sessions.last_seen_at", row.try_get("last_seen_at")?)?,
            expires: instant("sessions.expires_at", row.try_get("expires_at")?)?,
        }))
    }

    /// Records a request of the session at `at` (its idle timer starts again).
    pub async fn touch_session(
        &self,
        id: &SessionId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(unix(at))
            .bind(id.hash().0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id: &SessionId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id.hash().0)
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
