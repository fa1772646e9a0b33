//! Single-use links and password flows: only the SHA-256 of a token is stored.

use super::{unix, unix_now, AccountId, Duration, LinkToken, Store, StoreError, Tx};
use sqlx::Row;

/// What a token opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Password-creation link sent at signup.
    PasswordSetup,
    /// Link sent by « Mot de passe oublié ».
    PasswordReset,
    /// Short-lived flow opened by « Cliquer ici pour continuer ».
    PasswordFlow,
    /// « Ce n'est pas nous », sent to the centre's official address.
    NotUs,
    /// A login between its password and its second factor (a cookie, never emailed).
    SecondFactor,
    /// Sent to a handover's new administrator: opens the same password step as a signup's.
    Handover,
    /// The password flow opened by a handover's link.
    HandoverFlow,
    /// Sent to the official address (« Je n'ai plus accès à l'adresse du compte »): designates
    /// the new administrator.
    HandoverRequest,
}

impl LinkPurpose {
    /// The emailed links that open a password flow.
    pub const EMAILED: [LinkPurpose; 2] = [Self::PasswordSetup, Self::PasswordReset];
    /// The emailed links that open the password page: a password flow, or a handover's.
    pub const PASSWORD_PAGE: [LinkPurpose; 3] =
        [Self::PasswordSetup, Self::PasswordReset, Self::Handover];

    fn code(self) -> &'static str {
        match self {
            Self::PasswordSetup => "password_setup",
            Self::PasswordReset => "password_reset",
            Self::PasswordFlow => "password_flow",
            Self::NotUs => "not_us",
            Self::SecondFactor => "second_factor",
            Self::Handover => "handover",
            Self::HandoverFlow => "handover_flow",
            Self::HandoverRequest => "handover_request",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [
            Self::PasswordSetup,
            Self::PasswordReset,
            Self::PasswordFlow,
            Self::NotUs,
            Self::SecondFactor,
            Self::Handover,
            Self::HandoverFlow,
            Self::HandoverRequest,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }
}

impl Tx {
    /// A new link of `purpose` for `account`, valid for `ttl`.
    pub async fn insert_token(
        &mut self,
        account: AccountId,
        purpose: LinkPurpose,
        ttl: Duration,
    ) -> Result<LinkToken, StoreError> {
        let token = LinkToken::generate();
        sqlx::query(
            "INSERT INTO tokens (token_hash, account_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token.hash().0)
        .bind(account.0)
        .bind(purpose.code())
        .bind(unix(super::now() + ttl))
        .execute(self.conn())
        .await?;
        Ok(token)
    }

    /// Marks a valid token used and returns its account; `None` when unknown, used, expired or
    /// of another purpose. The conditional update makes two concurrent uses succeed once.
    pub async fn consume_token(
        &mut self,
        token: &LinkToken,
        purposes: &[LinkPurpose],
    ) -> Result<Option<AccountId>, StoreError> {
        let token_hash = token.hash().0;
        let row = sqlx::query("SELECT account_id, purpose FROM tokens WHERE token_hash = $1")
            .bind(&token_hash)
            .fetch_optional(self.conn())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let purpose: String = row.try_get("purpose")?;
        if !LinkPurpose::parse(&purpose).is_some_and(|p| purposes.contains(&p)) {
            return Ok(None);
        }
        let t = unix_now();
        let done = sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(t)
        .bind(&token_hash)
        .execute(self.conn())
        .await?;
        Ok((done.rows_affected() == 1)
            .then(|| row.try_get("account_id").map(AccountId))
            .transpose()?)
    }

    /// Kills every unused password link and flow of an account (« Ce n'est pas nous », logins
    /// waiting for their second factor and a waiting handover stay: a stranger's « Mot de passe
    /// oublié » must not cut the owner's login short, nor a new password a handover).
    pub async fn revoke_tokens(&mut self, account: AccountId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL \
             AND purpose NOT IN ('not_us', 'second_factor', 'handover', 'handover_flow', \
             'handover_request')",
        )
        .bind(unix_now())
        .bind(account.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// How many links of `purpose` (each living `ttl`) were made for `account` in the last
    /// `within`: all of them, or only those still unused.
    pub async fn links_made_since(
        &mut self,
        account: AccountId,
        purpose: LinkPurpose,
        (ttl, within): (Duration, Duration),
        unused_only: bool,
    ) -> Result<i64, StoreError> {
        let unused = if unused_only {
            " AND used_at IS NULL"
        } else {
            ""
        };
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM tokens WHERE account_id = $1 AND purpose = $2 \
             AND expires_at > $3{unused}"
        ))
        .bind(account.0)
        .bind(purpose.code())
        .bind(unix(super::now() + ttl - within))
        .fetch_one(self.conn())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Kills the account's unused links of `purpose`.
    pub async fn revoke_purpose(
        &mut self,
        account: AccountId,
        purpose: LinkPurpose,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL \
             AND purpose = $3",
        )
        .bind(unix_now())
        .bind(account.0)
        .bind(purpose.code())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Kills the account's logins waiting for their second factor (its password changed).
    pub async fn revoke_login_steps(&mut self, account: AccountId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL \
             AND purpose = 'second_factor'",
        )
        .bind(unix_now())
        .bind(account.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account a still-valid token of one of `purposes` belongs to, without using it, checked
    /// once the account is locked ([`Tx::lock_account`]): whatever another transaction about the
    /// account did (a password saved, which revokes every link) is seen, and it cannot happen
    /// before this transaction ends.
    pub async fn peek_token_locked(
        &mut self,
        token: &LinkToken,
        purposes: &[LinkPurpose],
    ) -> Result<Option<AccountId>, StoreError> {
        let token_hash = token.hash().0;
        let owner = sqlx::query("SELECT account_id FROM tokens WHERE token_hash = $1")
            .bind(&token_hash)
            .fetch_optional(self.conn())
            .await?;
        let Some(owner) = owner else { return Ok(None) };
        if self
            .lock_account(AccountId(owner.try_get("account_id")?))
            .await?
            .is_none()
        {
            return Ok(None);
        }
        let row = sqlx::query(VALID_TOKEN)
            .bind(&token_hash)
            .bind(unix_now())
            .fetch_optional(self.conn())
            .await?;
        valid_for(row, purposes)
    }
}

/// A token not used and not expired (binds: its hash, now).
const VALID_TOKEN: &str = "SELECT account_id, purpose FROM tokens WHERE token_hash = $1 \
                           AND used_at IS NULL AND expires_at > $2";

/// The account of a valid token's row, if the token opens one of `purposes`.
fn valid_for(
    row: Option<sqlx::any::AnyRow>,
    purposes: &[LinkPurpose],
) -> Result<Option<AccountId>, StoreError> {
    let Some(row) = row else { return Ok(None) };
    let purpose: String = row.try_get("purpose")?;
    Ok(LinkPurpose::parse(&purpose)
        .is_some_and(|p| purposes.contains(&p))
        .then(|| row.try_get("account_id").map(AccountId))
        .transpose()?)
}

impl Store {
    /// The account a still-valid token of one of `purposes` belongs to, without using it.
    pub async fn peek_token(
        &self,
        token: &LinkToken,
        purposes: &[LinkPurpose],
    ) -> Result<Option<AccountId>, StoreError> {
        let row = sqlx::query(VALID_TOKEN)
            .bind(token.hash().0)
            .bind(unix_now())
            .fetch_optional(self.pool())
            .await?;
        valid_for(row, purposes)
    }
}
