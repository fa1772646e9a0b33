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
/// the account's owner wait: browsers known to the account (device cookies) have their own
/// lane; everyone else shares the other. Both queues are bounded: beyond, the caller is asked to
/// come back at once, without a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// A login from a browser known to the account (each device is slowed down after its own
    /// failures, and an account keeps a few devices only, so strangers cannot fill it).
    Known,
    /// Any other login, and passwords being set.
    Open,
}

/// Beyond this many computations waiting per running one, a lane refuses at once: a caller
/// would wait longer than the answer is worth (≈ 30 ms each on this hardware).
const QUEUE_PER_PERMIT: usize = 16;

struct LaneState {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl LaneState {
    fn new(permits: usize) -> Self {
        LaneState {
            permits: Semaphore::new(permits),
            waiting: AtomicUsize::new(0),
            max_waiting: permits * QUEUE_PER_PERMIT,
        }
    }
}

/// The open lane runs at most `cores - 1` (at least one) computations at a time; the known lane
/// one of its own. On 2 cores a flood keeps one core busy, the owner's login takes the other
/// for ≈ 30 ms, pages share them.
fn lane(lane: Lane) -> &'static LaneState {
    static OPEN: OnceLock<LaneState> = OnceLock::new();
    static KNOWN: OnceLock<LaneState> = OnceLock::new();
    match lane {
        Lane::Open => OPEN.get_or_init(|| {
            let cores = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2);
            LaneState::new(cores.saturating_sub(1).max(1))
        }),
        Lane::Known => KNOWN.get_or_init(|| LaneState::new(1)),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("hashing failed: {0}")]
    Failed(String),
    /// The lane's queue is full: the caller is asked to come back (no hash computed).
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
    let waiting = Waiting(&state.waiting);
    if queued >= state.max_waiting {
        metrics::counter!("hubpro_password_queue_full_total").increment(1);
        return Err(HashError::Busy);
    }
    let in_flight = InFlight::new();
    let permit = state
        .permits
        .acquire()
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?;
    // The slot, the count and the permit go with the computation: a caller that gives up (its
    // client disconnected) does not free them while argon2 still runs.
    tokio::task::spawn_blocking(move || {
        let _held = (waiting, in_flight, permit);
        work()
    })
    .await
    .map_err(|e| HashError::Failed(e.to_string()))
}

/// Counts a computation waiting for (or holding) its lane's permit, until dropped.
struct Waiting(&'static AtomicUsize);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a password computation, waiting or running, until dropped.
struct InFlight;

impl InFlight {
    fn new() -> Self {
        metrics::gauge!("hubpro_password_hashes_in_flight").increment(1.0);
        InFlight
    }
}

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

/// Hashes a password into a PHC string (in the open lane: anyone can open a password flow for
/// an account of their own).
pub async fn hash(password: String) -> Result<String, HashError> {
    bounded(Lane::Open, move || hash_now(&password)).await?
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
        let known_hash = |p: &'static str| bounded(Lane::Known, move || hash_now(p));
        let h = known_hash("Kq9vW#tLm2!xR").await.unwrap().unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        // The known lane: the test beside this one floods the open lane.
        let check = |p: &str, h: Option<String>| verify(Lane::Known, p.into(), h);
        assert!(check("Kq9vW#tLm2!xR", Some(h.clone())).await.unwrap());
        assert!(!check("kq9vW#tLm2!xR", Some(h.clone())).await.unwrap());
        let again = known_hash("Kq9vW#tLm2!xR").await.unwrap().unwrap();
        assert_ne!(h, again, "salted");
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
