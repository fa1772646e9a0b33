//! Password hashing: argon2id with OWASP's parameters, run off the async runtime, a bounded
//! number at a time so pages stay fast while passwords are being hashed.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// OWASP: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// One core is left to the pages: at most `cores - 1` (at least one) password computations run
/// at a time, the others wait their turn.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("hashing failed: {0}")]
    Failed(String),
}

/// Runs CPU-heavy password work (strength estimate, hashing) off the async runtime, a bounded
/// number at a time: pages stay fast and memory stays flat however many passwords arrive.
pub async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    metrics::gauge!("hubpro_password_hashes_in_flight").increment(1.0);
    let _in_flight = InFlight;
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
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

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, HashError> {
    bounded(move || hash_now(&password)).await?
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

/// Checks `password` against `stored` (or against a dummy hash when there is none).
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let had_hash = stored.is_some();
    bounded(move || {
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
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let h = hash("Kq9vW#tLm2!xR".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("Kq9vW#tLm2!xR".into(), Some(h.clone())).await);
        assert!(!verify("kq9vW#tLm2!xR".into(), Some(h.clone())).await);
        assert_ne!(h, hash("Kq9vW#tLm2!xR".into()).await.unwrap(), "salted");
        assert!(
            !verify("not the password of anyone".into(), None).await,
            "dummy never matches"
        );
    }
}
