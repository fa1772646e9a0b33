//! Passkeys and the WebAuthn ceremonies in progress. The store keeps the credential as the
//! caller serialised it and a ceremony's state sealed by the caller: it reads neither.

use super::{instant, unix, unix_now, AccountId, Duration, LinkToken, OffsetDateTime, Sealed};
use super::{Store, StoreError, Tx};
use sqlx::Row;

/// One passkey of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: i64,
    pub account: AccountId,
    pub name: String,
    /// The credential (public key, counter), serialised by the caller.
    pub credential: String,
    pub created: OffsetDateTime,
    pub last_used: Option<OffsetDateTime>,
}

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ceremony {
    /// Adding a passkey from the space.
    Register,
    /// A login's second step.
    SecondFactor,
    /// A one-step sign-in (discoverable credential), no account known yet.
    SignIn,
    /// Confirming a session's identity before a sensitive change.
    Reauthenticate,
}

impl Ceremony {
    fn code(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SecondFactor => "second_factor",
            Self::SignIn => "sign_in",
            Self::Reauthenticate => "reauthenticate",
        }
    }
}

const COLUMNS: &str = "id, account_id, name, passkey, created_at, last_used_at";

fn passkey(row: &sqlx::any::AnyRow) -> Result<StoredPasskey, StoreError> {
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    Ok(StoredPasskey {
        id: row.try_get("id")?,
        account: AccountId(row.try_get("account_id")?),
        name: row.try_get("name")?,
        credential: row.try_get("passkey")?,
        created: instant("passkeys.created_at", row.try_get("created_at")?)?,
        last_used: last_used
            .map(|t| instant("passkeys.last_used_at", t))
            .transpose()?,
    })
}

impl Store {
    /// The account's passkeys, oldest first.
    pub async fn passkeys_of(&self, account: AccountId) -> Result<Vec<StoredPasskey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(account.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(passkey).collect()
    }

    /// The passkey of a credential id (hexadecimal), whoever's it is.
    pub async fn passkey_by_credential(
        &self,
        credential_id: &str,
    ) -> Result<Option<StoredPasskey>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1");
        let row = sqlx::query(&sql)
            .bind(credential_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(passkey).transpose()
    }
}

impl Tx {
    /// Adds a passkey; `false` when its credential is already someone's.
    pub async fn insert_passkey(
        &mut self,
        account: AccountId,
        credential_id: &str,
        name: &str,
        credential: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO passkeys (account_id, credential_id, name, passkey, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id) DO NOTHING",
        )
        .bind(account.0)
        .bind(credential_id)
        .bind(name)
        .bind(credential)
        .bind(unix_now())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes one of the account's passkeys; `false` when it has no such passkey.
    pub async fn delete_passkey(
        &mut self,
        account: AccountId,
        id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM passkeys WHERE account_id = $1 AND id = $2")
            .bind(account.0)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A passkey was used: its new counter, and when — unless another use changed it since
    /// `read` was read (`false`: two uses at once, one wins).
    pub async fn passkey_used(
        &mut self,
        id: i64,
        read: &str,
        credential: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE passkeys SET passkey = $2, last_used_at = $3 WHERE id = $1 AND passkey = $4",
        )
        .bind(id)
        .bind(credential)
        .bind(unix_now())
        .bind(read)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a ceremony; its id is returned once (only its hash is kept).
    pub async fn insert_ceremony(
        &mut self,
        account: Option<AccountId>,
        purpose: Ceremony,
        state: &Sealed,
        ttl: Duration,
    ) -> Result<LinkToken, StoreError> {
        let id = LinkToken::generate();
        sqlx::query(
            "INSERT INTO webauthn_ceremonies (id_hash, account_id, purpose, state, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.hash().0)
        .bind(account.map(|a| a.0))
        .bind(purpose.code())
        .bind(&state.0)
        .bind(unix(super::now() + ttl))
        .execute(self.conn())
        .await?;
        Ok(id)
    }

    /// Takes a live ceremony of `purpose` (it is used once): its account and sealed state.
    pub async fn take_ceremony(
        &mut self,
        id: &LinkToken,
        purpose: Ceremony,
    ) -> Result<Option<(Option<AccountId>, Sealed)>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM webauthn_ceremonies WHERE id_hash = $1 AND purpose = $2 \
             AND expires_at > $3 RETURNING account_id, state",
        )
        .bind(id.hash().0)
        .bind(purpose.code())
        .bind(unix_now())
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| {
            let account: Option<i64> = r.try_get("account_id")?;
            Ok((account.map(AccountId), Sealed(r.try_get("state")?)))
        })
        .transpose()
    }
}
