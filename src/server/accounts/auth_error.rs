//! What can go wrong with passwords, logins, links and second factors: one error for the
//! services of `accounts/` that check who someone is (told to the user by
//! `server::http::refusals`).

use crate::domain::{EmailError, PasswordError, PolicyRefusal};
use crate::server::accounts::hashing;
use crate::server::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("email or password wrong")]
    InvalidCredentials,
    #[error("too many attempts, wait {0} s")]
    Throttled(i64),
    #[error("password queue full, come back in {0} s")]
    Busy(i64),
    #[error("account suspended from the centre's official address")]
    Suspended,
    #[error("a sensitive change needs the password typed again")]
    RecentLoginRequired,
    #[error("the password typed to confirm a change is wrong")]
    WrongPassword,
    #[error("link unknown, used or expired")]
    LinkInvalid,
    #[error("password breaks the rules: {0}")]
    PasswordInvalid(PasswordError),
    #[error("password refused: {0:?}")]
    PasswordPolicy(PolicyRefusal),
    #[error("the two passwords differ")]
    PasswordsDiffer,
    #[error("invalid email address: {0}")]
    InvalidEmail(EmailError),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("hashing: {0}")]
    Hash(hashing::HashError),
    #[error("second-factor code wrong, used or malformed")]
    CodeInvalid,
    #[error("the login's second step expired or was used")]
    LoginExpired,
    #[error("the second factor changed meanwhile")]
    FactorChanged,
    #[error("passkey refused (unknown, not this account's, or its ceremony expired)")]
    PasskeyRefused,
    #[error("the account has no passkey")]
    NoPasskey,
    #[error("passkeys are not offered on this address")]
    PasskeysUnavailable,
    #[error("the handover's new address has an account of its own")]
    AddressTaken,
}

/// How long a caller turned away by a full hashing queue is asked to wait.
pub const BUSY_RETRY_SECONDS: i64 = 5;

/// A full queue is a wait (« Patientez »), as at login, wherever a password is hashed.
impl From<hashing::HashError> for AuthError {
    fn from(e: hashing::HashError) -> Self {
        match e {
            hashing::HashError::Busy => AuthError::Busy(BUSY_RETRY_SECONDS),
            other => AuthError::Hash(other),
        }
    }
}
