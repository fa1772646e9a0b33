//! Slowing down guessing (CNIL 2022-100): a few free attempts, then a growing wait between
//! attempts, capped so nobody can lock a victim out for long. Each attempt claims its turn with a
//! compare-and-set, so parallel requests cannot slip past the wait.

use crate::server::store::Duration;
pub use crate::server::store::{Policy, Turn};

/// Attempts on one account from one client address: a success resets only this key, so
/// nobody can keep another client out of an account.
pub const LOGIN_PAIR: Policy = Policy {
    free: 5,
    first_wait: Duration::seconds(30),
    max_wait: Duration::minutes(15),
};
/// Failures on one account from every address together: much higher, so one attacker cannot
/// aim it at a victim, yet a spread guessing campaign stops. Its owner is emailed once when it
/// is reached.
pub const LOGIN_ACCOUNT_CEILING: Policy = Policy {
    free: 50,
    first_wait: Duration::seconds(60),
    max_wait: Duration::minutes(15),
};
/// Failures from a browser known to the account (its device cookie): the same as from one
/// address, but only its own count — strangers' failures never reach it.
pub const LOGIN_DEVICE: Policy = LOGIN_PAIR;
pub const LOGIN_IP: Policy = Policy {
    free: 20,
    first_wait: Duration::seconds(30),
    max_wait: Duration::minutes(15),
};
pub const RESET_ADDRESS: Policy = Policy {
    free: 3,
    first_wait: Duration::seconds(60),
    max_wait: Duration::minutes(30),
};
pub const RESET_IP: Policy = Policy {
    free: 10,
    first_wait: Duration::seconds(60),
    max_wait: Duration::minutes(30),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_attempts_and_cap() {
        assert_eq!(LOGIN_PAIR.wait_after(4).whole_seconds(), 0);
        assert_eq!(LOGIN_PAIR.wait_after(5).whole_seconds(), 30);
        assert_eq!(LOGIN_PAIR.wait_after(6).whole_seconds(), 60);
        assert_eq!(LOGIN_PAIR.wait_after(50).whole_seconds(), 900);
        const { assert!(LOGIN_ACCOUNT_CEILING.free >= 10 * LOGIN_PAIR.free) };
    }
}
