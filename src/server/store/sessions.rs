//! Server-side sessions (shared by every app instance): only the SHA-256 of the cookie's value.
//! When a session ends is the caller's rule ([`SessionLifetimes`]); the store keeps the times.

use super::accounts::{account, ACCOUNT_COLUMNS};
use super::{
    instant, unix, Account, AccountId, Duration, OffsetDateTime, SessionId, Store, StoreError, Tx,
};
use sqlx::Row;

/// How long a session lives: a policy, handed to the store as a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLifetimes {
    /// Ends after this long without a request…
    pub idle: Duration,
    /// …and in any case this long after login.
    pub absolute: Duration,
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub account: AccountId,
    pub last_seen: OffsetDateTime,
    pub expires: OffsetDateTime,
    /// When its owner last typed the password (at login, or to confirm a change).
    pub authenticated: OffsetDateTime,
}

/// A live session as an instance holds it, with its account.
#[derive(Clone, Debug)]
pub(super) struct Held {
    account: Account,
    last_seen: OffsetDateTime,
    expires: OffsetDateTime,
}

/// A session's times, as [`Store::session_with_account`] gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveSession {
    pub last_seen: OffsetDateTime,
    pub expires: OffsetDateTime,
}

/// Where a session was opened from, as its list shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionOrigin {
    /// The browser's `User-Agent` (bounded).
    pub user_agent: String,
    /// The client's address at login.
    pub ip: String,
}

/// One of an account's sessions, as its list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEntry {
    /// Names the session in « Terminer cette session » (the start of its id's hash: it opens
    /// nothing, and only its account may end it).
    pub handle: String,
    pub origin: SessionOrigin,
    pub opened: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    pub expires: OffsetDateTime,
    /// When its owner last typed the password.
    pub authenticated: OffsetDateTime,
    /// The session of the request that lists them.
    pub current: bool,
}

/// How many hexadecimal digits of a session's hash name it.
const HANDLE_LEN: usize = 16;
/// Longest `User-Agent` kept.
const USER_AGENT_MAX: usize = 300;

impl Store {
    /// Opens a session for `account`, ending at the latest `absolute` from now.
    pub async fn create_session(
        &self,
        account: AccountId,
        absolute: Duration,
        origin: &SessionOrigin,
    ) -> Result<SessionId, StoreError> {
        let id = SessionId::generate();
        let t = super::now();
        let user_agent: String = origin.user_agent.chars().take(USER_AGENT_MAX).collect();
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at, \
             user_agent, ip, authenticated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $3)",
        )
        .bind(id.hash().0)
        .bind(account.0)
        .bind(unix(t))
        .bind(unix(t))
        .bind(unix(t + absolute))
        .bind(user_agent)
        .bind(origin.ip.as_str())
        .execute(self.pool())
        .await?;
        // A login: the account is in use (the inactivity notice, if any, no longer holds).
        sqlx::query(
            "UPDATE accounts SET last_login_at = $1, inactivity_notice_at = NULL, \
             inactivity_close_at = NULL WHERE id = $2",
        )
        .bind(unix(t))
        .bind(account.0)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The sessions of `account`, most recently seen first; `current` marks the caller's.
    pub async fn sessions_of(
        &self,
        account: AccountId,
        current: &SessionId,
    ) -> Result<Vec<SessionEntry>, StoreError> {
        let current = current.hash().0;
        let rows = sqlx::query(
            "SELECT id_hash, user_agent, ip, created_at, last_seen_at, expires_at, \
             authenticated_at FROM sessions WHERE account_id = $1 \
             ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(account.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let hash: String = r.try_get("id_hash")?;
                Ok(SessionEntry {
                    handle: hash.chars().take(HANDLE_LEN).collect(),
                    current: hash == current,
                    origin: SessionOrigin {
                        user_agent: r.try_get("user_agent")?,
                        ip: r.try_get("ip")?,
                    },
                    opened: instant("sessions.created_at", r.try_get("created_at")?)?,
                    last_seen: instant("sessions.last_seen_at", r.try_get("last_seen_at")?)?,
                    expires: instant("sessions.expires_at", r.try_get("expires_at")?)?,
                    authenticated: instant(
                        "sessions.authenticated_at",
                        r.try_get("authenticated_at")?,
                    )?,
                })
            })
            .collect()
    }

    /// Ends the session of `account` that `handle` names, never `keep`: true when one ended.
    pub async fn delete_session_by_handle(
        &self,
        account: AccountId,
        handle: &str,
        keep: &SessionId,
    ) -> Result<bool, StoreError> {
        if handle.len() != HANDLE_LEN || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let done = sqlx::query(
            "DELETE FROM sessions WHERE account_id = $1 AND substr(id_hash, 1, $2) = $3 \
             AND id_hash <> $4",
        )
        .bind(account.0)
        .bind(HANDLE_LEN as i64)
        .bind(handle)
        .bind(keep.hash().0)
        .execute(self.pool())
        .await?;
        self.sessions.drop_scope(&account.scope());
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of `account` but `keep`; returns how many ended.
    pub async fn delete_other_sessions(
        &self,
        account: AccountId,
        keep: &SessionId,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2")
            .bind(account.0)
            .bind(keep.hash().0)
            .execute(self.pool())
            .await?;
        self.sessions.drop_scope(&account.scope());
        Ok(done.rows_affected())
    }

    /// The session `id` opens, if stored.
    pub async fn session(&self, id: &SessionId) -> Result<Option<StoredSession>, StoreError> {
        let row = sqlx::query(
            "SELECT account_id, last_seen_at, expires_at, authenticated_at FROM sessions \
             WHERE id_hash = $1",
        )
        .bind(id.hash().0)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(StoredSession {
            account: AccountId(row.try_get("account_id")?),
            last_seen: instant("sessions.last_seen_at", row.try_get("last_seen_at")?)?,
            expires: instant("sessions.expires_at", row.try_get("expires_at")?)?,
            authenticated: instant(
                "sessions.authenticated_at",
                row.try_get("authenticated_at")?,
            )?,
        }))
    }

    /// The session `id` opens and its account: from this instance's memory when it holds them
    /// (see [`super::watched`]), else in one query. `last_seen` may be older than another
    /// instance wrote: [`Store::session`] reads the stored one.
    pub async fn session_with_account(
        &self,
        id: &SessionId,
    ) -> Result<Option<(LiveSession, Account)>, StoreError> {
        let key = id.hash().0;
        if let Some(held) = self.sessions.get(&key) {
            let session = LiveSession {
                last_seen: held.last_seen,
                expires: held.expires,
            };
            return Ok(Some((session, held.account)));
        }
        let ticket = self.sessions.ticket();
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.last_seen_at, s.expires_at FROM sessions s \
             JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(&key)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let session = LiveSession {
            last_seen: instant("sessions.last_seen_at", row.try_get("last_seen_at")?)?,
            expires: instant("sessions.expires_at", row.try_get("expires_at")?)?,
        };
        let account = account(&row)?;
        let held = Held {
            account: account.clone(),
            last_seen: session.last_seen,
            expires: session.expires,
        };
        self.sessions
            .keep(ticket, key, held.account.id.scope(), held);
        Ok(Some((session, account)))
    }

    /// Records a request of the session at `at` (its idle timer starts again).
    pub async fn touch_session(
        &self,
        id: &SessionId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let key = id.hash().0;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(unix(at))
            .bind(&key)
            .execute(self.pool())
            .await?;
        self.sessions.update(&key, |held| held.last_seen = at);
        Ok(())
    }

    /// Records that the session's owner typed the password again at `at`.
    pub async fn reauthenticate_session(
        &self,
        id: &SessionId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET authenticated_at = $1 WHERE id_hash = $2")
            .bind(unix(at))
            .bind(id.hash().0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id: &SessionId) -> Result<(), StoreError> {
        let row = sqlx::query("DELETE FROM sessions WHERE id_hash = $1 RETURNING account_id")
            .bind(id.hash().0)
            .fetch_optional(self.pool())
            .await?;
        if let Some(row) = row {
            self.sessions
                .drop_scope(&AccountId(row.try_get("account_id")?).scope());
        }
        Ok(())
    }
}

impl Tx {
    /// Ends every session of an account (after a password change, or by support); returns how
    /// many ended.
    pub async fn delete_account_sessions(&mut self, account: AccountId) -> Result<u64, StoreError> {
        self.sessions_changed.scope(account.scope());
        let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account.0)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }
}
