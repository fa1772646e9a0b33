//! Browsers known to an account (OWASP « device cookies »): the cookie's value is a random
//! secret; only its hash is kept, bound to the account it logged into.

use super::{now, AccountId, Store, StoreError};
use crate::server::tokens::hash;
use sqlx::Row;

/// How long a browser stays known without logging in (its cookie's lifetime too).
pub const DEVICE_LIFETIME_SECONDS: i64 = 365 * 86_400;

impl Store {
    /// The account this device cookie logged into, if it is still known; marks it used.
    pub async fn device_account(&self, cookie: &str) -> Result<Option<AccountId>, StoreError> {
        let row = sqlx::query(
            "UPDATE known_devices SET last_used_at = $1 WHERE token_hash = $2 RETURNING account_id",
        )
        .bind(now())
        .bind(hash(cookie))
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .map(|r| r.try_get("account_id").map(AccountId))
            .transpose()?)
    }

    /// Remembers a browser that just logged into `account`.
    pub async fn remember_device(
        &self,
        account: AccountId,
        cookie: &str,
    ) -> Result<(), StoreError> {
        let t = now();
        sqlx::query(
            "INSERT INTO known_devices (token_hash, account_id, created_at, last_used_at) \
             VALUES ($1, $2, $3, $3) ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(hash(cookie))
        .bind(account.0)
        .bind(t)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
