//! The outbox: emails are written in the same transaction as what caused them, then a worker
//! sends them, retrying with backoff. An instance claims a row before sending it, so several
//! instances on one database send each email once.

use crate::server::mail::mailer::{MailError, Mailer};
use crate::server::store::{Duration as StoredDuration, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Longest time one delivery may take (lettre's own timeout applies to each SMTP command).
const SEND_DEADLINE: Duration = Duration::from_secs(60);
/// How long a claimed row is reserved for the instance sending it: each row is claimed just
/// before its own delivery, so the claim only has to outlast one bounded send.
pub const CLAIM: StoredDuration = StoredDuration::seconds(2 * SEND_DEADLINE.as_secs() as i64);
/// Rows looked at per pass.
const BATCH: i64 = 20;

/// The wait before the next try after `attempts` failures: 5 s, 10 s, 20 s… capped at 15 min.
pub fn backoff(attempts: i64) -> StoredDuration {
    let doublings = attempts.clamp(0, 10) as u32;
    (StoredDuration::seconds(5) * 2_i32.pow(doublings)).min(StoredDuration::minutes(15))
}

fn next_try(attempts: i64) -> crate::server::store::OffsetDateTime {
    crate::server::store::now() + backoff(attempts)
}

/// Sends what is due once; returns how many were sent.
pub async fn deliver_due(store: &Store, mailer: &dyn Mailer) -> Result<usize, StoreError> {
    let mut sent = 0;
    for (id, due) in store.due_emails(BATCH).await? {
        // Another instance may have taken it since the listing.
        let Some(item) = store.claim_email(id, due, CLAIM).await? else {
            continue;
        };
        let outcome = tokio::time::timeout(SEND_DEADLINE, mailer.send(&item.email))
            .await
            .unwrap_or_else(|_| Err(MailError::Delivery("no answer in time".into())));
        match outcome {
            Ok(()) => {
                store.mark_sent(item.id, mailer.keeps_copies()).await?;
                metrics::counter!("hubpro_emails_sent_total").increment(1);
                sent += 1;
            }
            Err(e @ MailError::Invalid(_)) => {
                metrics::counter!("hubpro_email_failures_total").increment(1);
                tracing::error!(id = item.id, error = %e, "email can never be sent: abandoned");
                store.mark_abandoned(item.id, &e.to_string()).await?;
            }
            Err(e) => {
                metrics::counter!("hubpro_email_failures_total").increment(1);
                tracing::warn!(id = item.id, attempts = item.attempts + 1, error = %e, "email not sent, will retry");
                store
                    .mark_failed(
                        item.id,
                        item.attempts,
                        &e.to_string(),
                        next_try(item.attempts),
                    )
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// Runs the outbox until `stop` turns true: wakes when an email is queued, and every few seconds
/// for retries. A pass under way finishes before it stops, so no email is left half-handled.
pub fn spawn_worker(
    store: Store,
    mailer: Arc<dyn Mailer>,
    wake: Arc<Notify>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&store, mailer.as_ref()).await {
                tracing::error!(error = %e, "outbox pass failed");
            }
            tokio::select! {
                _ = wake.notified() => {},
                _ = tokio::time::sleep(Duration::from_secs(2)) => {},
                _ = stop.changed() => {},
            }
            if *stop.borrow() {
                tracing::info!("outbox stopped");
                return;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::mail::mailer::OutgoingEmail;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A mailer that refuses every message as invalid, counting the tries.
    #[derive(Debug, Default)]
    struct Refusing(AtomicUsize);

    #[async_trait::async_trait]
    impl Mailer for Refusing {
        async fn send(&self, _: &OutgoingEmail) -> Result<(), MailError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Err(MailError::Invalid("recipient: not an address".into()))
        }
    }

    #[tokio::test]
    async fn an_email_that_can_never_be_sent_is_abandoned_not_retried() {
        let dir = std::env::temp_dir().join(format!("hubpro-outbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&format!("sqlite://{}/outbox.db", dir.display()))
            .await
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.enqueue_email(&OutgoingEmail {
            sender_name: None,
            to: "pas une adresse".into(),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mailer = Refusing::default();
        assert_eq!(deliver_due(&store, &mailer).await.unwrap(), 0);
        let unsent = store.unsent_emails().await.unwrap();
        assert_eq!(unsent.len(), 1);
        assert!(unsent[0].abandoned);
        assert_eq!(unsent[0].attempts, 1);
        assert!(unsent[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("recipient"));
        // Neither the worker's next passes nor `outbox retry --all` try it again.
        assert_eq!(store.retry_failed_emails(None).await.unwrap(), 0);
        deliver_due(&store, &mailer).await.unwrap();
        assert_eq!(mailer.0.load(Ordering::SeqCst), 1);
        assert_eq!(store.outbox_counts().await.unwrap().failed, 1);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_claim_outlasts_one_bounded_send() {
        assert!(CLAIM.whole_seconds() > SEND_DEADLINE.as_secs() as i64);
    }

    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(backoff(0).whole_seconds(), 5);
        assert_eq!(backoff(1).whole_seconds(), 10);
        assert_eq!(backoff(3).whole_seconds(), 40);
        assert_eq!(backoff(20).whole_seconds(), 900);
    }
}
