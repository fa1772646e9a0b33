//! The audit trail's table.

use super::{now, AccountId, Store, StoreError, Tx};
use crate::domain::Siret;
use crate::server::audit::Event;
use sqlx::Row;

/// An event as stored (the operator prints it as is: its kind is kept as the stored code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub at: i64,
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
        .bind(now())
        .bind(e.kind.code())
        .bind(e.siret.map(Siret::as_digits))
        .bind(e.account_id.map(|a| a.0))
        .bind(e.ip.map(|ip| ip.as_str()))
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
                    at: r.try_get("at")?,
                    kind: r.try_get("kind")?,
                    account_id: account.map(AccountId),
                    ip: r.try_get("ip")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}
