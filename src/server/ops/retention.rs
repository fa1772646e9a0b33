//! The periodic purge of what the database no longer needs (see [`Store::purge`]): run by the
//! server every hour, and by `hubpro purge` on demand. Several instances purging at once is
//! harmless: each step is a single idempotent statement.

use crate::server::config::Lifecycle;
use crate::server::store::{now, Retention, Store};
use std::time::Duration;
use tokio::sync::watch;

const EVERY: Duration = Duration::from_secs(3600);

/// What is kept and for how long: the audit trail as configured, the rest by the lifetimes of
/// sessions and links.
pub fn policy(audit_days: u32, lifecycle: &Lifecycle) -> Retention {
    Retention {
        audit_days,
        closed_days: lifecycle.closed_retention_days,
        session_idle: crate::server::accounts::sessions::LIFETIMES.idle,
        longest_emailed_link: crate::server::accounts::tokens::LONGEST_EMAILED_LINK_TTL,
    }
}

/// What the hourly run needs beyond the retention: the inactive accounts' periods, and what
/// their emails name.
pub struct Housekeeping {
    pub lifecycle: Lifecycle,
    pub public_url: crate::routes::PublicUrl,
    pub support: String,
}

/// Purges (and tells or closes inactive accounts) at start, then every hour, until `stop`
/// turns true.
pub fn spawn_purger(
    store: Store,
    retention: Retention,
    housekeeping: Housekeeping,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let links = (&housekeeping.public_url, housekeeping.support.as_str());
            match super::inactivity::sweep(&store, &housekeeping.lifecycle, links, now()).await {
                Ok(swept) if swept != Default::default() => {
                    tracing::info!(?swept, "inactive accounts told or closed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "inactive accounts not swept, will try again"),
            }
            match store.purge(retention, now()).await {
                Ok(purged) => tracing::info!(?purged, "purge done"),
                Err(e) => tracing::warn!(error = %e, "purge failed, will try again"),
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    })
}
