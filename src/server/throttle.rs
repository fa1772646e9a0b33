//! Slowing down guessing (CNIL 2022-100): a few free attempts, then a growing wait between
//! attempts, capped so nobody can lock a victim out for long. Each attempt claims its turn with a
//! compare-and-set, so parallel requests cannot slip past the wait.

/// A kind of counted attempt.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Attempts allowed before waits begin.
    pub free: i64,
    /// First wait, in seconds; doubled at each further attempt.
    pub first_wait: i64,
    /// Longest wait, in seconds.
    pub max_wait: i64,
}

/// Attempts on one account from one client address: a success resets only this key, so
/// nobody can keep another client out of an account.
pub const LOGIN_PAIR: Policy = Policy {
    free: 5,
    first_wait: 30,
    max_wait: 15 * 60,
};
/// Failures on one account from every address together: much higher, so one attacker cannot
/// aim it at a victim, yet a spread guessing campaign stops. Its owner is emailed once when it
/// is reached.
pub const LOGIN_ACCOUNT_CEILING: Policy = Policy {
    free: 50,
    first_wait: 60,
    max_wait: 15 * 60,
};
/// Failures from a browser known to the account (its device cookie): the same as from one
/// address, but only its own count — strangers' failures never reach it.
pub const LOGIN_DEVICE: Policy = LOGIN_PAIR;
pub const LOGIN_IP: Policy = Policy {
    free: 20,
    first_wait: 30,
    max_wait: 15 * 60,
};
pub const RESET_ADDRESS: Policy = Policy {
    free: 3,
    first_wait: 60,
    max_wait: 30 * 60,
};
pub const RESET_IP: Policy = Policy {
    free: 10,
    first_wait: 60,
    max_wait: 30 * 60,
};

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
    pub fn wait_after(&self, n: i64) -> i64 {
        if n < self.free {
            0
        } else {
            let doublings = (n - self.free).clamp(0, 20);
            (self.first_wait << doublings).min(self.max_wait)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_attempts_and_cap() {
        assert_eq!(LOGIN_PAIR.wait_after(4), 0);
        assert_eq!(LOGIN_PAIR.wait_after(5), 30);
        assert_eq!(LOGIN_PAIR.wait_after(6), 60);
        assert_eq!(LOGIN_PAIR.wait_after(50), 900);
        const { assert!(LOGIN_ACCOUNT_CEILING.free >= 10 * LOGIN_PAIR.free) };
    }
}
