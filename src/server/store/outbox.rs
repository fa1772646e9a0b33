//! The outbox table: emails written with what caused them, then sent by the worker.

use super::{instant, unix, unix_now, Duration, OffsetDateTime, Store, StoreError, Tx};
use sqlx::Row;

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The sender's display name, when not the configured one (same address).
    pub sender_name: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An email stored in the outbox.
#[derive(Clone, Debug)]
pub struct StoredEmail {
    pub id: i64,
    pub email: OutgoingEmail,
    pub attempts: i64,
    pub sent_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The outbox at a glance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub waiting: i64,
    pub failed: i64,
    pub sent: i64,
}

/// An email still in the outbox, as the operator sees it.
#[derive(Clone, Debug)]
pub struct UnsentEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    /// Never sendable: no longer retried.
    pub abandoned: bool,
}

impl Tx {
    /// Queues an email, sent once the transaction commits.
    pub async fn enqueue_email(&mut self, email: &OutgoingEmail) -> Result<(), StoreError> {
        let t = unix_now();
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, text_body, html_body, created_at, \
             next_attempt_at, attempts, sender_name) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(&email.to)
        .bind(&email.subject)
        .bind(&email.text)
        .bind(&email.html)
        .bind(t)
        .bind(t)
        .bind(email.sender_name.as_deref())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Store {
    /// The ids and due times of up to `limit` emails due now, oldest first.
    pub async fn due_emails(&self, limit: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, next_attempt_at FROM outbox WHERE sent_at IS NULL \
             AND abandoned_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(unix_now())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("next_attempt_at")?)))
            .collect()
    }

    /// Reserves one due email for `seconds` (compare-and-set on its due time: one instance
    /// wins) and returns it; `None` when another instance took it.
    pub async fn claim_email(
        &self,
        id: i64,
        due: i64,
        claim: Duration,
    ) -> Result<Option<StoredEmail>, StoreError> {
        // The claim and the read in one round trip.
        let row = sqlx::query(&format!(
            "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL \
             AND abandoned_at IS NULL AND next_attempt_at = $3 RETURNING {STORED_COLUMNS}"
        ))
        .bind(unix_now() + claim.whole_seconds())
        .bind(id)
        .bind(due)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| stored(&r)).transpose()
    }

    async fn stored_email(&self, id: i64) -> Result<Option<StoredEmail>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {STORED_COLUMNS} FROM outbox WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| stored(&r)).transpose()
    }

    /// Marks an email sent; unless the mailbox is this database (dev mailbox), its bodies go:
    /// the links they hold must not stay readable once delivered.
    pub async fn mark_sent(&self, id: i64, keep_bodies: bool) -> Result<(), StoreError> {
        let sql = if keep_bodies {
            "UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2"
        } else {
            "UPDATE outbox SET sent_at = $1, last_error = NULL, text_body = '', html_body = '' \
             WHERE id = $2"
        };
        sqlx::query(sql)
            .bind(unix_now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed try; the next one is due at `next`.
    pub async fn mark_failed(
        &self,
        id: i64,
        attempts: i64,
        error: &str,
        next: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
        )
        .bind(attempts + 1)
        .bind(unix(next))
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Gives up on an email that can never be sent; it stays listed as failed.
    pub async fn mark_abandoned(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET abandoned_at = $1, attempts = attempts + 1, last_error = $2 \
             WHERE id = $3",
        )
        .bind(unix_now())
        .bind(error)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The most recent emails, newest first (dev mailbox, operator tools, tests).
    pub async fn recent_emails(&self, limit: i64) -> Result<Vec<StoredEmail>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, recipient, subject, text_body, html_body, attempts, sent_at, created_at, sender_name \
             FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored).collect()
    }

    /// Emails not sent yet, oldest first, with their last error (operator status).
    pub async fn unsent_emails(&self) -> Result<Vec<UnsentEmail>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, recipient, subject, attempts, created_at, next_attempt_at, last_error, \
             abandoned_at FROM outbox WHERE sent_at IS NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnsentEmail {
                    id: r.try_get("id")?,
                    to: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    attempts: r.try_get("attempts")?,
                    created_at: instant("outbox.created_at", r.try_get("created_at")?)?,
                    next_attempt_at: instant(
                        "outbox.next_attempt_at",
                        r.try_get("next_attempt_at")?,
                    )?,
                    last_error: r.try_get("last_error")?,
                    abandoned: r.try_get::<Option<i64>, _>("abandoned_at")?.is_some(),
                })
            })
            .collect()
    }

    /// How many emails wait for a first try, wait after a failure, and were sent.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts = 0 THEN 1 ELSE 0 END), 0) \
             AS waiting, \
             COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END), 0) \
             AS failed, \
             COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS sent \
             FROM outbox",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(OutboxCounts {
            waiting: row.try_get("waiting")?,
            failed: row.try_get("failed")?,
            sent: row.try_get("sent")?,
        })
    }

    /// How many emails were sent.
    pub async fn count_sent_emails(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Makes failed emails (one, or all) due now; a running server sends them within seconds.
    /// Rows never tried are left alone: they may be in flight.
    pub async fn retry_failed_emails(&self, id: Option<i64>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 WHERE sent_at IS NULL AND attempts > 0 \
             AND abandoned_at IS NULL AND ($2 = 0 OR id = $3)",
        )
        .bind(unix_now())
        .bind(id.unwrap_or(0))
        .bind(id.unwrap_or(0))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn email_by_id(&self, id: i64) -> Result<Option<StoredEmail>, StoreError> {
        self.stored_email(id).await
    }
}

/// What [`stored`] reads.
const STORED_COLUMNS: &str =
    "id, recipient, subject, text_body, html_body, attempts, sent_at, created_at, sender_name";

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredEmail, StoreError> {
    Ok(StoredEmail {
        id: row.try_get("id")?,
        email: OutgoingEmail {
            sender_name: row.try_get("sender_name")?,
            to: row.try_get("recipient")?,
            subject: row.try_get("subject")?,
            text: row.try_get("text_body")?,
            html: row.try_get("html_body")?,
        },
        attempts: row.try_get("attempts")?,
        sent_at: row
            .try_get::<Option<i64>, _>("sent_at")?
            .map(|t| instant("outbox.sent_at", t))
            .transpose()?,
        created_at: instant("outbox.created_at", row.try_get("created_at")?)?,
    })
}
