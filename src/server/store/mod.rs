//! Storage: one sqlx pool over SQLite (embedded default) or PostgreSQL, chosen by `DATABASE_URL`.
//! Queries are written once in the SQL both dialects share; schemas differ only in `migrations/`.

//!
//! All SQL of the application lives under this module, one file per table family. Reads that
//! stand alone are methods of [`Store`]; writes that must happen together are methods of [`Tx`],
//! one transaction, committed once. Rows are parsed back into domain types: a row that does not
//! parse is [`StoreError::Corrupt`], never a default.

mod accounts;
mod approvals;
mod attachments;
mod audit;
mod budgets;
mod devices;
mod factors;
mod handovers;
mod holds;
mod outbox;
mod passkeys;
mod retention;
mod secrets;
mod sessions;
mod throttle;
mod tokens;
mod watched;

pub use accounts::{
    Account, AccountId, AccountState, EndReason, EndedAccount, Inactive, NewAccount,
    OfficialNotice, SiretStanding,
};
pub use approvals::Approval;
pub use attachments::AttachmentOwner;
pub use audit::{Event, EventKind, StoredEvent};
pub use budgets::now_ms;
pub use devices::DEVICE_LIFETIME;
pub use factors::{CodeHash, FactorSummary, Sealed, TotpFactor};
pub use handovers::{Handover, HandoverOrigin, Successor};
pub use outbox::{OutboxCounts, OutgoingEmail, StoredEmail, UnsentEmail};
pub use passkeys::{Ceremony, StoredPasskey};
pub use retention::{Purged, Retention};
pub use secrets::{DeviceKey, LinkToken, SessionId, TokenHash};
pub use sessions::{LiveSession, SessionEntry, SessionLifetimes, SessionOrigin, StoredSession};
pub use throttle::{Policy, Turn};
pub use time::{Duration, OffsetDateTime};
pub use tokens::LinkPurpose;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Connection};
use std::str::FromStr;
use std::sync::Arc;
use watched::{Changes, Watched};

/// Which SQL database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique rule broken: {0:?}")]
    Conflict(Unique),
    #[error("stored value does not parse ({column}): {detail}")]
    Corrupt {
        column: &'static str,
        detail: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the SQLite folder: {0}")]
    Folder(#[from] std::io::Error),
}

/// The uniqueness rule a write broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unique {
    /// One account per SIRET.
    AccountSiret,
    /// One account per address.
    AccountEmail,
    /// One active attachment per SIRET.
    ActiveAttachment,
}

/// The unique constraints, as PostgreSQL names them and as SQLite reports them (SQLite gives no
/// constraint name, only `UNIQUE constraint failed: table.column`).
const UNIQUE_CONSTRAINTS: [(&str, &str, Unique); 3] = [
    ("accounts_siret_key", "accounts.siret", Unique::AccountSiret),
    (
        "accounts_email_identity_key",
        "accounts.email_identity",
        Unique::AccountEmail,
    ),
    (
        "attachments_active_siret",
        "attachments.siret",
        Unique::ActiveAttachment,
    ),
];

/// A value read back that does not parse into its domain type.
pub(crate) fn corrupt(column: &'static str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        column,
        detail: detail.to_string(),
    }
}

/// Handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// Live sessions this instance has read, with their accounts, shared by its clones.
    sessions: Arc<Watched<sessions::Held>>,
    /// Approvals by SIRET, as this instance has read them.
    approvals: Arc<Watched<Vec<Approval>>>,
}

/// A pooled connection idle this long is pinged before it is handed out (the database may have
/// restarted or dropped it meanwhile).
const CHECK_IDLE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

impl Store {
    /// Connects (creating the SQLite file and its folder when missing) and runs the migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if url.starts_with("sqlite:") {
            (Dialect::Sqlite, prepare_sqlite(url)?)
        } else {
            (Dialect::Postgres, url.to_owned())
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite { 4 } else { 10 })
            .acquire_timeout(std::time::Duration::from_secs(5))
            // A connection that came back moments ago is alive: only one idle for a while is
            // checked before use (sqlx's default pings at every acquire, a round trip before
            // each statement outside a transaction: a fifth of a signup's).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for < CHECK_IDLE_AFTER {
                        return Ok(true);
                    }
                    // An error closes it without a goodbye, and says so in the log.
                    conn.ping().await.map(|()| true)
                })
            })
            // A transaction cut off by a dropped request is rolled back when its connection comes
            // back (the ping runs after the queued rollback). If that rollback failed, the
            // connection is still inside the transaction: it is closed rather than handed to the
            // next request (on SQLite it would hold the write lock and refuse every transaction:
            // seen under the journey load test).
            .after_release(|conn, _| {
                Box::pin(async move {
                    if !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // The busy timeout first (even the switch to WAL may wait for another
                        // connection): concurrent writers wait their turn instead of failing.
                        // WAL lets readers work during a write.
                        for pragma in [
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = NORMAL",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            dialect,
            sessions: Arc::new(Watched::new("session_changes", true)),
            approvals: Arc::new(Watched::new("approval_changes", false)),
        };
        store.migrate().await?;
        watched::watch(store.pool.clone(), Arc::downgrade(&store.sessions));
        watched::watch(store.pool.clone(), Arc::downgrade(&store.approvals));
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.dialect {
            Dialect::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Dialect::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads then writes would otherwise fail with "database is locked" when
    /// another connection writes in between, instead of waiting its turn. Writing transactions
    /// thus run one at a time there; on PostgreSQL, those that must take turns lock a row
    /// ([`Tx::lock_account`]).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            tx,
            dialect: self.dialect,
            sessions: self.sessions.clone(),
            approvals: self.approvals.clone(),
            sessions_changed: Changes::default(),
            approvals_changed: false,
        })
    }

    /// Whether the database answers (for the health check).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Writes that belong together: nothing is visible to others before [`Tx::commit`], and
/// dropping a `Tx` without committing undoes everything.
pub struct Tx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    dialect: Dialect,
    sessions: Arc<Watched<sessions::Held>>,
    approvals: Arc<Watched<Vec<Approval>>>,
    /// The accounts whose sessions it ends or whose row it changes: this instance forgets what
    /// it holds of them at commit (the others see `session_changes` move).
    sessions_changed: Changes,
    /// The same for approvals (an import).
    approvals_changed: bool,
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        self.sessions.drop_changes(&self.sessions_changed);
        if self.approvals_changed {
            self.approvals.drop_all();
        }
        Ok(())
    }

    fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Runs a statement as written: for tests that damage rows on purpose.
    #[doc(hidden)]
    pub async fn execute_raw(&mut self, sql: &str) -> Result<u64, StoreError> {
        self.sessions_changed.everything();
        self.approvals_changed = true;
        Ok(sqlx::query(sql).execute(self.conn()).await?.rows_affected())
    }
}

/// Creates the SQLite file's folder and asks SQLite to create the file itself.
fn prepare_sqlite(url: &str) -> Result<String, StoreError> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)?;
            }
        }
    }
    Ok(if url.contains('?') {
        url.to_owned()
    } else {
        format!("{url}?mode=rwc")
    })
}

/// The current instant, to the second (what the store keeps).
pub fn now() -> OffsetDateTime {
    instant_of(unix_now()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Seconds since the Unix epoch: how every timestamp is stored (same type on both dialects).
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// An instant as stored.
fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn instant_of(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).ok()
}

/// A stored instant read back: one out of range is a corrupt row, never a default.
fn instant(column: &'static str, unix: i64) -> Result<OffsetDateTime, StoreError> {
    instant_of(unix).ok_or_else(|| corrupt(column, format!("{unix} is no instant")))
}

/// Maps a unique-constraint failure to the rule it broke; any other error stays a database error.
fn conflict_or(err: sqlx::Error) -> StoreError {
    let broken = match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let sqlite_column = db.message().strip_prefix("UNIQUE constraint failed: ");
            UNIQUE_CONSTRAINTS
                .iter()
                .find(|(name, column, _)| {
                    db.constraint() == Some(*name) || sqlite_column == Some(*column)
                })
                .map(|(_, _, rule)| *rule)
        }
        _ => None,
    };
    match broken {
        Some(rule) => StoreError::Conflict(rule),
        None => StoreError::Database(err),
    }
}
