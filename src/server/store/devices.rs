//! Browsers known to an account (OWASP « device cookies »): the cookie's value is a random
//! secret; only its hash is kept, bound to each account it logged into.

use super::{unix_now, AccountId, DeviceKey, Duration, Store, StoreError, Tx};

/// How long a browser stays known without logging in (its cookie's lifetime too).
pub const DEVICE_LIFETIME: Duration = Duration::days(365);
/// Browsers an account keeps; logging in from one more forgets the least recently used. An
/// account's owner cannot mint enough known browsers to crowd the known lane.
const DEVICES_PER_ACCOUNT: i64 = 10;

impl Store {
    /// Whether this browser's key logged into `account`. Read whatever the account (even when
    /// there is none), so that the time taken tells nothing about it.
    pub async fn is_known_device(
        &self,
        key: &DeviceKey,
        account: Option<AccountId>,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS known FROM known_devices WHERE token_hash = $1 AND account_id = $2",
        )
        .bind(key.hash().0)
        .bind(account.map_or(-1, |a| a.0))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Whether any browser is known to `account` (it has logged in before).
    pub async fn has_known_devices(&self, account: AccountId) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS known FROM known_devices WHERE account_id = $1 LIMIT 1")
            .bind(account.0)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// Remembers (or marks used) a browser that just logged into `account`, keeping the
    /// account's most recently used browsers only.
    pub async fn remember_device(
        &self,
        account: AccountId,
        key: &DeviceKey,
    ) -> Result<(), StoreError> {
        let t = unix_now();
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO known_devices (token_hash, account_id, created_at, last_used_at) \
             VALUES ($1, $2, $3, $3) \
             ON CONFLICT (token_hash, account_id) DO UPDATE SET last_used_at = $3",
        )
        .bind(key.hash().0)
        .bind(account.0)
        .bind(t)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "DELETE FROM known_devices WHERE account_id = $1 AND token_hash NOT IN \
             (SELECT token_hash FROM known_devices WHERE account_id = $1 \
              ORDER BY last_used_at DESC, created_at DESC LIMIT $2)",
        )
        .bind(account.0)
        .bind(DEVICES_PER_ACCOUNT)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }
}

impl Tx {
    /// Forgets every browser of the account (its password changed).
    pub async fn forget_devices(&mut self, account: AccountId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM known_devices WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
