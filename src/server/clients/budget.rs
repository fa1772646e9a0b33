//! Per-client request budgets for the endpoints anyone can call without an account (eligibility
//! checks, signups): a token bucket per client address. On PostgreSQL, where several instances may
//! serve, the buckets live in the database; one SQLite instance keeps them in memory. Login and
//! « Mot de passe oublié » have their own slowing-down, shared through the database
//! (`accounts::throttle`).

use crate::server::clients::ClientIp;
use crate::server::store::{now_ms, Dialect, Store};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A budget of `per_minute` requests per client, in bursts of as many.
#[derive(Debug)]
pub enum Budget {
    Local(RateLimiter),
    Shared {
        store: Store,
        scope: &'static str,
        per_minute: u32,
    },
}

impl Budget {
    /// Shared through the database when it can be shared by several instances.
    pub fn new(store: &Store, scope: &'static str, per_minute: u32) -> Self {
        match store.dialect() {
            Dialect::Sqlite => Budget::Local(RateLimiter::new(per_minute)),
            Dialect::Postgres => Budget::Shared {
                store: store.clone(),
                scope,
                per_minute,
            },
        }
    }

    /// Takes one request from `client`'s budget (for IPv6, from its /64's and its /56's);
    /// `Err(seconds)` to wait when one is spent.
    pub async fn take(&self, client: &ClientIp) -> Result<(), i64> {
        for (key, share) in client.budget_keys() {
            match self {
                Budget::Local(limiter) => limiter.take(&key, share)?,
                Budget::Shared {
                    store,
                    scope,
                    per_minute,
                } => {
                    let key = format!("{scope}:{key}");
                    store
                        .take_shared_token(&key, per_minute * share, now_ms())
                        .await
                        // The database being down shows elsewhere; a budget never refuses for it.
                        .unwrap_or_else(|e| {
                            tracing::error!(error = %e, "shared budget unavailable");
                            Ok(())
                        })?
                }
            }
        }
        Ok(())
    }
}

/// Beyond this many tracked addresses, full buckets are forgotten.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Allows `per_minute` requests per address, in bursts of up to `per_minute`.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the budget of `key`, a network holding `share` budgets' worth;
    /// `Err(seconds)` to wait when it is spent.
    pub fn take(&self, key: &str, share: u32) -> Result<(), i64> {
        self.take_at(key, share, Instant::now())
    }

    fn take_at(&self, key: &str, share: u32, now: Instant) -> Result<(), i64> {
        let capacity = f64::from(self.per_minute * share.max(1));
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(key) {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil() as i64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_the_budget_refills() {
        let limiter = RateLimiter::new(6);
        let t = Instant::now();
        for _ in 0..6 {
            assert_eq!(limiter.take_at("1.2.3.4", 1, t), Ok(()));
        }
        assert_eq!(limiter.take_at("1.2.3.4", 1, t), Err(10));
        assert_eq!(limiter.take_at("5.6.7.8", 1, t), Ok(()), "per address");
        assert_eq!(
            limiter.take_at("1.2.3.4", 1, t + Duration::from_secs(10)),
            Ok(())
        );
        assert!(limiter
            .take_at("1.2.3.4", 1, t + Duration::from_secs(10))
            .is_err());
    }
}
