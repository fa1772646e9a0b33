//! Counters that slow down guessing. The policies are the caller's, handed in as values.

use super::{unix_now, Duration, Store, StoreError};
use sqlx::Row;

/// A kind of counted attempt.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Attempts allowed before waits begin.
    pub free: i64,
    /// First wait; doubled at each further attempt.
    pub first_wait: Duration,
    /// Longest wait.
    pub max_wait: Duration,
}

impl Policy {
    /// The policy of a network holding `share` times as many clients (an IPv6 /56 holds the
    /// /64s of one subscriber): as many times the free attempts.
    pub const fn times(self, share: u32) -> Policy {
        Policy {
            free: self.free * share as i64,
            ..self
        }
    }

    /// Wait imposed after the `n`-th counted attempt.
    pub fn wait_after(&self, n: i64) -> Duration {
        if n < self.free {
            Duration::ZERO
        } else {
            let doublings = (n - self.free).clamp(0, 20) as u32;
            (self.first_wait * 2_i32.pow(doublings)).min(self.max_wait)
        }
    }
}

/// The result of asking for a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// The `n`-th attempt counted in the current window.
    Granted(i64),
    /// Try again in this many seconds.
    Wait(i64),
}

/// Seconds without attempts after which the count starts again.
const FORGET_AFTER: i64 = 3600;

impl Store {
    /// Counts an attempt for `key` and says whether it may proceed.
    pub async fn take_turn(&self, key: &str, policy: Policy) -> Result<Turn, StoreError> {
        let t = unix_now();
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
            .bind(t + policy.wait_after(next).whole_seconds())
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
        let t = unix_now();
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
