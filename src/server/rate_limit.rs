//! Per-IP request budgets for the endpoints anyone can call without an account (eligibility
//! checks, signups): a token bucket per client address, kept in memory by each instance. Login and
//! « Mot de passe oublié » have their own slowing-down, shared through the database
//! ([`super::throttle`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

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

    /// Takes one request from `key`'s budget; `Err(seconds)` to wait when it is spent.
    pub fn take(&self, key: &str) -> Result<(), i64> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: &str, now: Instant) -> Result<(), i64> {
        let capacity = f64::from(self.per_minute);
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
            assert_eq!(limiter.take_at("1.2.3.4", t), Ok(()));
        }
        assert_eq!(limiter.take_at("1.2.3.4", t), Err(10));
        assert_eq!(limiter.take_at("5.6.7.8", t), Ok(()), "per address");
        assert_eq!(
            limiter.take_at("1.2.3.4", t + Duration::from_secs(10)),
            Ok(())
        );
        assert!(limiter
            .take_at("1.2.3.4", t + Duration::from_secs(10))
            .is_err());
    }
}
