//! Accounts and their secrets: signup, password and login, sessions, who holds a SIRET, the
//! attached establishments, and the slow-down of guessing.

pub mod auth;
pub mod auth_error;
pub mod closure;
pub mod establishments;
pub mod export;
pub mod handover;
pub mod hashing;
pub mod notices;
pub mod ownership;
pub mod passkeys;
pub mod second_factor;
pub mod sessions;
pub mod signup;
pub mod space;
pub mod throttle;
pub mod tokens;

/// The logged-in account, its session, its address and browser: who asks for a change (made by
/// the HTTP layer from the request).
pub struct Caller {
    pub account: crate::server::store::Account,
    pub session: crate::server::store::SessionId,
    pub ip: crate::server::clients::ClientIp,
    pub user_agent: String,
}

impl Caller {
    /// The caller as the second factor's changes name it.
    pub fn asker(&self) -> second_factor::Asker<'_> {
        second_factor::Asker {
            account: &self.account,
            session: &self.session,
            ip: &self.ip,
            user_agent: &self.user_agent,
        }
    }
}
