//! Who may sign a SIRET up, beyond its accounts: SIRETs held by a signup that created nothing
//! (its address had an account), the notices sent to such addresses, and recent contests.

use super::{now, AccountId, Store, StoreError, Tx};
use crate::domain::Siret;

impl Store {
    /// Whether a signup that created nothing still holds the SIRET.
    pub async fn siret_held(&self, siret: &Siret) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS held FROM siret_holds WHERE siret = $1 AND until > $2")
            .bind(siret.as_digits())
            .bind(now())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// Ends a hold (the centre's official address signs up, or support releases the SIRET).
    /// True when a running hold ended.
    pub async fn release_hold(&self, siret: &Siret) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM siret_holds WHERE siret = $1")
            .bind(siret.as_digits())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether the SIRET's official address said « Ce n'est pas nous » after `since`.
    pub async fn contested_since(&self, siret: &Siret, since: i64) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS contested FROM ended_accounts WHERE siret = $1 AND reason = 'suspended' \
             AND ended_at > $2 LIMIT 1",
        )
        .bind(siret.as_digits())
        .bind(since)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }
}

impl Tx {
    /// Holds the SIRET until `until`, unless a hold is already running (it is not extended).
    pub async fn hold_siret(&mut self, siret: &Siret, until: i64) -> Result<(), StoreError> {
        let t = now();
        sqlx::query(
            "INSERT INTO siret_holds (siret, created_at, until) VALUES ($1, $2, $3) \
             ON CONFLICT (siret) DO UPDATE SET created_at = $2, until = $3 \
             WHERE siret_holds.until <= $2",
        )
        .bind(siret.as_digits())
        .bind(t)
        .bind(until)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Claims the account's « someone signed up with your address » notice: true when none was
    /// claimed since `since` (the claim is one conditional write, so concurrent signups cannot
    /// both win).
    pub async fn claim_signup_notice(
        &mut self,
        account: AccountId,
        since: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE accounts SET signup_notice_at = $1 WHERE id = $2 \
             AND (signup_notice_at IS NULL OR signup_notice_at <= $3)",
        )
        .bind(now())
        .bind(account.0)
        .bind(since)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
