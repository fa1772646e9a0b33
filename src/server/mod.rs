//! Server side (feature `ssr`), one folder per capability. From the top down, each layer uses
//! only those below it (`tests/layers.rs` holds them to it):
//!
//! - `cli` (the binary's commands) and `http` (the router, its middleware, the server
//!   functions' helpers) are the edges; `ops` holds the operator's commands and the purge;
//! - `accounts` (signup, passwords, logins, sessions, ownership, establishments), `registry`
//!   (INSEE and the approvals) and `mail` (emails and their outbox) are the services;
//! - `clients` (the client's address and budgets) and `config` are values they all read;
//!   `sealing` (the configured secret key: second factors sealed and hashed at rest) too;
//! - `store` holds all SQL and depends on nothing above it.

pub mod accounts;
pub mod cli;
pub mod clients;
pub mod config;
pub mod http;
pub mod mail;
pub mod ops;
pub mod registry;
pub mod sealing;
pub mod store;
