//! What the database keeps, and for how long: expired sessions, dead links, old counters and the
//! bodies of emails (they hold links) once sent or once their links are dead go; audit events stay
//! for the configured period.

use super::devices::DEVICE_LIFETIME;
use super::{unix, Duration, OffsetDateTime, Store, StoreError};

/// How long things are kept: the caller's policies, handed in as values.
#[derive(Clone, Copy, Debug)]
pub struct Retention {
    pub audit_days: u32,
    /// Days a closed account's address is kept (in `ended_accounts`) after its closure.
    pub closed_days: u32,
    /// A session unused this long has ended.
    pub session_idle: Duration,
    /// The longest any emailed link stays valid: an email older than this holds dead links.
    pub longest_emailed_link: Duration,
}

/// A used or expired link stays a day, so a second click still reads « déjà utilisé ».
const DEAD_LINK_GRACE: Duration = Duration::days(1);
/// Counters untouched for an hour are back to their start anyway.
const IDLE_COUNTER: Duration = Duration::hours(1);
/// The dev mailbox shows sent emails for a week; SMTP deliveries are emptied when sent.
const SENT_BODY: Duration = Duration::days(7);

/// A contest keeps its SIRET for the official address for 30 days; a day more, as for links.
const CONTEST_KEPT: Duration = Duration::days(31);

/// How many rows each purge step removed or emptied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub links: u64,
    pub counters: u64,
    /// Bodies of sent emails.
    pub email_bodies: u64,
    /// Bodies of emails never delivered, whose links are dead.
    pub undelivered_email_bodies: u64,
    pub emails: u64,
    pub audit_events: u64,
    pub insee_answers: u64,
    /// Ended accounts (their address and password hash) kept for support past the retention,
    /// and closed or handed-over ones past theirs.
    pub ended_accounts: u64,
    /// Browsers that have not logged in for a year.
    pub known_devices: u64,
    /// Passkey ceremonies never finished.
    pub passkey_ceremonies: u64,
    /// Handovers never accepted (the successor's name and address).
    pub handovers: u64,
}

impl Store {
    /// Removes what is no longer needed, as of `now`.
    pub async fn purge(
        &self,
        retention: Retention,
        now: OffsetDateTime,
    ) -> Result<Purged, StoreError> {
        let now = unix(now);
        // An email never delivered (failed, or abandoned) keeps its bodies while a link in it
        // may live, so that a retry still sends a working link; a day later (as for dead links)
        // they go, and the email is no longer retried (it would go out empty). Counted from the
        // email's creation: its links were made in the same transaction.
        let undelivered_body = (retention.longest_emailed_link + DEAD_LINK_GRACE).whole_seconds();
        let audit_cutoff = now - i64::from(retention.audit_days) * 86_400;
        let steps: [(&str, Vec<i64>); 18] = [
            (
                "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                vec![now, now - retention.session_idle.whole_seconds()],
            ),
            (
                "DELETE FROM tokens WHERE (used_at IS NOT NULL AND used_at <= $1) OR expires_at <= $1",
                vec![now - DEAD_LINK_GRACE.whole_seconds()],
            ),
            (
                "DELETE FROM throttle WHERE updated_at <= $1 AND blocked_until <= $2",
                vec![now - IDLE_COUNTER.whole_seconds(), now],
            ),
            (
                "DELETE FROM rate_buckets WHERE at_ms <= $1",
                vec![(now - IDLE_COUNTER.whole_seconds()) * 1000],
            ),
            (
                "DELETE FROM insee_calls WHERE at_ms <= $1",
                vec![(now - 60) * 1000],
            ),
            (
                "UPDATE outbox SET text_body = '', html_body = '' WHERE sent_at IS NOT NULL \
                 AND sent_at <= $1 AND (text_body <> '' OR html_body <> '')",
                vec![now - SENT_BODY.whole_seconds()],
            ),
            (
                "UPDATE outbox SET text_body = '', html_body = '', \
                 abandoned_at = COALESCE(abandoned_at, $2) WHERE sent_at IS NULL \
                 AND (attempts > 0 OR abandoned_at IS NOT NULL) AND created_at <= $1 \
                 AND (text_body <> '' OR html_body <> '')",
                vec![now - undelivered_body, now],
            ),
            (
                "DELETE FROM outbox WHERE sent_at <= $1 OR abandoned_at <= $1",
                vec![audit_cutoff],
            ),
            ("DELETE FROM audit_events WHERE at <= $1", vec![audit_cutoff]),
            (
                "DELETE FROM insee_answers WHERE expires_at <= $1",
                vec![now],
            ),
            (
                "DELETE FROM ended_accounts WHERE ended_at <= $1 OR (ended_at <= $2 \
                 AND reason IN ('closed', 'inactive', 'handed_over'))",
                vec![audit_cutoff, now - i64::from(retention.closed_days) * 86_400],
            ),
            (
                "DELETE FROM known_devices WHERE last_used_at <= $1",
                vec![now - DEVICE_LIFETIME.whole_seconds()],
            ),
            (
                "DELETE FROM siret_holds WHERE until <= $1 AND link_until <= $1",
                vec![now],
            ),
            (
                "DELETE FROM contests WHERE contested_at <= $1",
                vec![now - CONTEST_KEPT.whole_seconds()],
            ),
            (
                "DELETE FROM webauthn_ceremonies WHERE expires_at <= $1",
                vec![now],
            ),
            ("DELETE FROM handovers WHERE expires_at <= $1", vec![now]),
            // Instances look at it every fraction of a second: a day of it is plenty. Only the
            // oldest rows, by number: a purge then always moves the lowest number, and the
            // instances drop all they hold (on PostgreSQL `at` is a transaction's start, so
            // purging by it alone could take a row in the middle and, with a change committed
            // late, leave the count as the instances expect; see `watched::Watched::looked`).
            (
                "DELETE FROM session_changes WHERE n <= \
                 (SELECT MAX(n) FROM session_changes WHERE at <= $1)",
                vec![now - 86_400],
            ),
            (
                "DELETE FROM approval_changes WHERE n <= \
                 (SELECT MAX(n) FROM approval_changes WHERE at <= $1)",
                vec![now - 86_400],
            ),
        ];
        let mut counts = [0u64; 18];
        for (i, (sql, binds)) in steps.iter().enumerate() {
            let mut query = sqlx::query(sql);
            for b in binds {
                query = query.bind(*b);
            }
            counts[i] = query.execute(self.pool()).await?.rows_affected();
        }
        Ok(Purged {
            sessions: counts[0],
            links: counts[1],
            counters: counts[2]
                + counts[3]
                + counts[4]
                + counts[12]
                + counts[13]
                + counts[16]
                + counts[17],
            email_bodies: counts[5],
            undelivered_email_bodies: counts[6],
            emails: counts[7],
            audit_events: counts[8],
            insee_answers: counts[9],
            ended_accounts: counts[10],
            known_devices: counts[11],
            passkey_ceremonies: counts[14],
            handovers: counts[15],
        })
    }
}
