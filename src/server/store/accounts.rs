//! Administrator accounts.

use super::{now, unique_violation, Store, StoreError};
use crate::domain::{EmailAddress, OrganisationName, PersonName, Siret};
use sqlx::Row;

/// What a signup stores.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub siret: Siret,
    pub email: EmailAddress,
    pub organisation_name: OrganisationName,
    pub last_name: PersonName,
    pub first_name: PersonName,
}

/// An account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i64,
    pub siret: String,
    pub email: String,
    pub organisation_name: String,
    pub last_name: String,
    pub first_name: String,
    pub state: String,
    pub created_at: i64,
    /// argon2id PHC string; `None` while the account is pending.
    pub password_hash: Option<String>,
}

const ACCOUNT_COLUMNS: &str =
    "id, siret, email, organisation_name, last_name, first_name, state, created_at, password_hash";

fn record(row: &sqlx::any::AnyRow) -> Result<AccountRecord, sqlx::Error> {
    Ok(AccountRecord {
        id: row.try_get("id")?,
        siret: row.try_get("siret")?,
        email: row.try_get("email")?,
        organisation_name: row.try_get("organisation_name")?,
        last_name: row.try_get("last_name")?,
        first_name: row.try_get("first_name")?,
        state: row.try_get("state")?,
        created_at: row.try_get("created_at")?,
        password_hash: row.try_get("password_hash")?,
    })
}

impl Store {
    /// Inserts a pending account inside `tx`; the unique constraints settle races between
    /// concurrent signups.
    pub async fn insert_pending_account(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        account: &NewAccount,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO accounts (siret, email_identity, email, organisation_name, last_name, \
             first_name, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
             RETURNING id",
        )
        .bind(account.siret.as_digits())
        .bind(account.email.identity())
        .bind(account.email.as_str())
        .bind(account.organisation_name.as_str())
        .bind(account.last_name.as_str())
        .bind(account.first_name.as_str())
        .bind(now())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| match unique_violation(&e) {
            Some(rule) => StoreError::Conflict(rule),
            None => StoreError::Database(e),
        })?;
        Ok(row.try_get("id")?)
    }

    pub async fn account_by_siret(
        &self,
        siret: &Siret,
    ) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE siret = $1");
        let row = sqlx::query(&sql)
            .bind(siret.as_digits())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    pub async fn account_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email_identity = $1");
        let row = sqlx::query(&sql)
            .bind(email.identity())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    pub async fn account_by_id(&self, id: i64) -> Result<Option<AccountRecord>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(record).transpose()?)
    }

    /// Stores the password and activates the account, inside the caller's transaction.
    pub async fn activate_account(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: i64,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET password_hash = $1, state = 'active' WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Every account, oldest first, with the SIRET of the main establishment it is attached
    /// to, if any (operator listing).
    pub async fn list_accounts(&self) -> Result<Vec<(AccountRecord, Option<String>)>, StoreError> {
        let sql = format!(
            "SELECT {}, (SELECT m.siret FROM attachments t JOIN accounts m ON m.id = t.main_account_id \
             WHERE t.siret = a.siret AND t.detached_at IS NULL) AS main_siret \
             FROM accounts a ORDER BY a.id",
            ACCOUNT_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((record(r)?, r.try_get("main_siret")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    pub async fn count_accounts(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
