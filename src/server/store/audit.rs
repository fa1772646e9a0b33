//! The audit trail: security-relevant events (signup, link use, login, password change, approval
//! import, attachments) with their time, SIRET and IP, for support and investigations.
//! `hubpro audit --siret …` prints them. Never holds a secret (no password, no token).

use super::{instant, unix_now, AccountId, OffsetDateTime, Store, StoreError, Tx};
use crate::domain::Siret;
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
    /// Failed logins from every address reached the account's ceiling; its owner was emailed.
    LoginCeilingReached,
    Logout,
    /// The administrator ended other sessions of the account from its space.
    SessionsEnded,
    PasswordChanged,
    PasswordResetRequested,
    /// An approval was recorded or changed by an import.
    ApprovalImported,
    EstablishmentAttached,
    EstablishmentDetached,
    /// An account ended (expired pending account replaced, released by support).
    AccountEnded,
    /// Support sent a fresh password link to a pending account.
    LinkResent,
    /// The centre's official address was told an account was asked with another address.
    OfficialAddressTold,
    /// A second factor was turned on, off (by the owner or support), or its recovery codes
    /// renewed or used.
    SecondFactorChanged,
    /// The centre downloaded its data (« Télécharger mes données »).
    DataDownloaded,
    /// A handover to a new administrator was asked for (its link sent).
    HandoverStarted,
    /// A waiting handover was cancelled.
    HandoverCancelled,
    /// The new administrator set a password: the account changed hands.
    HandedOver,
    /// « Je n'ai plus accès à l'adresse du compte »: the official address was sent its link.
    HandoverRequested,
    /// An account without a login for long was told it will be closed.
    InactivityNotice,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::SignupExistingEmail => "signup_existing_email",
            Self::LinkUsed => "link_used",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginCeilingReached => "login_ceiling_reached",
            Self::Logout => "logout",
            Self::SessionsEnded => "sessions_ended",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::ApprovalImported => "approval_imported",
            Self::EstablishmentAttached => "establishment_attached",
            Self::EstablishmentDetached => "establishment_detached",
            Self::AccountEnded => "account_ended",
            Self::LinkResent => "link_resent",
            Self::OfficialAddressTold => "official_address_told",
            Self::SecondFactorChanged => "second_factor_changed",
            Self::DataDownloaded => "data_downloaded",
            Self::HandoverStarted => "handover_started",
            Self::HandoverCancelled => "handover_cancelled",
            Self::HandedOver => "handed_over",
            Self::HandoverRequested => "handover_requested",
            Self::InactivityNotice => "inactivity_notice",
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub siret: Option<&'a Siret>,
    pub account_id: Option<AccountId>,
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
    pub fn siret(mut self, siret: &'a Siret) -> Self {
        self.siret = Some(siret);
        self
    }
    pub fn account(mut self, id: AccountId) -> Self {
        self.account_id = Some(id);
        self
    }
    /// The client's address (anything that reads as text: the HTTP layer's `ClientIp`).
    pub fn ip(mut self, ip: &'a (impl AsRef<str> + ?Sized)) -> Self {
        self.ip = Some(ip.as_ref());
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// An event as stored (the operator prints it as is: its kind is kept as the stored code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub at: OffsetDateTime,
    pub kind: String,
    pub account_id: Option<AccountId>,
    pub ip: Option<String>,
    pub detail: String,
}

// Without a SIRET, the event takes its account's.
const INSERT: &str = "INSERT INTO audit_events (at, kind, siret, account_id, ip, detail) \
                      VALUES ($1, $2, COALESCE($3, (SELECT siret FROM accounts WHERE id = $4)), \
                      $4, $5, $6)";

fn insert<'q>(e: &'q Event<'q>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    // Bounded so a hostile value cannot bloat the table.
    let detail: String = e.detail.chars().take(500).collect();
    sqlx::query(INSERT)
        .bind(unix_now())
        .bind(e.kind.code())
        .bind(e.siret.map(Siret::as_digits))
        .bind(e.account_id.map(|a| a.0))
        .bind(e.ip)
        .bind(detail)
}

impl Tx {
    /// Records an event: it exists exactly when what it describes does.
    pub async fn audit(&mut self, event: &Event<'_>) -> Result<(), StoreError> {
        insert(event).execute(self.conn()).await?;
        Ok(())
    }
}

impl Store {
    /// Records an event on its own. A failure is logged, not returned: the trail must not turn
    /// a login into an error page.
    pub async fn audit(&self, event: &Event<'_>) {
        if let Err(e) = insert(event).execute(self.pool()).await {
            tracing::error!(error = %e, kind = event.kind.code(), "audit event not recorded");
        }
    }

    /// The events of a SIRET, oldest first.
    pub async fn audit_of(&self, siret: &Siret) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, kind, account_id, ip, detail FROM audit_events \
             WHERE siret = $1 ORDER BY id",
        )
        .bind(siret.as_digits())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let account: Option<i64> = r.try_get("account_id")?;
                Ok(StoredEvent {
                    at: instant("audit_events.at", r.try_get("at")?)?,
                    kind: r.try_get("kind")?,
                    account_id: account.map(AccountId),
                    ip: r.try_get("ip")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}
