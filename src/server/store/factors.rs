//! Second factors: the authenticator app's sealed secret and the recovery codes' hashes. The
//! store keeps them as opaque text: sealing and hashing are the caller's ([`Sealed`],
//! [`CodeHash`]).

use super::{instant, unix, unix_now, AccountId, OffsetDateTime, SessionId, Store, StoreError, Tx};
use sqlx::Row;

/// A secret sealed by the caller's key (nonce and ciphertext, as text).
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(pub String);

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed(…)")
    }
}

/// A recovery code's keyed hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeHash(pub String);

/// The authenticator app of an account, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpFactor {
    pub sealed: Sealed,
    pub created: OffsetDateTime,
    /// Set once a first code confirmed it: only then does the login ask for codes.
    pub confirmed: Option<OffsetDateTime>,
    /// The last time step a code was accepted for.
    pub last_step: i64,
}

/// What the space shows of an account's second factors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactorSummary {
    /// When the authenticator app was confirmed.
    pub totp_since: Option<OffsetDateTime>,
    /// Recovery codes not used yet.
    pub codes_left: i64,
}

impl Store {
    /// The account's authenticator app, confirmed or being set up.
    pub async fn totp(&self, account: AccountId) -> Result<Option<TotpFactor>, StoreError> {
        let row = sqlx::query(
            "SELECT sealed, created_at, confirmed_at, last_step FROM totp_factors \
             WHERE account_id = $1",
        )
        .bind(account.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let confirmed: Option<i64> = row.try_get("confirmed_at")?;
            Ok(TotpFactor {
                sealed: Sealed(row.try_get("sealed")?),
                created: instant("totp_factors.created_at", row.try_get("created_at")?)?,
                confirmed: confirmed
                    .map(|t| instant("totp_factors.confirmed_at", t))
                    .transpose()?,
                last_step: row.try_get("last_step")?,
            })
        })
        .transpose()
    }

    /// The account's recovery codes not used yet (their salted hashes).
    pub async fn unused_recovery_codes(
        &self,
        account: AccountId,
    ) -> Result<Vec<CodeHash>, StoreError> {
        let rows = sqlx::query(
            "SELECT code_hash FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
        )
        .bind(account.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(CodeHash(r.try_get("code_hash")?)))
            .collect()
    }

    /// Whether the login asks this account for a second factor: a confirmed authenticator app
    /// or a passkey.
    pub async fn has_second_factor(&self, account: AccountId) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM totp_factors WHERE account_id = $1 \
             AND confirmed_at IS NOT NULL) + (SELECT COUNT(*) FROM passkeys \
             WHERE account_id = $1) AS factors",
        )
        .bind(account.0)
        .fetch_one(self.pool())
        .await?;
        let factors: i64 = row.try_get("factors")?;
        Ok(factors > 0)
    }

    /// The space's summary, in one query.
    pub async fn factor_summary(&self, account: AccountId) -> Result<FactorSummary, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT confirmed_at FROM totp_factors WHERE account_id = $1) AS since, \
             (SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL) \
             AS left_",
        )
        .bind(account.0)
        .fetch_one(self.pool())
        .await?;
        let since: Option<i64> = row.try_get("since")?;
        Ok(FactorSummary {
            totp_since: since
                .map(|t| instant("totp_factors.confirmed_at", t))
                .transpose()?,
            codes_left: row.try_get("left_")?,
        })
    }
}

impl Tx {
    /// Starts (or starts again) setting up the authenticator app; a confirmed one stays as it
    /// is (`false`).
    pub async fn begin_totp(
        &mut self,
        account: AccountId,
        sealed: &Sealed,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO totp_factors (account_id, sealed, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id) DO UPDATE SET sealed = $2, created_at = $3, last_step = 0 \
             WHERE totp_factors.confirmed_at IS NULL",
        )
        .bind(account.0)
        .bind(&sealed.0)
        .bind(unix_now())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes the code of time step `step`: `false` when a code of this step or a later one was
    /// already taken (a code works once), or when there is no such factor. `confirming` takes it
    /// for an app being set up, and confirms it; else only for a confirmed one.
    pub async fn take_totp_step(
        &mut self,
        account: AccountId,
        step: i64,
        confirming: bool,
    ) -> Result<bool, StoreError> {
        let query = if confirming {
            sqlx::query(
                "UPDATE totp_factors SET last_step = $2, confirmed_at = $3 \
                 WHERE account_id = $1 AND last_step < $2 AND confirmed_at IS NULL",
            )
            .bind(account.0)
            .bind(step)
            .bind(unix_now())
        } else {
            sqlx::query(
                "UPDATE totp_factors SET last_step = $2 \
                 WHERE account_id = $1 AND last_step < $2 AND confirmed_at IS NOT NULL",
            )
            .bind(account.0)
            .bind(step)
        };
        let done = query.execute(self.conn()).await?;
        Ok(done.rows_affected() == 1)
    }

    /// The authenticator app goes (`false`: there was none); with no passkey left, the
    /// recovery codes too.
    pub async fn remove_totp(&mut self, account: AccountId) -> Result<bool, StoreError> {
        let removed = sqlx::query("DELETE FROM totp_factors WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?
            .rows_affected();
        self.forget_codes_without_factor(account).await?;
        Ok(removed > 0)
    }

    /// With neither app nor passkey left, recovery codes recover nothing: they go.
    pub async fn forget_codes_without_factor(
        &mut self,
        account: AccountId,
    ) -> Result<(), StoreError> {
        for table in ["recovery_codes", "unseen_recovery_codes"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE account_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM totp_factors t WHERE t.account_id = $1 \
                 AND t.confirmed_at IS NOT NULL) \
                 AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.account_id = $1)"
            ))
            .bind(account.0)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Every second factor of the account goes: the app, the passkeys, the recovery codes.
    pub async fn remove_second_factors(&mut self, account: AccountId) -> Result<bool, StoreError> {
        let mut removed = 0;
        for sql in [
            "DELETE FROM totp_factors WHERE account_id = $1",
            "DELETE FROM passkeys WHERE account_id = $1",
            "DELETE FROM recovery_codes WHERE account_id = $1",
            "DELETE FROM unseen_recovery_codes WHERE account_id = $1",
        ] {
            removed += sqlx::query(sql)
                .bind(account.0)
                .execute(self.conn())
                .await?
                .rows_affected();
        }
        Ok(removed > 0)
    }

    /// New recovery codes replace the old ones; their text waits, sealed, for the page that
    /// shows it once to `session`.
    pub async fn replace_recovery_codes(
        &mut self,
        account: AccountId,
        hashes: &[CodeHash],
        unseen: &Sealed,
        session: &SessionId,
    ) -> Result<(), StoreError> {
        let t = unix_now();
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?;
        for hash in hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(account.0)
            .bind(&hash.0)
            .bind(t)
            .execute(self.conn())
            .await?;
        }
        sqlx::query(
            "INSERT INTO unseen_recovery_codes (account_id, sealed, session_hash, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) \
             DO UPDATE SET sealed = $2, session_hash = $3, created_at = $4",
        )
        .bind(account.0)
        .bind(&unseen.0)
        .bind(session.hash().0)
        .bind(t)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Uses a recovery code: `false` when it is not one of the account's, or was used.
    pub async fn use_recovery_code(
        &mut self,
        account: AccountId,
        hash: &CodeHash,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(account.0)
        .bind(&hash.0)
        .bind(unix_now())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The new recovery codes not shown yet, taken by the session that made them, if they
    /// were made after `since`: they are shown once (one statement: two requests cannot both
    /// take them).
    pub async fn take_unseen_codes(
        &mut self,
        account: AccountId,
        session: &SessionId,
        since: OffsetDateTime,
    ) -> Result<Option<Sealed>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM unseen_recovery_codes \
             WHERE account_id = $1 AND session_hash = $2 AND created_at > $3 RETURNING sealed",
        )
        .bind(account.0)
        .bind(session.hash().0)
        .bind(unix(since))
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| Ok(Sealed(r.try_get("sealed")?))).transpose()
    }
}
