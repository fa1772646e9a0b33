//! Who may sign a SIRET up, beyond its accounts: SIRETs held by a signup that created nothing
//! (its address had an account), the notices sent to such addresses, and recent contests.

use super::{
    unix, unix_now, AccountId, Duration, LinkToken, OffsetDateTime, Store, StoreError, Tx,
};
use crate::domain::Siret;
use sqlx::Row;

impl Store {
    /// Ends a hold (the centre's official address signs up, or support releases the SIRET).
    /// True when a running hold ended.
    pub async fn release_hold(&self, siret: &Siret) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM siret_holds WHERE siret = $1 AND until > $2")
            .bind(siret.as_digits())
            .bind(unix_now())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether the hold's « Ce n'est pas nous » link is still usable.
    pub async fn hold_link_is_valid(&self, token: &LinkToken) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS valid FROM siret_holds WHERE release_token_hash = $1 AND link_until > $2",
        )
        .bind(token.hash().0)
        .bind(unix_now())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Whether the SIRET's official address said « Ce n'est pas nous » after `since`.
    pub async fn contested_since(
        &self,
        siret: &Siret,
        since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS contested FROM contests WHERE siret = $1 AND contested_at > $2 LIMIT 1",
        )
        .bind(siret.as_digits())
        .bind(unix(since))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }
}

impl Tx {
    /// Holds the SIRET for `hold`, with a release link valid for `link`, unless a hold is
    /// already running: the link when this call made the hold.
    pub async fn hold_siret(
        &mut self,
        siret: &Siret,
        hold: Duration,
        link: Duration,
    ) -> Result<Option<LinkToken>, StoreError> {
        let release = LinkToken::generate();
        let t = unix_now();
        let done = sqlx::query(
            "INSERT INTO siret_holds (siret, created_at, until, release_token_hash, link_until) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (siret) DO UPDATE SET created_at = $2, until = $3, \
             release_token_hash = $4, link_until = $5 WHERE siret_holds.until <= $2",
        )
        .bind(siret.as_digits())
        .bind(t)
        .bind(t + hold.whole_seconds())
        .bind(release.hash().0)
        .bind(t + link.whole_seconds())
        .execute(self.conn())
        .await?;
        Ok((done.rows_affected() == 1).then_some(release))
    }

    /// « Ce n'est pas nous » from a hold's link: the hold ends; returns its SIRET.
    pub async fn release_hold_by_link(
        &mut self,
        token: &LinkToken,
    ) -> Result<Option<Siret>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM siret_holds WHERE release_token_hash = $1 AND link_until > $2 \
             RETURNING siret",
        )
        .bind(token.hash().0)
        .bind(unix_now())
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let digits: String = row.try_get("siret")?;
        Siret::parse(&digits)
            .map(Some)
            .map_err(|e| super::corrupt("siret_holds.siret", e))
    }

    /// Records that the SIRET's official address said « Ce n'est pas nous ».
    pub async fn record_contest(&mut self, siret: &Siret) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO contests (siret, contested_at) VALUES ($1, $2)")
            .bind(siret.as_digits())
            .bind(unix_now())
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
        since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE accounts SET signup_notice_at = $1 WHERE id = $2 \
             AND (signup_notice_at IS NULL OR signup_notice_at <= $3)",
        )
        .bind(unix_now())
        .bind(account.0)
        .bind(unix(since))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
