//! Counters that slow down guessing ([`crate::server::throttle`] holds the policies).

use super::{now, Store, StoreError};
use crate::server::throttle::{Policy, Turn};
use sqlx::Row;

/// Seconds without attempts after which the count starts again.
const FORGET_AFTER: i64 = 3600;

impl Store {
    /// Counts an attempt for `key` and says whether it may proceed.
    pub async fn take_turn(&self, key: &str, policy: Policy) -> Result<Turn, StoreError> {
        let t = now();
        sqlx::query(
            "INSERT INTO throttle (key, failures, blocked_until, updated_at) VALUES ($1, 0, 0, $2) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(t)
        .execute(self.pool())
        .await?;
        for _ in 0..5 {
            let row = sqlx::query(
                "SELECT failures, blocked_until, updated_at FROM throttle WHERE key = $1",
            )
            .bind(key)
            .fetch_one(self.pool())
            .await?;
            let failures: i64 = row.try_get("failures")?;
            let blocked_until: i64 = row.try_get("blocked_until")?;
            let updated_at: i64 = row.try_get("updated_at")?;
            if blocked_until > t {
                return Ok(Turn::Wait(blocked_until - t));
            }
            // Old attempts are forgotten after a quiet period.
            let next = if t - updated_at > FORGET_AFTER {
                1
            } else {
                failures + 1
            };
            let claimed = sqlx::query(
                "UPDATE throttle SET failures = $1, blocked_until = $2, updated_at = $3 \
                 WHERE key = $4 AND failures = $5",
            )
            .bind(next)
            .bind(t + policy.wait_after(next))
            .bind(t)
            .bind(key)
            .bind(failures)
            .execute(self.pool())
            .await?;
            if claimed.rows_affected() == 1 {
                return Ok(Turn::Granted(next));
            }
        }
        // Heavy contention on one key: treat as a short wait rather than let it through.
        Ok(Turn::Wait(1))
    }

    /// The wait `key` is under, without counting an attempt.
    pub async fn current_wait(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let t = now();
        let row = sqlx::query("SELECT blocked_until FROM throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let blocked_until: i64 = row.try_get("blocked_until")?;
        Ok((blocked_until > t).then_some(blocked_until - t))
    }

    /// Forgets the attempts of `key` (after a successful login).
    pub async fn reset_turns(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE throttle SET failures = 0, blocked_until = 0 WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
