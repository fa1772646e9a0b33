//! Administrator accounts.

use super::{
    conflict_or, corrupt, instant, unix, unix_now, AttachmentOwner, Dialect, OffsetDateTime, Store,
    StoreError, Tx,
};
use crate::domain::{EmailAddress, OrganisationName, PersonName, Siret};
use sqlx::Row;

/// An account's identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AccountId(pub i64);

impl AccountId {
    /// How `session_changes` names what changed: the account whose sessions or row changed (its
    /// triggers write the same).
    pub(super) fn scope(self) -> String {
        self.0.to_string()
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a signup stores.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub siret: Siret,
    pub email: EmailAddress,
    pub organisation_name: OrganisationName,
    pub last_name: PersonName,
    pub first_name: PersonName,
}

/// Where an account stands: it gets its password hash when it becomes active.
#[derive(Clone, PartialEq, Eq)]
pub enum AccountState {
    /// Created, waiting for its password; it holds its SIRET until `until` (the end of its
    /// newest link), then a new signup may replace it.
    Pending { until: OffsetDateTime },
    /// Password chosen (argon2id PHC string).
    Active { password_hash: String },
}

impl std::fmt::Debug for AccountState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl AccountState {
    /// The value stored in `accounts.state`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Pending { .. } => "pending",
            Self::Active { .. } => "active",
        }
    }

    /// Pending, and its newest link ended before `now`: it no longer holds its SIRET.
    pub fn is_expired_pending(&self, now: OffsetDateTime) -> bool {
        matches!(self, Self::Pending { until } if *until <= now)
    }

    pub fn password_hash(&self) -> Option<&str> {
        match self {
            Self::Pending { .. } => None,
            Self::Active { password_hash } => Some(password_hash),
        }
    }
}

/// Whether the centre's official address knows of the account: settled once per account, so a
/// later password never tells it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficialNotice {
    /// No official address was known when it was asked (or an older release created it): its
    /// next password tells the addresses then on file.
    Due,
    /// Told at `at` (Unix seconds), or asked from the official address itself.
    Told { at: OffsetDateTime },
}

/// An account as stored, parsed back into domain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub siret: Siret,
    pub email: EmailAddress,
    pub organisation_name: OrganisationName,
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub state: AccountState,
    pub created_at: OffsetDateTime,
    pub official: OfficialNotice,
}

pub(super) const ACCOUNT_COLUMNS: &str =
    "a.id, a.siret, a.email, a.organisation_name, a.last_name, \
                               a.first_name, a.state, a.created_at, a.password_hash, \
                               a.pending_until, a.official_told_at";

/// Why an account ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Pending, its link expired, and a new signup took its SIRET or address.
    Expired,
    /// Released by support (`hubpro accounts release`).
    Released,
    /// Suspended from the centre's official address (« Ce n'est pas nous »).
    Suspended,
    /// Closed by its administrator (« Clôturer le compte »).
    Closed,
    /// Closed after too long without a login.
    Inactive,
}

impl EndReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Released => "released",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
            Self::Inactive => "inactive",
        }
    }
}

/// An active account unused for a while: when it last logged in, when it was told of its
/// coming closure.
#[derive(Clone, Debug)]
pub struct Inactive {
    pub account: Account,
    pub last_login: OffsetDateTime,
    pub noticed: Option<OffsetDateTime>,
    /// The closing date that notice announced: never earlier.
    pub announced: Option<OffsetDateTime>,
}

/// An account that ended, as support sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndedAccount {
    pub account_id: AccountId,
    pub email: EmailAddress,
    /// The state it had when it ended (`pending` / `active`).
    pub state: String,
    pub created_at: OffsetDateTime,
    pub ended_at: OffsetDateTime,
    pub reason: String,
    pub detail: String,
}

pub(super) fn account(row: &sqlx::any::AnyRow) -> Result<Account, StoreError> {
    let text = |column: &'static str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
    let hash: Option<String> = row.try_get("password_hash")?;
    let pending_until: Option<i64> = row.try_get("pending_until")?;
    let state = match (text("state")?.as_str(), hash, pending_until) {
        ("pending", _, Some(until)) => AccountState::Pending {
            until: instant("accounts.pending_until", until)?,
        },
        ("active", Some(password_hash), _) => AccountState::Active { password_hash },
        (other, _, _) => return Err(corrupt("accounts.state", other)),
    };
    let official = match row.try_get::<Option<i64>, _>("official_told_at")? {
        Some(at) => OfficialNotice::Told {
            at: instant("accounts.official_told_at", at)?,
        },
        None => OfficialNotice::Due,
    };
    Ok(Account {
        id: AccountId(row.try_get("id")?),
        siret: Siret::parse(&text("siret")?).map_err(|e| corrupt("accounts.siret", e))?,
        email: EmailAddress::parse(&text("email")?).map_err(|e| corrupt("accounts.email", e))?,
        organisation_name: OrganisationName::parse(&text("organisation_name")?)
            .map_err(|e| corrupt("accounts.organisation_name", e))?,
        last_name: PersonName::parse(&text("last_name")?)
            .map_err(|e| corrupt("accounts.last_name", e))?,
        first_name: PersonName::parse(&text("first_name")?)
            .map_err(|e| corrupt("accounts.first_name", e))?,
        state,
        created_at: instant("accounts.created_at", row.try_get("created_at")?)?,
        official,
    })
}

impl Tx {
    /// Inserts a pending account; the unique constraints settle races between concurrent
    /// signups ([`StoreError::Conflict`]).
    pub async fn insert_pending_account(
        &mut self,
        account: &NewAccount,
        pending_until: OffsetDateTime,
    ) -> Result<AccountId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO accounts (siret, email_identity, email, organisation_name, last_name, \
             first_name, state, created_at, pending_until) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) RETURNING id",
        )
        .bind(account.siret.as_digits())
        .bind(account.email.identity())
        .bind(account.email.as_str())
        .bind(account.organisation_name.as_str())
        .bind(account.last_name.as_str())
        .bind(account.first_name.as_str())
        .bind(unix_now())
        .bind(unix(pending_until))
        .fetch_one(self.conn())
        .await
        .map_err(conflict_or)?;
        Ok(AccountId(row.try_get("id")?))
    }

    /// Stores the password and activates the account.
    pub async fn activate_account(
        &mut self,
        id: AccountId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        self.sessions_changed.scope(id.scope());
        sqlx::query(
            "UPDATE accounts SET password_hash = $1, state = 'active', pending_until = NULL, \
             last_login_at = $2, inactivity_notice_at = NULL, inactivity_close_at = NULL \
             WHERE id = $3",
        )
        .bind(password_hash)
        .bind(unix_now())
        .bind(id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The official side knows of the account now (see [`OfficialNotice`]); an earlier date stays.
    pub async fn mark_official_told(&mut self, id: AccountId) -> Result<(), StoreError> {
        self.sessions_changed.scope(id.scope());
        sqlx::query(
            "UPDATE accounts SET official_told_at = $1 WHERE id = $2 AND official_told_at IS NULL",
        )
        .bind(unix_now())
        .bind(id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Reads the account and holds it until the transaction ends, so that transactions about
    /// one account that read before they write take turns: on PostgreSQL the row is locked; on
    /// SQLite the transaction already holds the database's write lock ([`Store::begin`]).
    pub async fn lock_account(&mut self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let lock = match self.dialect {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1{lock}");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(account).transpose()
    }

    /// A pending account keeps its SIRET at least until `until` (a new link was sent).
    pub async fn extend_pending(
        &mut self,
        id: AccountId,
        until: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET pending_until = $1 WHERE id = $2 AND state = 'pending' \
             AND pending_until < $1",
        )
        .bind(unix(until))
        .bind(id.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Pending accounts past their end that hold this SIRET or this address.
    pub async fn expired_pending_accounts(
        &mut self,
        siret: &Siret,
        email: &EmailAddress,
    ) -> Result<Vec<Account>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.state = 'pending' \
             AND a.pending_until <= $1 AND (a.siret = $2 OR a.email_identity = $3)"
        );
        let rows = sqlx::query(&sql)
            .bind(unix_now())
            .bind(siret.as_digits())
            .bind(email.identity())
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(account).collect()
    }

    /// Ends an account: it is kept in `ended_accounts` for support, its links, sessions and the
    /// attachments it made go, and its SIRET and address are free again.
    pub async fn end_account(
        &mut self,
        account: &Account,
        reason: EndReason,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ended_accounts (account_id, siret, email, state, created_at, ended_at, \
             reason, detail, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(account.id.0)
        .bind(account.siret.as_digits())
        .bind(account.email.as_str())
        .bind(account.state.code())
        .bind(unix(account.created_at))
        .bind(unix_now())
        .bind(reason.code())
        .bind(detail.chars().take(500).collect::<String>())
        // Kept only to tell a suspended account's owner, at login, why it ended.
        .bind(match reason {
            EndReason::Suspended => account.state.password_hash(),
            _ => None,
        })
        .execute(self.conn())
        .await?;
        self.end_access(account.id).await?;
        for sql in [
            "DELETE FROM tokens WHERE account_id = $1",
            "DELETE FROM attachments WHERE main_account_id = $1",
            "DELETE FROM accounts WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(account.id.0)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Ends every way its administrator had into the account: sessions, known browsers, second
    /// factors, passkey ceremonies and a waiting handover (an ended account, or one that changed
    /// hands; the caller deals with the links).
    pub(super) async fn end_access(&mut self, account: AccountId) -> Result<(), StoreError> {
        self.sessions_changed.scope(account.scope());
        for sql in [
            "DELETE FROM sessions WHERE account_id = $1",
            "DELETE FROM known_devices WHERE account_id = $1",
            "DELETE FROM totp_factors WHERE account_id = $1",
            "DELETE FROM recovery_codes WHERE account_id = $1",
            "DELETE FROM unseen_recovery_codes WHERE account_id = $1",
            "DELETE FROM passkeys WHERE account_id = $1",
            "DELETE FROM webauthn_ceremonies WHERE account_id = $1",
            "DELETE FROM handovers WHERE account_id = $1",
        ] {
            sqlx::query(sql)
                .bind(account.0)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// The account was told it will be closed for inactivity on `closing`, unless it logged in
    /// since `seen` (`false`: it did, nothing is marked).
    pub async fn mark_inactivity_notice(
        &mut self,
        id: AccountId,
        seen: OffsetDateTime,
        closing: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE accounts SET inactivity_notice_at = $1, inactivity_close_at = $4 WHERE id = $2 \
             AND inactivity_notice_at IS NULL AND last_login_at <= $3",
        )
        .bind(unix_now())
        .bind(id.0)
        .bind(unix(seen))
        .bind(unix(closing))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The account's last login, read inside the transaction (after [`Tx::lock_account`]).
    pub async fn last_login(
        &mut self,
        id: AccountId,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let row = sqlx::query("SELECT last_login_at FROM accounts WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let at: Option<i64> = row.try_get("last_login_at")?;
        at.map(|t| instant("accounts.last_login_at", t)).transpose()
    }

    /// An account, read inside the transaction.
    pub async fn account_by_id(&mut self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(account).transpose()
    }

    /// The account of a SIRET, read inside the transaction.
    pub async fn account_by_siret(&mut self, siret: &Siret) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.siret = $1");
        let row = sqlx::query(&sql)
            .bind(siret.as_digits())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(account).transpose()
    }
}

/// What a SIRET's check needs to know of it here, read in one round trip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiretStanding {
    pub account: Option<Account>,
    /// A signup that created nothing still holds it.
    pub held: bool,
    /// The main establishment it is attached to now, if any.
    pub attached_to: Option<AttachmentOwner>,
}

impl Store {
    /// The account, hold and attachment of `siret` at once.
    pub async fn siret_standing(&self, siret: &Siret) -> Result<SiretStanding, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, \
             (SELECT COUNT(*) FROM siret_holds h WHERE h.siret = $1 AND h.until > $2) AS holds, \
             m.id AS main_account_id, m.siret AS main_siret, \
             m.organisation_name AS main_organisation \
             FROM (SELECT 1 AS one) x \
             LEFT JOIN accounts a ON a.siret = $1 \
             LEFT JOIN attachments o ON o.siret = $1 AND o.detached_at IS NULL \
             LEFT JOIN accounts m ON m.id = o.main_account_id"
        );
        let row = sqlx::query(&sql)
            .bind(siret.as_digits())
            .bind(unix_now())
            .fetch_one(self.pool())
            .await?;
        let account = match row.try_get::<Option<i64>, _>("id")? {
            Some(_) => Some(account(&row)?),
            None => None,
        };
        let attached_to = match row.try_get::<Option<i64>, _>("main_account_id")? {
            Some(id) => Some(super::attachments::owner(
                AccountId(id),
                &row.try_get::<String, _>("main_siret")?,
                &row.try_get::<String, _>("main_organisation")?,
            )?),
            None => None,
        };
        Ok(SiretStanding {
            account,
            held: row.try_get::<i64, _>("holds")? > 0,
            attached_to,
        })
    }

    pub async fn account_by_siret(&self, siret: &Siret) -> Result<Option<Account>, StoreError> {
        self.account_where("a.siret = $1", siret.as_digits()).await
    }

    pub async fn account_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<Account>, StoreError> {
        self.account_where("a.email_identity = $1", &email.identity())
            .await
    }

    pub async fn account_by_id(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account).transpose()
    }

    async fn account_where(
        &self,
        filter: &str,
        value: &str,
    ) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE {filter}");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account).transpose()
    }

    /// Every account, oldest first, with the SIRET of the main establishment it is attached
    /// to, if any (operator listing).
    pub async fn list_accounts(&self) -> Result<Vec<(Account, Option<Siret>)>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, (SELECT m.siret FROM attachments t \
             JOIN accounts m ON m.id = t.main_account_id \
             WHERE t.siret = a.siret AND t.detached_at IS NULL) AS main_siret \
             FROM accounts a ORDER BY a.id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let main: Option<String> = r.try_get("main_siret")?;
                let main = main
                    .map(|m| Siret::parse(&m).map_err(|e| corrupt("accounts.siret", e)))
                    .transpose()?;
                Ok((account(r)?, main))
            })
            .collect()
    }

    /// The password hash of the newest account of this address that was suspended (« Ce n'est
    /// pas nous »), if it had a password.
    pub async fn suspended_password_hash(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT password_hash FROM ended_accounts WHERE LOWER(email) = $1 \
             AND reason = 'suspended' AND password_hash IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(email.identity())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("password_hash")).transpose()?)
    }

    /// The accounts that held this SIRET and ended, oldest first.
    pub async fn ended_accounts_of(&self, siret: &Siret) -> Result<Vec<EndedAccount>, StoreError> {
        let rows = sqlx::query(
            "SELECT account_id, email, state, created_at, ended_at, reason, detail \
             FROM ended_accounts WHERE siret = $1 ORDER BY id",
        )
        .bind(siret.as_digits())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let email: String = r.try_get("email")?;
                Ok(EndedAccount {
                    account_id: AccountId(r.try_get("account_id")?),
                    email: EmailAddress::parse(&email)
                        .map_err(|e| corrupt("ended_accounts.email", e))?,
                    state: r.try_get("state")?,
                    created_at: instant("ended_accounts.created_at", r.try_get("created_at")?)?,
                    ended_at: instant("ended_accounts.ended_at", r.try_get("ended_at")?)?,
                    reason: r.try_get("reason")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// Active accounts whose last login is at or before `cutoff`, the longest unused first.
    pub async fn inactive_accounts(
        &self,
        cutoff: OffsetDateTime,
    ) -> Result<Vec<Inactive>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, a.last_login_at, a.inactivity_notice_at, \
             a.inactivity_close_at FROM accounts a \
             WHERE a.state = 'active' AND a.last_login_at <= $1 ORDER BY a.last_login_at, a.id"
        );
        let rows = sqlx::query(&sql)
            .bind(unix(cutoff))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let noticed: Option<i64> = r.try_get("inactivity_notice_at")?;
                let closing: Option<i64> = r.try_get("inactivity_close_at")?;
                Ok(Inactive {
                    account: account(r)?,
                    last_login: instant("accounts.last_login_at", r.try_get("last_login_at")?)?,
                    noticed: noticed
                        .map(|t| instant("accounts.inactivity_notice_at", t))
                        .transpose()?,
                    announced: closing
                        .map(|t| instant("accounts.inactivity_close_at", t))
                        .transpose()?,
                })
            })
            .collect()
    }

    pub async fn count_accounts(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
