//! « Changer d'administrateur »: the handover waiting for its new administrator's password, and
//! the change of hands itself.

use super::accounts::{Account, AccountId};
use super::{conflict_or, corrupt, instant, unix, unix_now, OffsetDateTime, Store, StoreError, Tx};
use crate::domain::{EmailAddress, PersonName};
use sqlx::Row;

/// Who asked for the handover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoverOrigin {
    /// The administrator, from the space.
    Administrator,
    /// The approvals' notification address (« Je n'ai plus accès à l'adresse du compte »).
    Official,
    /// Support (`hubpro accounts handover`).
    Support,
}

impl HandoverOrigin {
    pub fn code(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::Official => "official",
            Self::Support => "support",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [Self::Administrator, Self::Official, Self::Support]
            .into_iter()
            .find(|o| o.code() == code)
    }
}

/// The administrator-to-be of a handover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Successor {
    pub email: EmailAddress,
    pub last_name: PersonName,
    pub first_name: PersonName,
}

/// A handover waiting for its new administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    pub account: AccountId,
    pub successor: Successor,
    pub origin: HandoverOrigin,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

const COLUMNS: &str =
    "account_id, email, last_name, first_name, started_by, created_at, expires_at";

fn handover(row: &sqlx::any::AnyRow) -> Result<Handover, StoreError> {
    let text = |column: &'static str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
    let started_by = text("started_by")?;
    Ok(Handover {
        account: AccountId(row.try_get("account_id")?),
        successor: Successor {
            email: EmailAddress::parse(&text("email")?)
                .map_err(|e| corrupt("handovers.email", e))?,
            last_name: PersonName::parse(&text("last_name")?)
                .map_err(|e| corrupt("handovers.last_name", e))?,
            first_name: PersonName::parse(&text("first_name")?)
                .map_err(|e| corrupt("handovers.first_name", e))?,
        },
        origin: HandoverOrigin::parse(&started_by)
            .ok_or_else(|| corrupt("handovers.started_by", started_by))?,
        created_at: instant("handovers.created_at", row.try_get("created_at")?)?,
        expires_at: instant("handovers.expires_at", row.try_get("expires_at")?)?,
    })
}

const WAITING: &str = "SELECT account_id, email, last_name, first_name, started_by, created_at, \
                       expires_at FROM handovers WHERE account_id = $1 AND expires_at > $2";

impl Tx {
    /// Records a handover for `account`, unless one is already waiting (`false`). The caller
    /// holds the account's lock ([`Tx::lock_account`]), so two starts take turns and one wins.
    pub async fn insert_handover(
        &mut self,
        account: AccountId,
        successor: &Successor,
        origin: HandoverOrigin,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        if self.handover_of(account).await?.is_some() {
            return Ok(false);
        }
        // An expired handover goes with its links: a password page opened from one must not
        // complete this one.
        self.delete_handover(account).await?;
        sqlx::query(&format!(
            "INSERT INTO handovers ({COLUMNS}, email_identity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(account.0)
        .bind(successor.email.as_str())
        .bind(successor.last_name.as_str())
        .bind(successor.first_name.as_str())
        .bind(origin.code())
        .bind(unix_now())
        .bind(unix(expires_at))
        .bind(successor.email.identity())
        .execute(self.conn())
        .await?;
        Ok(true)
    }

    /// The handover waiting for `account`, if any.
    pub async fn handover_of(
        &mut self,
        account: AccountId,
    ) -> Result<Option<Handover>, StoreError> {
        let row = sqlx::query(WAITING)
            .bind(account.0)
            .bind(unix_now())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(handover).transpose()
    }

    /// Ends the waiting handover of `account` and kills its links; `false` when there was none.
    pub async fn delete_handover(&mut self, account: AccountId) -> Result<bool, StoreError> {
        let waiting = self.handover_of(account).await?.is_some();
        sqlx::query("DELETE FROM handovers WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "UPDATE tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL \
             AND purpose IN ('handover', 'handover_flow')",
        )
        .bind(unix_now())
        .bind(account.0)
        .execute(self.conn())
        .await?;
        Ok(waiting)
    }

    /// The account changes hands: the successor's address, names and password replace the old
    /// administrator's, who is kept in `ended_accounts` for support (without a password hash:
    /// nothing of the old login works any more). Every session, link, known browser and second
    /// factor of the account ends; the SIRET keeps its one account. A successor's address that
    /// meanwhile has an account of its own is [`StoreError::Conflict`].
    pub async fn hand_over(
        &mut self,
        account: &Account,
        successor: &Successor,
        password_hash: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.sessions_changed.scope(account.id.scope());
        sqlx::query(
            "INSERT INTO ended_accounts (account_id, siret, email, state, created_at, ended_at, \
             reason, detail, password_hash) VALUES ($1, $2, $3, $4, $5, $6, 'handed_over', $7, NULL)",
        )
        .bind(account.id.0)
        .bind(account.siret.as_digits())
        .bind(account.email.as_str())
        .bind(account.state.code())
        .bind(unix(account.created_at))
        .bind(unix_now())
        .bind(detail.chars().take(500).collect::<String>())
        .execute(self.conn())
        .await?;
        sqlx::query(
            "UPDATE accounts SET email = $1, email_identity = $2, last_name = $3, first_name = $4, \
             password_hash = $5, state = 'active', pending_until = NULL, last_login_at = $6, \
             inactivity_notice_at = NULL, inactivity_close_at = NULL WHERE id = $7",
        )
        .bind(successor.email.as_str())
        .bind(successor.email.identity())
        .bind(successor.last_name.as_str())
        .bind(successor.first_name.as_str())
        .bind(password_hash)
        .bind(unix_now())
        .bind(account.id.0)
        .execute(self.conn())
        .await
        .map_err(conflict_or)?;
        // « Ce n'est pas nous » links stay: they belong to the official address.
        sqlx::query("DELETE FROM tokens WHERE account_id = $1 AND purpose <> 'not_us'")
            .bind(account.id.0)
            .execute(self.conn())
            .await?;
        self.end_access(account.id).await
    }
}

impl Store {
    /// The handover waiting for `account`, if any (the space shows it).
    pub async fn handover_of(&self, account: AccountId) -> Result<Option<Handover>, StoreError> {
        let row = sqlx::query(WAITING)
            .bind(account.0)
            .bind(unix_now())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(handover).transpose()
    }
}
