//! Server side (feature `ssr`): configuration, storage, external services and HTTP wiring.

pub mod cli;
pub mod config;
pub mod http;
pub mod state;
pub mod store;
