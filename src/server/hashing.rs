//! Password hashing: argon2id with OWASP's parameters, run off the async runtime, a bounded
//! number at a time so pages stay fast while passwords are being hashed.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// OWASP: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Who a password computation is for. A flood of wrong passwords from strangers must not make
/// the account's owner wait: browsers known to the account (device cookies) and password
/// settings through a valid link have their own lane; everyone else shares a bounded queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// A browser known to the account, or a person holding a valid link.
    Known,
    /// Any other login.
    Open,
}

/// Beyond this many computations waiting per running one, the open lane refuses at once: a
/// caller would wait longer than the answer is worth (≈ 30 ms each on this hardware).
const OPEN_QUEUE_PER_PERMIT: usize = 16;

struct LaneState {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: Option<usize>,
}

/// The open lane runs at most `cores - 1` (at least one) computations at a time, leaving a core
/// to the pages; the known lane has one of its own.
fn lane(lane: Lane) -> &'static LaneState {
    static OPEN: OnceLock<LaneState> = OnceLock::new();
    static KNOWN: OnceLock<LaneState> = OnceLock::new();
    match lane {
        Lane::Open => OPEN.get_or_init(|| {
            let cores = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2);
            let permits = cores.saturating_sub(1).max(1);
            LaneState {
                permits: Semaphore::new(permits),
                waiting: AtomicUsize::new(0),
                max_waiting: Some(permits * OPEN_QUEUE_PER_PERMIT),
            }
        }),
        Lane::Known => KNOWN.get_or_init(|| LaneState {
            permits: Semaphore::new(1),
            waiting: AtomicUsize::new(0),
            max_waiting: None,
        }),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("hashing failed: {0}")]
    Failed(String),
    /// The open lane's queue is full: the caller is asked to come back (no hash computed).
    #[error("password queue full")]
    Busy,
}

/// Runs CPU-heavy password work (strength estimate, hashing) off the async runtime, a bounded
/// number at a time: pages stay fast and memory stays flat however many passwords arrive.
pub async fn bounded<T: Send + 'static>(
    which: Lane,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let state = lane(which);
    let queued = state.waiting.fetch_add(1, Ordering::SeqCst);
    let _waiting = Waiting(&state.waiting);
    if state.max_waiting.is_some_and(|max| queued >= max) {
        metrics::counter!("hubpro_password_queue_full_total").increment(1);
        return Err(HashError::Busy);
    }
    metrics::gauge!("hubpro_password_hashes_in_flight").increment(1.0);
    let _in_flight = InFlight;
    let _permit = state
        .permits
        .acquire()
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
}

/// Counts a computation waiting for (or holding) its lane's permit, until dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a password computation, waiting or running, until dropped.
struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("hubpro_password_hashes_in_flight").decrement(1.0);
    }
}

/// Hashes a password into a PHC string, on the calling thread (inside [`bounded`]).
pub fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

/// Hashes a password into a PHC string (a password being set through a valid link).
pub async fn hash(password: String) -> Result<String, HashError> {
    bounded(Lane::Known, move || hash_now(&password)).await?
}

/// A fixed hash checked for unknown accounts, so that their answer costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"hubpro-dummy-salt").expect("valid salt");
        argon2()
            .hash_password(b"not the password of anyone", &salt)
            .expect("hashing works")
            .to_string()
    })
}

/// Checks `password` against `stored` (or against a dummy hash when there is none), in `which`
/// lane; [`HashError::Busy`] when the open lane is full.
pub async fn verify(
    which: Lane,
    password: String,
    stored: Option<String>,
) -> Result<bool, HashError> {
    let had_hash = stored.is_some();
    bounded(which, move || {
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && had_hash
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let h = hash("Kq9vW#tLm2!xR".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        let check = |p: &str, h: Option<String>| verify(Lane::Open, p.into(), h);
        assert!(check("Kq9vW#tLm2!xR", Some(h.clone())).await.unwrap());
        assert!(!check("kq9vW#tLm2!xR", Some(h.clone())).await.unwrap());
        assert_ne!(h, hash("Kq9vW#tLm2!xR".into()).await.unwrap(), "salted");
        assert!(
            !check("not the password of anyone", None).await.unwrap(),
            "dummy never matches"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_open_lane_refuses_at_once_and_the_known_lane_still_answers() {
        let flood: Vec<_> = (0..200)
            .map(|_| tokio::spawn(verify(Lane::Open, "wrong".into(), None)))
            .collect();
        while lane(Lane::Open).waiting.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        let known = verify(Lane::Known, "wrong".into(), None).await;
        assert!(matches!(known, Ok(false)), "{known:?}");
        // Answered while strangers' computations were still queued: it did not wait behind them.
        assert!(lane(Lane::Open).waiting.load(Ordering::SeqCst) > 0);
        let mut busy = 0;
        for task in flood {
            if matches!(task.await.unwrap(), Err(HashError::Busy)) {
                busy += 1;
            }
        }
        assert!(busy > 0, "the open lane's queue is bounded");
    }
}
