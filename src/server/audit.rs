//! The audit trail: security-relevant events (signup, link use, login, password change, approval
//! import, attachments) with their time, SIRET and IP, for support and investigations.
//! `hubpro audit --siret …` prints them. Never holds a secret (no password, no token).

use super::store::{now, Store, StoreError};
use sqlx::Row;

/// What happened. Stored as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A pending account was created.
    Signup,
    /// A signup was tried with an address that already has an account (its owner was told).
    SignupExistingEmail,
    /// An emailed password link was used (« Cliquer ici pour continuer »).
    LinkUsed,
    LoginSucceeded,
    LoginFailed,
    Logout,
    PasswordChanged,
    PasswordResetRequested,
    /// An approval was recorded or changed by an import.
    ApprovalImported,
    EstablishmentAttached,
    EstablishmentDetached,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::SignupExistingEmail => "signup_existing_email",
            Self::LinkUsed => "link_used",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::ApprovalImported => "approval_imported",
            Self::EstablishmentAttached => "establishment_attached",
            Self::EstablishmentDetached => "establishment_detached",
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub siret: Option<&'a str>,
    pub account_id: Option<i64>,
    pub ip: Option<&'a str>,
    pub detail: String,
}

impl<'a> Event<'a> {
    pub fn new(kind: EventKind) -> Self {
        Event {
            kind,
            siret: None,
            account_id: None,
            ip: None,
            detail: String::new(),
        }
    }
    pub fn siret(mut self, siret: &'a str) -> Self {
        self.siret = Some(siret);
        self
    }
    pub fn account(mut self, id: i64) -> Self {
        self.account_id = Some(id);
        self
    }
    pub fn ip(mut self, ip: Option<&'a str>) -> Self {
        self.ip = ip;
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub at: i64,
    pub kind: String,
    pub siret: Option<String>,
    pub account_id: Option<i64>,
    pub ip: Option<String>,
    pub detail: String,
}

// Without a SIRET, the event takes its account's.
const INSERT: &str = "INSERT INTO audit_events (at, kind, siret, account_id, ip, detail) \
                      VALUES ($1, $2, COALESCE($3, (SELECT siret FROM accounts WHERE id = $4)), \
                      $5, $6, $7)";

fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    e: &'q Event<'q>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    // Bounded so a hostile value cannot bloat the table.
    let detail: String = e.detail.chars().take(500).collect();
    query
        .bind(now())
        .bind(e.kind.code())
        .bind(e.siret)
        .bind(e.account_id)
        .bind(e.account_id)
        .bind(e.ip)
        .bind(detail)
}

impl Store {
    /// Records an event inside the caller's transaction: it exists exactly when what it
    /// describes does.
    pub async fn audit_in(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        event: &Event<'_>,
    ) -> Result<(), StoreError> {
        bind(sqlx::query(INSERT), event).execute(&mut **tx).await?;
        Ok(())
    }

    /// Records an event on its own. A failure is logged, not returned: the trail must not turn
    /// a login into an error page.
    pub async fn audit(&self, event: &Event<'_>) {
        if let Err(e) = bind(sqlx::query(INSERT), event).execute(self.pool()).await {
            tracing::error!(error = %e, kind = event.kind.code(), "audit event not recorded");
        }
    }

    /// The events of a SIRET, oldest first.
    pub async fn audit_of(&self, siret: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, kind, siret, account_id, ip, detail FROM audit_events \
             WHERE siret = $1 ORDER BY id",
        )
        .bind(siret)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    at: r.try_get("at")?,
                    kind: r.try_get("kind")?,
                    siret: r.try_get("siret")?,
                    account_id: r.try_get("account_id")?,
                    ip: r.try_get("ip")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}
