//! Server side (feature `ssr`): configuration, storage, external services and HTTP wiring.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod dev_mailbox;
pub mod directory;
pub mod emails;
pub mod establishments;
pub mod hashing;
pub mod health;
pub mod http;
pub mod mailer;
pub mod operator;
pub mod outbox;
pub mod page_cache;
pub mod password_policy;
pub mod rate_limit;
pub mod security;
pub mod sessions;
pub mod signup;
pub mod state;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod web;
