//! Accounts and their secrets: signup, password and login, sessions, who holds a SIRET, the
//! attached establishments, and the slow-down of guessing.

pub mod auth;
pub mod closure;
pub mod establishments;
pub mod export;
pub mod handover;
pub mod hashing;
pub mod ownership;
pub mod passkeys;
pub mod second_factor;
pub mod sessions;
pub mod signup;
pub mod space;
pub mod throttle;
pub mod tokens;
